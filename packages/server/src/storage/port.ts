/**
 * The storage port: the only storage module the rest of the server imports. Drivers
 * (storage/sqlite, storage/postgres) implement it and translate their native errors into
 * TrailkeepError codes; their native types never leave their folders.
 */
import type { LogEntry, StoredEvent } from '../domain/event.js';
import type { AppendResult, LogHead } from '../domain/log-append.js';
import type { EventFilters, EventQuery } from '../domain/query.js';
import type { Application, ApplicationRecord } from '../domain/application.js';
import type { ApiKeyRecord, Tenant } from '../domain/tenancy.js';
import type { SealedEvent } from '../domain/event.js';
import type { ErasureSubject, EventErasure } from '../domain/erasure.js';
import type {
  SignedCheckpoint,
  TileId,
  TreeIntegrationResult,
  TreeIntegrationStep,
  TreeState,
  TreeTile,
} from '../domain/tree.js';

/** What differs between drivers, as flags rather than driver checks in callers. */
export interface StoreCapabilities {
  /** Driver name, for logs and test reports. */
  name: 'sqlite' | 'postgres';
  /** Several server processes may append to the same store at once. */
  concurrentWriters: boolean;
  /**
   * Appends one server may have in flight: a later one is applied after, and settles after, the
   * earlier ones (SQLite commits one while the previous syncs; PostgreSQL transactions could take
   * a tenant's head lock in either order, so there it is one).
   */
  appendsInFlight: number;
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

/** Totals of filtered events, for surfaces that page by number (seed 003 reports `count`). */
export interface EventCountStore {
  /** Number of the tenant's events matching the filters (the same filters as queryEvents). */
  countEvents(tenantId: string, filters: EventFilters): Promise<number>;
}

/** The per-tenant applications registry of seed 001 (records), keyed by (tenant, key). */
export interface ApplicationStore {
  /** The tenant's applications, ordered by key, each with its param count. */
  listApplications(tenantId: string): Promise<Application[]>;
  /** One application by key, with its param count. */
  getApplication(tenantId: string, key: string): Promise<Application | undefined>;
  /** One application by id, with its param count. */
  getApplicationById(tenantId: string, id: string): Promise<Application | undefined>;
  /**
   * Creates the application, or, when its key exists, replaces name, description, accent_color
   * and updated_at while keeping the stored id and created_at.
   * @returns the stored application and whether this call created it.
   */
  putApplication(application: ApplicationRecord): Promise<{ application: Application; created: boolean }>;
  /**
   * In one transaction: creates `application` unless its key exists (then the stored one is
   * kept unchanged), and records each param name not yet seen for it.
   * @returns the stored application with its param count after the call.
   */
  registerApplicationUse(application: ApplicationRecord, paramNames: readonly string[]): Promise<Application>;
}

/** Stable per-tenant numbers of target types (seed 003's integer content_type). */
export interface TargetTypeStore {
  /**
   * The numbers of these target types, first giving types without one the next free numbers
   * (1, 2, … per tenant) in the order given. A number, once given, never changes.
   */
  numberTargetTypes(tenantId: string, types: readonly string[]): Promise<Map<string, number>>;
  /** The target type with this number, if one has it. */
  targetTypeByNumber(tenantId: string, number: number): Promise<string | undefined>;
}

/**
 * Each tenant's Merkle tree (tlog-tiles of height 8), its signed checkpoints, and integration
 * (DESIGN §3). Integration logic is the domain's (TreeIntegrationStep); drivers read and write.
 */
export interface TreeStore {
  /**
   * One integration round, in ONE transaction. For each tenant, in ascending id order (so two
   * processes lock in the same order): create its tree state (size 0, no peaks) if missing; lock it
   * (PostgreSQL: `SELECT … FOR UPDATE`, so no two processes integrate or sign one tenant at once);
   * read the log head size, the leaf hashes of sequences `leavesFrom` = size − size mod 256 + 1 to
   * min(head size, size + step.maxLeaves) (none when the head is not ahead), the stored tiles
   * `step.edgeTiles(size)` names, and the newest checkpoint; call `step.plan`; then write the
   * plan: upsert its tiles, update the state, insert the checkpoint and delete
   * `pruneCheckpointSize`. A tenant whose plan throws is left untouched (PostgreSQL: roll back to a
   * savepoint) and reported with its error; the others still commit.
   * @returns one result per tenant, in the order given.
   */
  integrateTrees(tenantIds: readonly string[], step: TreeIntegrationStep): Promise<TreeIntegrationResult[]>;

  /** The tenant's integrated tree; undefined before its first integration. */
  getTreeState(tenantId: string): Promise<TreeState | undefined>;

  /** The stored tiles among `ids` (missing ones are left out), in any order. */
  getTreeTiles(tenantId: string, ids: readonly TileId[]): Promise<TreeTile[]>;

  /** Leaf hashes (32 bytes each) of sequences [from, to], ascending; fewer if events are missing. */
  getLeafHashes(tenantId: string, from: number, to: number): Promise<Uint8Array[]>;

  /** Entries as hashed, with their leaf hashes, of sequences [from, to], ascending: what proofs and entry bundles read (not the bodies). */
  getLogEntries(tenantId: string, from: number, to: number): Promise<LogEntry[]>;

  /** The tenant's newest signed checkpoint. */
  getLatestCheckpoint(tenantId: string): Promise<SignedCheckpoint | undefined>;

  /** The stored checkpoint of exactly this size (the newest, and milestones, are kept). */
  getCheckpoint(tenantId: string, size: number): Promise<SignedCheckpoint | undefined>;

  /**
   * Tenants whose log head is ahead of their tree, or whose tree is ahead of their newest
   * checkpoint: the work left by a stopped process, resumed on start.
   */
  listTenantsToIntegrate(): Promise<string[]>;
}

/** Erasure of a data subject's personal values (DESIGN §3): disclosures go, leaves stay. */
export interface ErasureStore {
  /**
   * In one transaction, for each of the tenant's events whose `actor_id` is `subject.actorId`, or
   * whose `/actor/email` disclosure has the value `subject.email`: calls `plan` with the stored
   * event and, unless it returns null, writes the result — replaces the disclosures, replaces the
   * event's full-text row, and clears the indexed `ip` column when `clearIp`. Never touches the
   * sealed body, the entry or the leaf hash, so every proof stays valid.
   * @returns how many events changed and how many fields were erased.
   */
  eraseSubject(
    tenantId: string,
    subject: ErasureSubject,
    plan: (event: StoredEvent) => EventErasure | null,
  ): Promise<{ events: number; fields: number }>;
}

/**
 * Everything Trailkeep stores. Feature areas are separate interfaces so each can grow on its own;
 * a driver implements them all, and the conformance suite checks every one on every driver.
 */
export interface AuditStore
  extends
    EventLogStore,
    TenantStore,
    ApiKeyStore,
    EventCountStore,
    ApplicationStore,
    TargetTypeStore,
    TreeStore,
    ErasureStore {
  readonly capabilities: StoreCapabilities;
  /** Resolves when the store can serve requests (readiness). */
  ping(): Promise<void>;
  /** Closes connections; pending appends must have settled before. */
  close(): Promise<void>;
}
