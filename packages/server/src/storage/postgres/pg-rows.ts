/** Row <-> domain mapping for the PostgreSQL driver. */
import type { Disclosures } from '@trailkeep/tlog';
import type { StoredEvent } from '../../domain/event.js';
import type { LogHead } from '../../domain/log-append.js';
import type { ApiKeyRecord, Scope, Tenant } from '../../domain/tenancy.js';

/**
 * PostgreSQL text cannot hold U+0000, which JSON strings (an actor id, a tenant name) may contain.
 * Free-text values are stored with `\` and U+0000 escaped (`\\`, `\0`): the mapping is reversible
 * and keeps equality and prefixes, so filters encode their values the same way. Values whose
 * format forbids both characters (ids, actions, ips, hex digests, JSON text) are stored as they are.
 */
export function encodeText(value: string): string;
export function encodeText(value: string | null): string | null;
export function encodeText(value: string | null): string | null {
  if (value === null || !/[\\\0]/.test(value)) return value;
  return value.replace(/[\\\0]/g, (c) => (c === '\\' ? '\\\\' : '\\0'));
}

export function decodeText(value: string): string;
export function decodeText(value: string | null): string | null;
export function decodeText(value: string | null): string | null {
  if (value === null || !value.includes('\\')) return value;
  return value.replace(/\\(.)/g, (_, c: string) => (c === '0' ? '\0' : c));
}

const iso = (d: Date): string => d.toISOString();

export interface EventRow {
  tenant_id: string;
  seq: number;
  id: string;
  received_at: Date;
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
    receivedAt: iso(row.received_at),
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
  last_received_at: Date | null;
}

export function toLogHead(row: HeadRow): LogHead {
  return {
    tenantId: row.tenant_id,
    origin: row.log_origin,
    size: row.size,
    headHash: row.head_hash,
    lastReceivedAt: row.last_received_at && iso(row.last_received_at),
  };
}

export interface TenantRow {
  id: string;
  name: string;
  parent_id: string | null;
  log_origin: string;
  created_at: Date;
}

export function toTenant(row: TenantRow): Tenant {
  return {
    id: row.id,
    name: decodeText(row.name),
    parentId: row.parent_id,
    logOrigin: row.log_origin,
    createdAt: iso(row.created_at),
  };
}

export interface ApiKeyRow {
  id: string;
  tenant_id: string | null;
  name: string;
  display_prefix: string;
  key_hash: string;
  scopes: Scope[];
  created_at: Date;
  revoked_at: Date | null;
}

export function toApiKey(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: decodeText(row.name),
    displayPrefix: row.display_prefix,
    keyHash: row.key_hash,
    scopes: row.scopes,
    createdAt: iso(row.created_at),
    revokedAt: row.revoked_at && iso(row.revoked_at),
  };
}
