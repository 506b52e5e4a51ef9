/**
 * The native answer of an event written as JSON text in two halves: what the body says and what
 * the commit added. A just-committed event's body part is written where the item was prepared (on
 * a batch worker): building each of a batch's up to 1,000 events as an object, copying its clear
 * body from the worker and serializing it all again on the loop cost about a sixth of the loop's
 * time per event. A stored event's is spliced from its sealed body's text: opening the sealed
 * bodies of a page as objects and writing them again cost a fifth of the server's time per query.
 * The text parses as JSON.stringify(toNativeEvent(toAuditEvent(stored))) does, and is byte for
 * byte what it writes (tests compare them; member names JavaScript enumerates first, integer-like
 * ones, aside), so an event reads the same in a batch answer, a page and alone.
 */
import { canonicalJson, scanSealedBody } from '@trailkeep/tlog';
import { entryPrev, toAuditEvent } from '../../domain/event-reader.js';
import type { EventBody, SealedEvent, StoredEvent } from '../../domain/event.js';
import { toNativeEvent } from './event.mapper.js';

/** What answers written as JSON text are sent as. */
export const JSON_TYPE = 'application/json; charset=utf-8';

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

/**
 * The body's part of a stored event's answer, from its sealed body's canonical text: each
 * commitment replaced by the JSON of its disclosed value, the target's text repeated as
 * `resource`. Scanning the text costs about what JSON.parse does; what it saves is building the
 * body's objects and writing them again. Null when the answer needs the opened body: a body not in
 * the form scanSealedBody reads, an erased disclosure (its member is dropped and named in
 * `erased`), or a commitment in the target (`resource` repeats the opened target).
 */
export function storedEventText(stored: StoredEvent): NativeEventText | null {
  const body = stored.sealedBody;
  const scanned = scanSealedBody(body);
  const occurredAt = scanned?.members.get('occurred_at');
  if (scanned === null || occurredAt === undefined) return null;
  const target = scanned.members.get('target');
  let open = '';
  let from = 0;
  for (const c of scanned.commitments) {
    const disclosure = stored.disclosures[c.pointer];
    if (disclosure === undefined || (target !== undefined && c.start >= target.start && c.end <= target.end)) {
      return null;
    }
    open += `${body.slice(from, c.start)}${JSON.stringify(disclosure.value)}`;
    from = c.end;
  }
  return {
    open: open + body.slice(from, -1),
    timestamp: body.slice(occurredAt.start, occurredAt.end),
    resource: target === undefined ? '' : `,"resource":${body.slice(target.start, target.end)}`,
  };
}

/** A stored event's native answer as JSON text: spliced where it can be, else parsed and written. */
export function storedEventJson(stored: StoredEvent): string {
  const text = storedEventText(stored);
  return text === null ? JSON.stringify(toNativeEvent(toAuditEvent(stored))) : committedEventJson(text, stored);
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
