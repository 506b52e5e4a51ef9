/** TRAILKEEP_TRUST_PROXY as Fastify's trustProxy option (which proxies' X-Forwarded-* to believe). */
import type { FastifyServerOptions } from 'fastify';

/**
 * `false` (default: the TCP peer is the client), `true` (believe any peer: only when every
 * connection comes through a proxy you control), or a comma-separated list of proxy addresses,
 * CIDRs or proxy-addr names (`loopback`, `10.0.0.0/8`). Hop counts are not offered: Fastify 5
 * treats them as "trust nothing", since a count cannot tell a proxy from a spoofing client.
 */
export function trustProxyOption(setting: string): FastifyServerOptions['trustProxy'] {
  if (setting === 'false') return false;
  if (setting === 'true') return true;
  return setting.split(',').map((part) => part.trim());
}
