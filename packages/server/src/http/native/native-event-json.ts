/**
 * The native answer of a just-committed event, written as JSON text in two halves: what the body
 * says (written where the item was prepared, on a batch worker) and what the commit added (on the
 * event loop). A batch answers up to 1,000 events; building each as an object, copying its clear
 * body from the worker and serializing it all again on the loop cost about a sixth of the loop's
 * time per event. The text is exactly JSON.stringify(toNativeEvent(toAuditEvent(stored))) (tests
 * compare them), so a batch item reads as the same event answered alone.
 */
import { entryPrev } from '../../domain/event-reader.js';
import type { EventBody, StoredEvent } from '../../domain/event.js';

/** The body's part of the answer: plain strings, cheap to hand from a worker to the loop. */
export interface NativeEventText {
  /** The clear body's JSON without its closing brace. */
  open: string;
  /** JSON of occurred_at, repeated as `timestamp`. */
  timestamp: string;
  /** `,"resource":<target>` when the event has a target, else empty. */
  resource: string;
}

export function nativeEventText(body: EventBody): NativeEventText {
  return {
    open: JSON.stringify(body).slice(0, -1),
    timestamp: JSON.stringify(body.occurred_at),
    resource: body.target === undefined ? '' : `,"resource":${JSON.stringify(body.target)}`,
  };
}

/** The answer's JSON: the body's part, then the members toAuditEvent and toNativeEvent add, in their order. */
export function committedEventJson(text: NativeEventText, stored: StoredEvent): string {
  const sequence = String(stored.sequence);
  const received = JSON.stringify(stored.receivedAt);
  const sha = `"${stored.bodyDigest}"`;
  const prev = `"${entryPrev(stored.entry)}"`;
  const hash = `"${stored.leafHash}"`;
  return (
    `${text.open},"tenant_id":${JSON.stringify(stored.tenantId)},"sequence":${sequence},"received_at":${received}` +
    `,"integrity":{"sha256":${sha},"prev_hash":${prev},"hash":${hash}}` +
    `,"timestamp":${text.timestamp},"sequence_number":${sequence},"created_at":${received}` +
    `,"prev_hash":${prev},"hash":${hash},"sha256":${sha}${text.resource}}`
  );
}
