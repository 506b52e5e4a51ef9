/**
 * Where each surface's clients put their API key. Every style resolves the same Trailkeep API
 * keys through the same AuthService; only the header differs.
 */
import type { FastifyRequest } from 'fastify';

export type CredentialExtractor = (request: FastifyRequest) => string | undefined;

/**
 * `Authorization: <scheme> <key>`, the scheme compared case-insensitively (RFC 9110 §11.1):
 * - undefined when there is no such header or it uses another scheme (`Basic …` added by a
 *   gateway): that is no credential of this style, so the surface's other styles are tried;
 * - the key otherwise, even when malformed (`Bearer` with nothing after it is '', `Bearer a b` is
 *   `a b`): a credential in the surface's own scheme is the one the client meant, so a bad one is
 *   refused (401) and never silently passed over for another credential of the same request.
 */
function authorization(request: FastifyRequest, scheme: string): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^\s*(\S+)(?:\s+(.*))?$/s.exec(header);
  if (!match || match[1]!.toLowerCase() !== scheme.toLowerCase()) return undefined;
  return (match[2] ?? '').trim();
}

/** `Authorization: Bearer <key>` (auditr, records, events-list). */
export const bearerToken: CredentialExtractor = (request) => authorization(request, 'Bearer');

/** `Authorization: Token <key>` (Django REST framework's TokenAuthentication, drf). */
export const drfToken: CredentialExtractor = (request) => authorization(request, 'Token');

/** `X-API-Key: <key>` (records, events-list); an empty header carries no credential. */
export const apiKeyHeader: CredentialExtractor = (request) => {
  const value = request.headers['x-api-key'];
  const key = typeof value === 'string' ? value.trim() : '';
  return key === '' ? undefined : key;
};

/** The value of one cookie of the request, URI-decoded (RFC 6265 §4.2). */
export function cookieValue(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    const raw = pair
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return undefined;
}

/**
 * The first credential any of the styles finds, in the order given. A style that finds a
 * credential ends the search, even when the key turns out to be wrong (401, not the next style).
 */
export function firstCredential(...extractors: CredentialExtractor[]): CredentialExtractor {
  return (request) => {
    for (const extract of extractors) {
      const key = extract(request);
      if (key !== undefined) return key;
    }
    return undefined;
  };
}

/** True when the request carried a credential in one of the styles (to tell "missing" from "wrong"). */
export function sentCredential(extract: CredentialExtractor, request: FastifyRequest): boolean {
  const key = extract(request);
  return key !== undefined && key !== '';
}
