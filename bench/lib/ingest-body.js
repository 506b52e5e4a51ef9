/**
 * Request bodies of the ingest scenarios. Every event carries a fresh id: a reused id is an
 * idempotency hit, answered from the index without writing, which would flatter the figures.
 * (autocannon's `idReplacement` is not used: in autocannon 8 it declares a Content-Length 27 bytes
 * per id longer than hyperid's ids, so the server waits for bytes that never come.)
 */

/**
 * The client every ingest scenario's events come from, native and compat alike, so that each pays
 * for enrichment (docs/COMPATIBILITY.md#enrichment): a public address the bundled DB-IP Lite City
 * database locates (London, GB; also in MaxMind's test data) and a browser's user agent. A
 * documentation address (203.0.113.0/24) or no user agent would skip both lookups.
 */
export const BENCH_CLIENT = {
  ip: '81.2.69.142',
  userAgent:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
};

const EVENT_FIELDS = {
  action: 'document.update',
  actor: { id: 'user_1', email: 'a@example.org' },
  resource: { type: 'document', id: 'doc_1' },
  outcome: 'success',
  context: { ip: BENCH_CLIENT.ip, user_agent: BENCH_CLIENT.userAgent, session_id: 's1' },
  metadata: { note: 'quarterly budget draft shared with the finance team for review' },
};

// The body is built by string concatenation around a fixed JSON tail: cheap enough that the load
// generator, which shares the machine with the server, spends its CPU on sending, not on JSON.
const TAIL = JSON.stringify(EVENT_FIELDS).slice(1);
const runTag = Date.now().toString(36);
let counter = 0;

const nextEvent = () => `{"id":"evt_${runTag}_${(counter++).toString(36)}",${TAIL}`;

/** One event, as POSTed to /v1/events (and to the bare server, for a like-for-like ceiling). */
export function singleEventBody() {
  return nextEvent();
}

/** A /v1/events/batch body of `size` events. */
export function batchBody(size) {
  const events = [];
  for (let i = 0; i < size; i++) events.push(nextEvent());
  return `{"events":[${events.join(',')}]}`;
}
