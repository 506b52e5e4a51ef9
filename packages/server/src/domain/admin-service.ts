/** Tenants and API keys: creation, listing and revocation, with the access rules applied. */
import { v7 as uuidv7 } from 'uuid';
import { displayPrefix, generateApiKey, hashApiKey } from './api-key.js';
import { isInstallationAdmin, type AccessService } from './access.js';
import { TrailkeepError } from './errors.js';
import { TENANT_ID_PATTERN, type ApiKeyRecord, type Principal, type Scope, type Tenant } from './tenancy.js';
import type { AuditStore } from '../storage/port.js';

const TENANT_ID = new RegExp(TENANT_ID_PATTERN);

/** The principal offline CLI commands act as: whoever can open the data directory is an admin. */
export const CLI_PRINCIPAL: Principal = { keyId: 'cli', tenantId: null, scopes: ['admin'] };

export interface NewKey {
  tenantId: string | null;
  scopes: Scope[];
  name?: string;
}

export type AdminService = ReturnType<typeof createAdminService>;

export function createAdminService(deps: {
  store: AuditStore;
  access: AccessService;
  /** Host part of log origins; each tenant's origin is fixed at creation. */
  logOriginHost: string;
  /** Told when a key is revoked, so caches of resolved keys drop it. */
  onKeyRevoked?: (keyHash: string) => void;
  now?: () => Date;
}) {
  const { store, access } = deps;
  const now = (): string => (deps.now ?? (() => new Date()))().toISOString();

  async function visibleTenantIds(principal: Principal, tenants: Tenant[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (const t of tenants) {
      if (
        isInstallationAdmin(principal) ||
        (principal.tenantId !== null && (await access.isWithin(t.id, principal.tenantId)))
      ) {
        out.add(t.id);
      }
    }
    return out;
  }

  return {
    async createTenant(
      principal: Principal,
      input: { id: string; name: string; parentId: string | null },
    ): Promise<Tenant> {
      // A tenant admin creates tenants below its own; only installation admins create top-level ones.
      await access.assertCanAdminister(principal, input.parentId);
      // The HTTP schema checks this too; the CLI comes here directly.
      if (!TENANT_ID.test(input.id)) {
        throw new TrailkeepError(
          'TK_ERR_VALIDATION',
          'id must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
          {
            field: 'id',
          },
        );
      }
      const tenant: Tenant = {
        id: input.id,
        name: input.name,
        parentId: input.parentId,
        logOrigin: `${deps.logOriginHost}/t/${input.id}`,
        createdAt: now(),
      };
      await store.createTenant(tenant);
      return tenant;
    },

    async getTenant(principal: Principal, id: string): Promise<Tenant> {
      await access.assertCanAdminister(principal, id);
      return access.existingTenant(id);
    },

    async listTenants(principal: Principal): Promise<Tenant[]> {
      await access.assertCanAdminister(principal, principal.tenantId);
      const tenants = await store.listTenants();
      const visible = await visibleTenantIds(principal, tenants);
      return tenants.filter((t) => visible.has(t.id));
    },

    /** Creates a key and returns it in clear, the only time it is ever available. */
    async createKey(principal: Principal, input: NewKey): Promise<{ record: ApiKeyRecord; key: string }> {
      if (input.tenantId === null && !input.scopes.includes('admin')) {
        throw new TrailkeepError(
          'TK_ERR_VALIDATION',
          'a key without tenant_id is an installation admin key and needs the admin scope',
          { field: 'scopes' },
        );
      }
      await access.assertCanAdminister(principal, input.tenantId);
      if (input.tenantId !== null) await access.existingTenant(input.tenantId);
      const key = generateApiKey();
      const record: ApiKeyRecord = {
        id: `key_${uuidv7()}`,
        tenantId: input.tenantId,
        name: input.name ?? '',
        displayPrefix: displayPrefix(key),
        keyHash: hashApiKey(key),
        scopes: [...new Set(input.scopes)],
        createdAt: now(),
        revokedAt: null,
      };
      await store.createApiKey(record);
      return { record, key };
    },

    async listKeys(principal: Principal, tenantId?: string): Promise<ApiKeyRecord[]> {
      const scope = tenantId ?? principal.tenantId;
      await access.assertCanAdminister(principal, scope);
      return store.listApiKeys(scope ?? undefined);
    },

    async revokeKey(principal: Principal, id: string): Promise<ApiKeyRecord> {
      const record = await store.getApiKey(id);
      if (!record) throw new TrailkeepError('TK_ERR_KEY_NOT_FOUND', `key ${id} does not exist`);
      await access.assertCanAdminister(principal, record.tenantId);
      const revokedAt = now();
      await store.revokeApiKey(id, revokedAt);
      deps.onKeyRevoked?.(record.keyHash);
      return { ...record, revokedAt: record.revokedAt ?? revokedAt };
    },
  };
}
