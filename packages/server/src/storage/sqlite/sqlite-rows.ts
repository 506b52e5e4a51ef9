/** Row <-> domain mapping for the SQLite driver. */
import type { Disclosures } from '@trailkeep/tlog';
import type { StoredEvent } from '../../domain/event.js';
import type { LogHead } from '../../domain/log-append.js';
import type { ApiKeyRecord, Scope, Tenant } from '../../domain/tenancy.js';

export interface EventRow {
  tenant_id: string;
  seq: number;
  id: string;
  received_at: string;
  request_digest: string;
  body_digest: string;
  sealed_body: string;
  disclosures: string;
  entry: string;
  leaf_hash: string;
}

/** Columns read for a StoredEvent; keep in step with EventRow. */
export const EVENT_COLUMNS =
  'e.tenant_id, e.seq, e.id, e.received_at, e.request_digest, e.body_digest, e.sealed_body, e.disclosures, e.entry, e.leaf_hash';

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    tenantId: row.tenant_id,
    sequence: row.seq,
    id: row.id,
    receivedAt: row.received_at,
    requestDigest: row.request_digest,
    bodyDigest: row.body_digest,
    sealedBody: row.sealed_body,
    disclosures: JSON.parse(row.disclosures) as Disclosures,
    entry: row.entry,
    leafHash: row.leaf_hash,
  };
}

export interface HeadRow {
  tenant_id: string;
  log_origin: string;
  size: number;
  head_hash: string;
  last_received_at: string | null;
}

export function toLogHead(row: HeadRow): LogHead {
  return {
    tenantId: row.tenant_id,
    origin: row.log_origin,
    size: row.size,
    headHash: row.head_hash,
    lastReceivedAt: row.last_received_at,
  };
}

export interface TenantRow {
  id: string;
  name: string;
  parent_id: string | null;
  log_origin: string;
  created_at: string;
}

export function toTenant(row: TenantRow): Tenant {
  return {
    id: row.id,
    name: row.name,
    parentId: row.parent_id,
    logOrigin: row.log_origin,
    createdAt: row.created_at,
  };
}

export interface ApiKeyRow {
  id: string;
  tenant_id: string | null;
  name: string;
  display_prefix: string;
  key_hash: string;
  scopes: string;
  created_at: string;
  revoked_at: string | null;
}

export function toApiKey(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    displayPrefix: row.display_prefix,
    keyHash: row.key_hash,
    scopes: JSON.parse(row.scopes) as Scope[],
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}
