/**
 * The storage port: the only storage module the rest of the server imports. Drivers
 * (storage/sqlite, storage/postgres) implement it and translate their native errors into
 * TrailkeepError codes; their native types never leave their folders.
 */
import type { StoredEvent } from '../domain/event.js';
import type { AppendResult, LogHead } from '../domain/log-append.js';
import type { EventQuery } from '../domain/query.js';
import type { ApiKeyRecord, Tenant } from '../domain/tenancy.js';
import type { SealedEvent } from '../domain/event.js';

/** What differs between drivers, as flags rather than driver checks in callers. */
export interface StoreCapabilities {
  /** Driver name, for logs and test reports. */
  name: 'sqlite' | 'postgres';
  /** Several server processes may append to the same store at once. */
  concurrentWriters: boolean;
}

/** Events for one tenant to append in a batch. */
export interface TenantAppend {
  tenantId: string;
  items: readonly SealedEvent[];
}

/** The events of each tenant's log. */
export interface EventLogStore {
  /**
   * Appends several tenants' events in one durable transaction. For each tenant the driver locks
   * the log head, loads stored events sharing a client id with the items, calls the domain's
   * `planAppend`, writes the planned rows and the new head, and commits. Resolves only after the commit is durable.
   * Throws TK_ERR_TENANT_NOT_FOUND if a tenant has no log.
   * @returns one result list per group, in group order.
   */
  appendBatches(groups: readonly TenantAppend[]): Promise<AppendResult[][]>;

  /** The tenant's log head, or undefined for an unknown tenant. */
  getLogHead(tenantId: string): Promise<LogHead | undefined>;

  /** One event by its id within a tenant. */
  getEventById(tenantId: string, id: string): Promise<StoredEvent | undefined>;

  /** Events with sequences in [from, to], ascending. */
  getEventsBySequence(tenantId: string, from: number, to: number): Promise<StoredEvent[]>;

  /** Events matching a query, in its order, at most `query.limit`. */
  queryEvents(query: EventQuery): Promise<StoredEvent[]>;
}

/** Tenants and their org hierarchy. */
export interface TenantStore {
  /** Creates a tenant and its empty log. Throws TK_ERR_TENANT_EXISTS or TK_ERR_PARENT_NOT_FOUND. */
  createTenant(tenant: Tenant): Promise<void>;
  getTenant(id: string): Promise<Tenant | undefined>;
  listTenants(): Promise<Tenant[]>;
}

/** API keys, stored as hashes. */
export interface ApiKeyStore {
  createApiKey(key: ApiKeyRecord): Promise<void>;
  /** The key with this hash, revoked or not. */
  findApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | undefined>;
  getApiKey(id: string): Promise<ApiKeyRecord | undefined>;
  /** Keys of one tenant, or every key when tenantId is undefined. */
  listApiKeys(tenantId?: string): Promise<ApiKeyRecord[]>;
  /** Marks a key revoked; false if it does not exist. */
  revokeApiKey(id: string, revokedAt: string): Promise<boolean>;
  /** Number of keys that are not revoked. */
  countActiveApiKeys(): Promise<number>;
}

/**
 * Everything Trailkeep stores. Feature areas are separate interfaces so each can grow on its own;
 * a driver implements them all, and the conformance suite checks every one on every driver.
 */
export interface AuditStore extends EventLogStore, TenantStore, ApiKeyStore {
  readonly capabilities: StoreCapabilities;
  /** Resolves when the store can serve requests (readiness). */
  ping(): Promise<void>;
  /** Closes connections; pending appends must have settled before. */
  close(): Promise<void>;
}
