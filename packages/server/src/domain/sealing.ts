/** Turns a canonical event body into what the sequencer appends (leaf format v1, DESIGN §3). */
import { canonicalJson, DEFAULT_PERSONAL_POINTERS, sealBody, sha256Hex, type JsonObject } from '@trailkeep/tlog';
import type { EventBody, IndexedFields, SealedEvent } from './event.js';

/** A validated event on its way in, with the digest of the request that carried it. */
export interface EventDraft {
  body: EventBody;
  /** hex SHA-256 of JCS of the client's request item as sent, before defaults. */
  requestDigest: string;
  clientId: boolean;
}

/** Digest of a request item for idempotency: same id and same digest means a retry. */
export function requestDigest(item: unknown): string {
  return sha256Hex(canonicalJson(item));
}

export function indexedFields(body: EventBody): IndexedFields {
  return {
    occurredAt: body.occurred_at,
    action: body.action,
    category: body.category ?? null,
    outcome: body.outcome,
    severity: body.severity ?? null,
    actorType: body.actor.type,
    actorId: body.actor.id ?? null,
    targetType: body.target?.type ?? null,
    targetId: body.target?.id ?? null,
    sessionId: body.context?.session_id ?? null,
    requestId: body.context?.request_id ?? null,
    ip: body.context?.ip ?? null,
    vmId: body.context?.vm_id ?? null,
  };
}

const SEARCH_TEXT_LIMIT = 16 * 1024;

function collectText(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (typeof value === 'number' || typeof value === 'boolean') out.push(String(value));
  else if (Array.isArray(value)) for (const v of value) collectText(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) collectText(v, out);
}

/** What `q=` searches: summary, action, category, actor and target names, error and metadata values. */
export function searchText(body: EventBody): string {
  const parts: string[] = [];
  collectText(
    [body.action, body.category, body.summary, body.actor, body.target, body.error_message, body.metadata],
    parts,
  );
  return parts.join(' ').slice(0, SEARCH_TEXT_LIMIT);
}

/**
 * A sealed event as sealing hands it over: with what only the request that carried it needs for its
 * answer, its clear body and the digest of each commitment in the sealed body (by pointer).
 */
export type FreshlySealedEvent = SealedEvent & { clearBody: EventBody; commitments: Record<string, string> };

/** Seals personal fields as salted commitments and hashes the sealed body. */
export function sealEvent(
  draft: EventDraft,
  personalPointers: readonly string[] = DEFAULT_PERSONAL_POINTERS,
): FreshlySealedEvent {
  const { sealed, disclosures, commitments } = sealBody(draft.body as unknown as JsonObject, personalPointers);
  const sealedBody = canonicalJson(sealed);
  return {
    id: draft.body.id,
    clientId: draft.clientId,
    requestDigest: draft.requestDigest,
    sealedBody,
    bodyDigest: sha256Hex(sealedBody),
    disclosures,
    indexed: indexedFields(draft.body),
    searchText: searchText(draft.body),
    clearBody: draft.body,
    commitments,
  };
}
