/**
 * Appending to a tenant's log, as one pure function the storage drivers call inside their
 * transaction, after locking the tenant's head: idempotency, gapless sequences, the hash chain
 * and the v1 leaf entries are decided here and nowhere else.
 */
import { buildEntry, entryLeafHashHex } from '@trailkeep/tlog';
import type { IndexedFields, SealedEvent, StoredEvent } from './event.js';

/** The head of a tenant's log: how many leaves it has and the hash of the newest. */
export interface LogHead {
  tenantId: string;
  /** The log origin bound into every entry (`<host>/t/<tenant>`), fixed when the tenant is created. */
  origin: string;
  size: number;
  /** hex leaf hash of sequence `size`, or 64 zeros when empty. */
  headHash: string;
  /** received_at of sequence `size`; received_at never decreases within a log. */
  lastReceivedAt: string | null;
}

export type AppendResult =
  | { kind: 'created'; event: StoredEvent }
  | { kind: 'duplicate'; event: StoredEvent }
  | { kind: 'conflict'; id: string };

/** A new row for a driver to insert: the stored event plus what its indexes need. */
export interface NewEventRow extends StoredEvent {
  indexed: IndexedFields;
  searchText: string;
}

export interface AppendPlan {
  /** New rows, in sequence order. */
  rows: NewEventRow[];
  head: LogHead;
  /** One result per input item, in input order. */
  results: AppendResult[];
}

/**
 * Plans an append: called by a driver inside its transaction with the locked head and the stored
 * events sharing an id with the items. `now` is the commit time (received_at).
 */
export function planAppend(
  head: LogHead,
  existing: ReadonlyMap<string, StoredEvent>,
  items: readonly SealedEvent[],
  now: Date = new Date(),
): AppendPlan {
  const known = new Map(existing);
  const rows: NewEventRow[] = [];
  const results: AppendResult[] = [];
  let { size, headHash, lastReceivedAt } = head;
  const nowIso = now.toISOString();
  // received_at must never go backwards, even if the wall clock does (DESIGN §1).
  const receivedAt = lastReceivedAt !== null && lastReceivedAt > nowIso ? lastReceivedAt : nowIso;
  for (const item of items) {
    const previous = known.get(item.id);
    if (previous) {
      results.push(
        previous.requestDigest === item.requestDigest
          ? { kind: 'duplicate', event: previous }
          : { kind: 'conflict', id: item.id },
      );
      continue;
    }
    size += 1;
    const entry = buildEntry({
      log: head.origin,
      sequence: size,
      prev: headHash,
      receivedAt,
      body: item.bodyDigest,
    });
    const row: NewEventRow = {
      tenantId: head.tenantId,
      sequence: size,
      id: item.id,
      receivedAt,
      requestDigest: item.requestDigest,
      sealedBody: item.sealedBody,
      bodyDigest: item.bodyDigest,
      disclosures: item.disclosures,
      entry,
      leafHash: entryLeafHashHex(entry),
      indexed: item.indexed,
      searchText: item.searchText,
      clearBody: item.clearBody,
    };
    headHash = row.leafHash;
    lastReceivedAt = receivedAt;
    known.set(item.id, row);
    rows.push(row);
    results.push({ kind: 'created', event: row });
  }
  return { rows, head: { ...head, size, headHash, lastReceivedAt }, results };
}
