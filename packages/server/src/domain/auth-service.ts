/** Resolves an API key to a principal. */
import { hashApiKey, hashesEqual, looksLikeApiKey } from './api-key.js';
import { TrailkeepError } from './errors.js';
import type { Principal } from './tenancy.js';
import type { AuditStore } from '../storage/port.js';

export const ENV_ADMIN_KEY_ID = 'key_env_admin';

export interface AuthOptions {
  /** TRAILKEEP_ADMIN_KEY: an installation admin key that is never stored. */
  fixedAdminKey?: string | undefined;
  /**
   * How long a resolved key is remembered. Revocation through this process takes effect at once;
   * through another process sharing the database, within this time.
   */
  cacheTtlMs?: number;
}

export type AuthService = ReturnType<typeof createAuthService>;

const CACHE_LIMIT = 10_000;

export function createAuthService(store: Pick<AuditStore, 'findApiKeyByHash'>, options: AuthOptions = {}) {
  const fixedAdminHash = options.fixedAdminKey === undefined ? undefined : hashApiKey(options.fixedAdminKey);
  const ttl = options.cacheTtlMs ?? 5_000;
  const cache = new Map<string, { principal: Principal; expires: number }>();
  const unauthenticated = (): TrailkeepError =>
    new TrailkeepError('TK_ERR_UNAUTHENTICATED', 'the API key is missing, unknown or revoked');

  async function lookup(hash: string): Promise<Principal> {
    const record = await store.findApiKeyByHash(hash);
    // Looked up by hash, then compared in constant time, so timing says nothing about stored keys.
    if (!record || record.revokedAt !== null || !hashesEqual(record.keyHash, hash)) throw unauthenticated();
    return { keyId: record.id, tenantId: record.tenantId, scopes: record.scopes };
  }

  return {
    async authenticate(key: string | undefined): Promise<Principal> {
      if (key === undefined || key === '') {
        throw new TrailkeepError(
          'TK_ERR_UNAUTHENTICATED',
          'send an API key as Authorization: Bearer <key> or X-API-Key',
        );
      }
      const hash = hashApiKey(key);
      if (fixedAdminHash !== undefined && hashesEqual(hash, fixedAdminHash)) {
        return { keyId: ENV_ADMIN_KEY_ID, tenantId: null, scopes: ['admin'] };
      }
      if (!looksLikeApiKey(key)) throw unauthenticated();
      const now = Date.now();
      const hit = cache.get(hash);
      if (hit && hit.expires > now) return hit.principal;
      const principal = await lookup(hash);
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(hash, { principal, expires: now + ttl });
      return principal;
    },

    /** Drops a key from the cache, so its revocation applies to the next request. */
    forget(keyHash: string): void {
      cache.delete(keyHash);
    },
  };
}
