/**
 * The native answer of a just-committed event, written as JSON text in two halves: what the body
 * says (written where the item was prepared, on a batch worker) and what the commit added (on the
 * event loop). A batch answers up to 1,000 events; building each as an object, copying its clear
 * body from the worker and serializing it all again on the loop cost about a sixth of the loop's
 * time per event. The text parses as JSON.stringify(toNativeEvent(toAuditEvent(stored))) does, and
 * is byte for byte what the event read back from the store answers (tests compare them; member
 * names JavaScript enumerates first, integer-like ones, aside), so a batch item reads as the same
 * event fetched alone.
 */
import { canonicalJson } from '@trailkeep/tlog';
import { entryPrev } from '../../domain/event-reader.js';
import type { EventBody, SealedEvent, StoredEvent } from '../../domain/event.js';

/** The body's part of the answer: plain strings, cheap to hand from a worker to the loop. */
export interface NativeEventText {
  /** The clear body's JSON without its closing brace. */
  open: string;
  /** JSON of occurred_at, repeated as `timestamp`. */
  timestamp: string;
  /** `,"resource":<target>` when the event has a target, else empty. */
  resource: string;
}

/**
 * The clear body's JSON is the sealed body's JCS with each commitment replaced by the JSON of the
 * value it seals: the members of a reopened stored body, in the same order, without writing the
 * whole body a second time (a tenth of a batch worker's time). A commitment's text is
 * `{"_sd":"<its 64 hex digits>"}`, found by its digest: no client value can hold those bytes.
 */
export function nativeEventText(
  body: EventBody,
  sealed: Pick<SealedEvent, 'sealedBody' | 'disclosures'>,
  commitments: Readonly<Record<string, string>>,
): NativeEventText {
  let open = sealed.sealedBody.slice(0, -1);
  for (const [pointer, digest] of Object.entries(commitments)) {
    const text = `{"_sd":"${digest}"}`;
    const at = open.indexOf(text);
    if (at < 0) throw new Error(`the commitment of ${pointer} is not in its sealed body`);
    open = `${open.slice(0, at)}${JSON.stringify(sealed.disclosures[pointer]!.value)}${open.slice(at + text.length)}`;
  }
  return {
    open,
    timestamp: JSON.stringify(body.occurred_at),
    // As the target reads back: in canonical member order.
    resource: body.target === undefined ? '' : `,"resource":${canonicalJson(body.target)}`,
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
