/** API-key authentication for the native API: `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
import type { FastifyRequest } from 'fastify';
import type { AuthService } from '../domain/auth-service.js';
import type { Principal } from '../domain/tenancy.js';
import { apiKeyHeader, bearerToken, firstCredential, type CredentialExtractor } from './credentials.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** The key a request carries in one of the native styles, if any (another scheme, e.g. a gateway's Basic, is skipped). */
export const bearerOrApiKey: CredentialExtractor = firstCredential(bearerToken, apiKeyHeader);

/** A preHandler that resolves the caller's principal or answers 401 through the scope's error handler. */
export function requireApiKey(auth: AuthService, extractKey: CredentialExtractor = bearerOrApiKey) {
  return async (request: FastifyRequest): Promise<void> => {
    request.principal = await auth.authenticate(extractKey(request));
  };
}

/** The authenticated principal; only called in routes behind requireApiKey. */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw new Error('route is missing requireApiKey');
  return request.principal;
}

/** The tenant a request names: X-Tenant-Id header, else a tenant_id query parameter. */
export function requestedTenant(request: FastifyRequest): string | undefined {
  const header = request.headers['x-tenant-id'];
  if (typeof header === 'string' && header !== '') return header;
  const query = request.query as { tenant_id?: unknown } | undefined;
  return typeof query?.tenant_id === 'string' ? query.tenant_id : undefined;
}
