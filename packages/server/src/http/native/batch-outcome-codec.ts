/**
 * How prepared batch items cross from a worker to the event loop. Structured clone rebuilds
 * objects member by member, and a sealed item is five nested objects: reading them on the loop
 * cost ~5 µs an item, more than committing it. As one flat array of strings and scalars, read back
 * into the same objects here, it costs less than half. A test round-trips real sealed items, so a
 * member added to SealedEvent or IndexedFields and not to this codec fails it.
 */
import type { Disclosures } from '@trailkeep/tlog';
import type { Outcome, Severity } from '../../domain/event.js';
import type { BatchItemOutcome } from './batch-items.js';

/** A sealed item as a flat array (see encode), or a failed item as it is. */
export type EncodedOutcome = unknown[] | Extract<BatchItemOutcome, { error: unknown }>;

/** Members before the disclosures, which follow as (pointer, salt, value) triples. */
const FIXED = 22;

function encode(outcome: Extract<BatchItemOutcome, { sealed: unknown }>): unknown[] {
  const { sealed: s, text: t } = outcome;
  const x = s.indexed;
  const flat: unknown[] = [
    s.id,
    s.clientId,
    s.requestDigest,
    s.sealedBody,
    s.bodyDigest,
    s.searchText,
    t.open,
    t.timestamp,
    t.resource,
    x.occurredAt,
    x.action,
    x.category,
    x.outcome,
    x.severity,
    x.actorType,
    x.actorId,
    x.targetType,
    x.targetId,
    x.sessionId,
    x.requestId,
    x.ip,
    x.vmId,
  ];
  for (const pointer in s.disclosures) {
    const d = s.disclosures[pointer]!;
    flat.push(pointer, d.salt, d.value);
  }
  return flat;
}

function decode(a: unknown[]): BatchItemOutcome {
  const disclosures: Disclosures = {};
  for (let i = FIXED; i < a.length; i += 3) disclosures[a[i] as string] = { salt: a[i + 1] as string, value: a[i + 2] };
  const text = (i: number) => a[i] as string;
  const nullable = (i: number) => a[i] as string | null;
  return {
    sealed: {
      id: text(0),
      clientId: a[1] as boolean,
      requestDigest: text(2),
      sealedBody: text(3),
      bodyDigest: text(4),
      disclosures,
      indexed: {
        occurredAt: text(9),
        action: text(10),
        category: nullable(11),
        outcome: a[12] as Outcome,
        severity: a[13] as Severity | null,
        actorType: text(14),
        actorId: nullable(15),
        targetType: nullable(16),
        targetId: nullable(17),
        sessionId: nullable(18),
        requestId: nullable(19),
        ip: nullable(20),
        vmId: nullable(21),
      },
      searchText: text(5),
    },
    text: { open: text(6), timestamp: text(7), resource: text(8) },
  };
}

export function encodeOutcomes(outcomes: readonly BatchItemOutcome[]): EncodedOutcome[] {
  return outcomes.map((o) => ('sealed' in o ? encode(o) : o));
}

export function decodeOutcomes(encoded: readonly EncodedOutcome[]): BatchItemOutcome[] {
  return encoded.map((e) => (Array.isArray(e) ? decode(e) : e));
}
