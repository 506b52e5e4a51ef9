/**
 * Which client addresses are worth a geo lookup: valid, globally routable unicast addresses.
 * Private, loopback, link-local, shared (CGNAT), documentation, multicast and reserved ranges
 * (IANA special-purpose registries, RFC 6890) have no meaningful location, so they get none.
 */
import { BlockList, isIP } from 'node:net';

export interface PublicAddress {
  address: string;
  family: 4 | 6;
}

const SPECIAL_IPV4: ReadonlyArray<[string, number]> = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private (RFC 1918)
  ['100.64.0.0', 10], // shared address space, CGNAT (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local
  ['172.16.0.0', 12], // private (RFC 1918)
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // TEST-NET-1 (RFC 5737)
  ['192.88.99.0', 24], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16], // private (RFC 1918)
  ['198.18.0.0', 15], // benchmarking (RFC 2544)
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the limited broadcast address
];

const SPECIAL_IPV6: ReadonlyArray<[string, number]> = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b::', 96], // NAT64 (RFC 6052): the location is the embedded IPv4's, not this one's
  ['100::', 64], // discard-only
  ['2001::', 23], // IETF protocol assignments (Teredo, ORCHID, …)
  ['2001:db8::', 32], // documentation (RFC 3849)
  ['2002::', 16], // 6to4
  ['fc00::', 7], // unique local (RFC 4193)
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
];

const special = new BlockList();
for (const [net, prefix] of SPECIAL_IPV4) special.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of SPECIAL_IPV6) special.addSubnet(net, prefix, 'ipv6');

/** IPv4-mapped IPv6 (`::ffff:192.0.2.1` or `::ffff:c000:201`), as the IPv4 address it carries. */
function unmapIpv4(address: string): string | undefined {
  const dotted = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (dotted) return dotted[1];
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return undefined;
  const high = parseInt(hex[1]!, 16);
  const low = parseInt(hex[2]!, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

// BlockList.check allocates a SocketAddress per call, which showed in ingest profiles; clients
// repeat, so recent answers are kept (null: not public).
const recent = new Map<string, PublicAddress | null>();
const RECENT_LIMIT = 4096;

/** The address to locate, or undefined when it is invalid or not publicly routable. */
export function publicAddress(text: string): PublicAddress | undefined {
  let answer = recent.get(text);
  if (answer === undefined) {
    answer = classify(text) ?? null;
    if (recent.size >= RECENT_LIMIT) recent.delete(recent.keys().next().value!);
    recent.set(text, answer);
  }
  return answer ?? undefined;
}

function classify(text: string): PublicAddress | undefined {
  const family = isIP(text);
  if (family === 0 || text.includes('%')) return undefined; // zoned addresses are link-local
  const mapped = family === 6 ? unmapIpv4(text) : undefined;
  if (mapped !== undefined) return classify(mapped);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (special.check(text, type)) return undefined;
  return { address: text, family: family === 4 ? 4 : 6 };
}
