import type { ApiKeyRecord, Tenant } from '../../domain/tenancy.js';

export function toTenantResponse(t: Tenant) {
  return { id: t.id, name: t.name, parent_id: t.parentId, log_origin: t.logOrigin, created_at: t.createdAt };
}

export function toKeyResponse(k: ApiKeyRecord) {
  return {
    id: k.id,
    tenant_id: k.tenantId,
    name: k.name,
    prefix: k.displayPrefix,
    scopes: k.scopes,
    created_at: k.createdAt,
    revoked_at: k.revokedAt,
  };
}
