/**
 * Writes small MaxMind DB (MMDB v2) files, so geo-IP tests can use a real GeoIP2-layout database
 * file read by the real `maxmind` reader, without shipping MaxMind's licensed data.
 * Format: https://maxmind.github.io/MaxMind-DB/ (search tree, 16-byte separator, data section, metadata).
 */
import { isIPv4 } from 'node:net';

type MmdbValue = string | number | boolean | MmdbValue[] | { [key: string]: MmdbValue };

const TYPES = { string: 2, double: 3, uint32: 6, map: 7, array: 11, boolean: 14 } as const;

function header(type: number, size: number): Buffer {
  const extended = type > 7;
  let sizeBits: number;
  let extra: number[];
  if (size < 29) [sizeBits, extra] = [size, []];
  else if (size < 285) [sizeBits, extra] = [29, [size - 29]];
  else if (size < 65821) [sizeBits, extra] = [30, [(size - 285) >> 8, (size - 285) & 255]];
  else {
    const v = size - 65821;
    [sizeBits, extra] = [31, [(v >> 16) & 255, (v >> 8) & 255, v & 255]];
  }
  return Buffer.from([((extended ? 0 : type) << 5) | sizeBits, ...(extended ? [type - 7] : []), ...extra]);
}

function encode(value: MmdbValue): Buffer {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([header(TYPES.string, bytes.length), bytes]);
  }
  if (typeof value === 'boolean') return header(TYPES.boolean, value ? 1 : 0);
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value < 2 ** 32) {
      const bytes: number[] = [];
      for (let v = value; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
      return Buffer.concat([header(TYPES.uint32, bytes.length), Buffer.from(bytes)]);
    }
    const bytes = Buffer.alloc(8);
    bytes.writeDoubleBE(value);
    return Buffer.concat([header(TYPES.double, 8), bytes]);
  }
  if (Array.isArray(value)) return Buffer.concat([header(TYPES.array, value.length), ...value.map(encode)]);
  const entries = Object.entries(value);
  return Buffer.concat([header(TYPES.map, entries.length), ...entries.flatMap(([k, v]) => [encode(k), encode(v)])]);
}

interface TrieNode {
  children: [TrieNode | number | undefined, TrieNode | number | undefined];
}

/** The bits of a network in a 128-bit tree (IPv4 networks sit below 96 zero bits, as in GeoIP2). */
function networkBits(cidr: string): number[] {
  const [address, prefixText] = cidr.split('/') as [string, string];
  const prefix = Number(prefixText);
  let bytes: number[];
  if (isIPv4(address)) bytes = [...new Array<number>(12).fill(0), ...address.split('.').map(Number)];
  else {
    const [head, tail = ''] = address.split('::') as [string, string?];
    const groups = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
    const h = groups(head);
    const t = groups(tail);
    const all = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
    bytes = all.flatMap((g) => [g >> 8, g & 255]);
  }
  const bits = bytes.flatMap((b) => [7, 6, 5, 4, 3, 2, 1, 0].map((i) => (b >> i) & 1));
  return bits.slice(0, (isIPv4(address) ? 96 : 0) + prefix);
}

/** An IPv6 MMDB file (IPv4 reachable through ::/96) mapping each network to its record. */
export function buildMmdb(networks: Record<string, MmdbValue>, databaseType = 'GeoLite2-City'): Buffer {
  const root: TrieNode = { children: [undefined, undefined] };
  const dataParts: Buffer[] = [];
  let dataSize = 0;
  for (const [cidr, record] of Object.entries(networks)) {
    const encoded = encode(record);
    const offset = dataSize;
    dataParts.push(encoded);
    dataSize += encoded.length;
    const bits = networkBits(cidr);
    let node = root;
    bits.forEach((bit, i) => {
      if (i === bits.length - 1) node.children[bit as 0 | 1] = offset;
      else node = (node.children[bit as 0 | 1] ??= { children: [undefined, undefined] }) as TrieNode;
    });
  }
  const nodes: TrieNode[] = [];
  const number = new Map<TrieNode, number>();
  const visit = (n: TrieNode) => {
    number.set(n, nodes.push(n) - 1);
    for (const c of n.children) if (typeof c === 'object') visit(c);
  };
  visit(root);
  const count = nodes.length;
  const tree = Buffer.alloc(count * 6);
  nodes.forEach((n, i) => {
    n.children.forEach((c, side) => {
      const value = c === undefined ? count : typeof c === 'number' ? count + 16 + c : number.get(c)!;
      tree.writeUIntBE(value, i * 6 + side * 3, 3);
    });
  });
  const metadata = encode({
    node_count: count,
    record_size: 24,
    ip_version: 6,
    database_type: databaseType,
    languages: ['en'],
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: 1_700_000_000,
    description: { en: 'Trailkeep test database' },
  });
  return Buffer.concat([
    tree,
    Buffer.alloc(16),
    ...dataParts,
    Buffer.from([0xab, 0xcd, 0xef]),
    Buffer.from('MaxMind.com'),
    metadata,
  ]);
}

/** A GeoIP2 City record, as MaxMind's City databases lay them out. */
export function geoIp2City(city: string, country: string, subdivision: string, lat: number, lon: number): MmdbValue {
  return {
    city: { geoname_id: 2643743, names: { en: city } },
    country: { geoname_id: 2635167, iso_code: country, names: { en: country } },
    location: { accuracy_radius: 10, latitude: lat, longitude: lon, time_zone: 'Europe/London' },
    subdivisions: [{ geoname_id: 6269131, iso_code: subdivision, names: { en: subdivision } }],
  };
}
