/**
 * Writes that name their tenant in the body (seed 000's org_id). Unlike the native API, whose
 * writes never leave the key's own tenant, an org hierarchy lets a parent's key write to its
 * children: the named tenant must be the key's tenant or below it.
 */
import { requireScope, type AccessService } from './access.js';
import { isTrailkeepError, TrailkeepError } from './errors.js';
import type { Principal, Tenant } from './tenancy.js';

async function existingOrg(access: AccessService, orgId: string): Promise<Tenant> {
  try {
    return await access.existingTenant(orgId);
  } catch (error) {
    if (isTrailkeepError(error) && error.code === 'TK_ERR_TENANT_NOT_FOUND') {
      throw new TrailkeepError(error.code, `organization ${orgId} does not exist`, { field: 'org_id' });
    }
    throw error;
  }
}

export async function tenantForOrgWrite(access: AccessService, principal: Principal, orgId: string): Promise<Tenant> {
  requireScope(principal, 'events:write');
  // An installation admin key may write anywhere, but only to a tenant that exists: nothing is created implicitly.
  if (principal.tenantId === null) return existingOrg(access, orgId);
  // isWithin is false for unknown tenants too, so a tenant key learns nothing about tenants outside its subtree.
  if (orgId === principal.tenantId || (await access.isWithin(orgId, principal.tenantId))) {
    return existingOrg(access, orgId);
  }
  throw new TrailkeepError('TK_ERR_FORBIDDEN', 'this key may not write to that organization', { field: 'org_id' });
}
