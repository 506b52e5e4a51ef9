/**
 * Who may touch which tenant (DESIGN §6). A tenant key writes only its own tenant and reads its
 * own tenant and the tenants below it; an installation admin key (no tenant) must name the tenant.
 * A tenant key with the admin scope manages keys and sub-tenants within its own subtree.
 */
import { TrailkeepError } from './errors.js';
import { TENANT_ID_PATTERN, type Principal, type Scope, type Tenant } from './tenancy.js';
import type { AuditStore } from '../storage/port.js';

export function hasScope(principal: Principal, scope: Scope): boolean {
  return principal.scopes.includes('admin') || principal.scopes.includes(scope);
}

export function requireScope(principal: Principal, scope: Scope): void {
  if (!hasScope(principal, scope)) {
    throw new TrailkeepError('TK_ERR_FORBIDDEN', `this key lacks the ${scope} scope`);
  }
}

export function isInstallationAdmin(principal: Principal): boolean {
  return principal.tenantId === null && principal.scopes.includes('admin');
}

export type AccessService = ReturnType<typeof createAccessService>;

const TENANT_CACHE_LIMIT = 10_000;
const TENANT_ID = new RegExp(TENANT_ID_PATTERN);

export function createAccessService(store: Pick<AuditStore, 'getTenant'>) {
  // Tenants never change once created (id, parent and origin are fixed), so found ones are kept.
  const tenants = new Map<string, Tenant>();
  async function getTenant(id: string): Promise<Tenant | undefined> {
    const cached = tenants.get(id);
    if (cached) return cached;
    // No tenant can have an id outside the pattern (a surface's org_id may carry anything).
    if (!TENANT_ID.test(id)) return undefined;
    const tenant = await store.getTenant(id);
    if (tenant) {
      if (tenants.size >= TENANT_CACHE_LIMIT) tenants.clear();
      tenants.set(id, tenant);
    }
    return tenant;
  }

  /** True when `tenantId` is `ancestorId` or lies below it. */
  async function isWithin(tenantId: string, ancestorId: string): Promise<boolean> {
    const seen = new Set<string>();
    let current: string | null = tenantId;
    while (current !== null && !seen.has(current)) {
      if (current === ancestorId) return true;
      seen.add(current);
      current = (await getTenant(current))?.parentId ?? null;
    }
    return false;
  }

  async function existingTenant(id: string): Promise<Tenant> {
    const tenant = await getTenant(id);
    if (!tenant)
      throw new TrailkeepError('TK_ERR_TENANT_NOT_FOUND', `tenant ${id} does not exist`, { field: 'tenant_id' });
    return tenant;
  }

  return {
    isWithin,
    existingTenant,

    /** The tenant whose events a request reads or writes. `requested` comes from X-Tenant-Id or tenant_id. */
    async tenantForEvents(
      principal: Principal,
      requested: string | undefined,
      scope: 'events:read' | 'events:write',
    ): Promise<Tenant> {
      requireScope(principal, scope);
      if (principal.tenantId === null) {
        if (requested === undefined) {
          throw new TrailkeepError(
            'TK_ERR_TENANT_REQUIRED',
            'an admin key must name the tenant with X-Tenant-Id or tenant_id',
            { field: 'tenant_id' },
          );
        }
        return existingTenant(requested);
      }
      if (requested === undefined || requested === principal.tenantId) return existingTenant(principal.tenantId);
      // Reads may reach down the hierarchy; writes never leave the key's own tenant.
      if (scope === 'events:read' && (await isWithin(requested, principal.tenantId))) return existingTenant(requested);
      throw new TrailkeepError('TK_ERR_FORBIDDEN', 'this key may not access that tenant', { field: 'tenant_id' });
    },

    /** Throws unless the principal may administer `tenantId` (null: installation-wide keys). */
    async assertCanAdminister(principal: Principal, tenantId: string | null): Promise<void> {
      if (!principal.scopes.includes('admin'))
        throw new TrailkeepError('TK_ERR_FORBIDDEN', 'this key lacks the admin scope');
      if (principal.tenantId === null) return;
      if (tenantId !== null && (await isWithin(tenantId, principal.tenantId))) return;
      throw new TrailkeepError('TK_ERR_FORBIDDEN', 'this key may not administer that tenant', { field: 'tenant_id' });
    },
  };
}
