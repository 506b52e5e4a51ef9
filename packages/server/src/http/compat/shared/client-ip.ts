/** The caller's address as Fastify resolved it (X-Forwarded-For only from trusted proxies). */
import type { FastifyRequest } from 'fastify';

/** request.ip, with IPv4-mapped IPv6 (`::ffff:203.0.113.9`, from dual-stack sockets) as plain IPv4. */
export function callerIp(request: FastifyRequest): string | undefined {
  const ip = request.ip;
  if (typeof ip !== 'string' || ip === '') return undefined;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  return mapped ? mapped[1] : ip;
}
