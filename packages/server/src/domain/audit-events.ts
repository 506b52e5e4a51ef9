/**
 * Events Trailkeep records about itself in a tenant's log (DESIGN §6: reads that hand data out,
 * and erasures, are audited), so the same export that proves the log also shows who took it.
 */
import { canonicalJson, sha256Hex } from '@trailkeep/tlog';
import { v7 as uuidv7 } from 'uuid';
import type { Actor, EventBody, Target } from './event.js';
import type { EventDraft } from './sealing.js';

/** Action of an evidence export (GET /v1/exports, `trailkeep export`). */
export const EXPORT_ACTION = 'trailkeep.log.export';
/** Action of an erasure of a data subject (POST /v1/erasures). */
export const ERASURE_ACTION = 'trailkeep.subject.erase';

/** A draft of an event Trailkeep records itself; it is sealed and sequenced like any other. */
export function auditEventDraft(fields: {
  action: string;
  actor: Actor;
  target?: Target;
  summary: string;
  metadata: Record<string, unknown>;
  now: Date;
}): EventDraft {
  const body: EventBody = {
    id: uuidv7(),
    occurred_at: fields.now.toISOString(),
    action: fields.action,
    category: 'trailkeep',
    outcome: 'success',
    summary: fields.summary,
    actor: fields.actor,
    metadata: fields.metadata,
  };
  if (fields.target !== undefined) body.target = fields.target;
  return { body, requestDigest: sha256Hex(canonicalJson(body)), clientId: false };
}
