/** Opens stored events for readers: commitments replaced by the disclosures that survive. */
import { openSealedBody, type JsonObject } from '@trailkeep/tlog';
import type { AuditEvent, EventBody, StoredEvent } from './event.js';

/** `prev` of a stored entry, read from the entry itself so it is always what was hashed. */
function entryPrev(entry: string): string {
  return (JSON.parse(entry) as { prev: string }).prev;
}

/** The event as readers see it, from the clear body and its place in the log. */
export function committedEvent(body: EventBody, stored: StoredEvent, erased: string[] = []): AuditEvent {
  const event: AuditEvent = {
    ...body,
    tenant_id: stored.tenantId,
    sequence: stored.sequence,
    received_at: stored.receivedAt,
    integrity: { sha256: stored.bodyDigest, prev_hash: entryPrev(stored.entry), hash: stored.leafHash },
  };
  if (erased.length > 0) event.erased = erased;
  return event;
}

export function toAuditEvent(stored: StoredEvent): AuditEvent {
  const { body, erased } = openSealedBody(JSON.parse(stored.sealedBody) as JsonObject, stored.disclosures);
  return committedEvent(body as unknown as EventBody, stored, erased);
}
