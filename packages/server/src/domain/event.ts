/**
 * The canonical audit event (docs/ARCHITECTURE.md §"Canonical event"). Every API surface maps to
 * and from these types; storage keeps the sealed form and the disclosures beside it.
 */
import type { Disclosures } from '@trailkeep/tlog';

export const OUTCOMES = ['success', 'failure', 'error', 'unknown'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'none'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Actor {
  type: string;
  id?: string;
  email?: string;
  name?: string;
}

export interface Target {
  type?: string;
  id?: string;
  name?: string;
}

export interface HttpContext {
  method?: string;
  path?: string;
  url?: string;
  query?: unknown;
  status?: number;
  latency_ms?: number;
  headers?: unknown;
  body?: unknown;
}

export interface EventContext {
  ip?: string;
  user_agent?: string;
  session_id?: string;
  request_id?: string;
  correlation_id?: string;
  http?: HttpContext;
  source?: string;
  node_ip?: string;
  worker_id?: string;
  vm_id?: string;
  task_id?: number;
}

export interface Enrichment {
  geo?: {
    lat: number;
    lon: number;
    city?: string;
    region_code?: string;
    subdivision_1_code?: string;
    country_code?: string;
  };
  user_agent?: { name?: string; version?: string; os?: string; device?: string };
}

/**
 * What the leaf seals: the canonical event without tenant_id, sequence, received_at and
 * integrity, which the leaf entry binds itself.
 */
export interface EventBody {
  id: string;
  occurred_at: string;
  action: string;
  category?: string;
  outcome: Outcome;
  severity?: Severity;
  summary?: string;
  actor: Actor;
  target?: Target;
  context?: EventContext;
  application?: { id: string; key: string };
  metadata?: Record<string, unknown>;
  error_message?: string;
  enrichment?: Enrichment;
}

export interface Integrity {
  /** hex SHA-256 of JCS(sealed body): the seed `sha256` fingerprint. */
  sha256: string;
  /** hex leaf hash of the previous sequence, or 64 zeros. */
  prev_hash: string;
  /** hex RFC 9162 leaf hash of this event's entry. */
  hash: string;
}

/** A committed event as readers see it, personal values revealed where they survive. */
export interface AuditEvent extends EventBody {
  tenant_id: string;
  sequence: number;
  received_at: string;
  integrity: Integrity;
  /** JSON Pointers of personal fields whose values were erased. */
  erased?: string[];
}

/** Columns a driver indexes so queries can filter without parsing bodies. */
export interface IndexedFields {
  occurredAt: string;
  action: string;
  category: string | null;
  outcome: Outcome;
  severity: Severity | null;
  actorType: string;
  actorId: string | null;
  targetType: string | null;
  targetId: string | null;
  sessionId: string | null;
  requestId: string | null;
  ip: string | null;
  vmId: string | null;
}

/** An event sealed and ready for the sequencer: everything but its place in the log. */
export interface SealedEvent {
  id: string;
  /** The client chose the id, so it is an idempotency key (server ids are fresh UUIDv7s). */
  clientId: boolean;
  /** hex SHA-256 of the client's request as sent: same id + same digest is a retry. */
  requestDigest: string;
  /** JCS of the sealed body, stored exactly as hashed. */
  sealedBody: string;
  bodyDigest: string;
  disclosures: Disclosures;
  indexed: IndexedFields;
  /** Text the full-text index covers. */
  searchText: string;
  /**
   * The body as sealed but in clear: what readers of this event see, without reopening it. Left
   * out where the answer was written from it already (batch items prepared on a worker).
   */
  clearBody?: EventBody | undefined;
}

/** An event's leaf in its tenant's log: what a proof or an entry bundle needs of it. */
export type LogEntry = Pick<StoredEvent, 'sequence' | 'entry' | 'leafHash'>;

/** A committed event as stored: the sealed event plus its place in the tenant's log. */
export interface StoredEvent {
  tenantId: string;
  sequence: number;
  id: string;
  receivedAt: string;
  requestDigest: string;
  sealedBody: string;
  bodyDigest: string;
  disclosures: Disclosures;
  /** JCS of the leaf object, stored exactly as hashed. */
  entry: string;
  /** hex leaf hash. */
  leafHash: string;
  /** The clear body, when this process has just sealed the event (it then need not be reopened). */
  clearBody?: EventBody | undefined;
}
