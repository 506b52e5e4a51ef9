/**
 * Where each surface's clients put their API key. Every style resolves the same Trailkeep API
 * keys through the same AuthService; only the header differs.
 */
import type { FastifyRequest } from 'fastify';

export type CredentialExtractor = (request: FastifyRequest) => string | undefined;

/** `Authorization: <scheme> <key>`; '' (refused) when the header uses another scheme. */
function authorization(request: FastifyRequest, scheme: RegExp): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  return scheme.exec(header)?.[1] ?? '';
}

/** `Authorization: Bearer <key>` (auditr, records, events-list). */
export const bearerToken: CredentialExtractor = (request) => authorization(request, /^Bearer\s+(\S+)\s*$/i);

/** `Authorization: Token <key>` (Django REST framework's TokenAuthentication, drf). */
export const drfToken: CredentialExtractor = (request) => authorization(request, /^Token\s+(\S+)\s*$/i);

/** `X-API-Key: <key>` (records, events-list). */
export const apiKeyHeader: CredentialExtractor = (request) => {
  const value = request.headers['x-api-key'];
  return typeof value === 'string' ? value.trim() : undefined;
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

/** The first credential any of the styles finds, in the order given. */
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
