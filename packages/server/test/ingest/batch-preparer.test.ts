/**
 * Batch bodies read and prepared on a worker thread (the built batch-items.worker.js) give what the
 * event loop gives: the same problem for a body that is not a batch, the same errors for the same
 * items, and sealed events that open to the same bodies (salts are random, so sealed bodies differ).
 */
import { openSealedBody, type JsonObject } from '@trailkeep/tlog';
import { afterEach, describe, expect, it } from 'vitest';
import { isTrailkeepError } from '../../src/domain/errors.js';
import type { EventBody, SealedEvent } from '../../src/domain/event.js';
import type { BatchItemOutcome } from '../../src/http/native/batch-items.js';
import type { NativeEventText } from '../../src/http/native/native-event-json.js';
import { createBatchPreparer, type BatchPreparer } from '../../src/http/native/batch-preparer.js';
import { createEnricher } from '../../src/ingest/enrichment/enricher.js';
import { createIngestService } from '../../src/ingest/ingest-service.js';
import { createSequencer } from '../../src/ingest/sequencer.js';
import { DEFAULT_PERSONAL_POINTERS } from '@trailkeep/tlog';
import { storeWithHeldSyncs } from '../helpers/held-syncs.js';
import { sampleEvent } from '../helpers/test-app.js';

const BUILT_WORKER = new URL('../../dist/http/native/batch-items.worker.js', import.meta.url);

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A preparer over a real ingest service (its sequencer is never reached: only sealing is used). */
function preparer(threads: number): BatchPreparer {
  const held = storeWithHeldSyncs();
  cleanups.push(held.remove, () => held.store.close());
  const enricher = createEnricher();
  const sequencer = createSequencer(held.store, { maxBatchEvents: 10, maxQueuedEvents: 10, windowMs: 0 });
  const ingest = createIngestService({ sequencer, enricher, personalPointers: DEFAULT_PERSONAL_POINTERS });
  const created = createBatchPreparer({
    ingest,
    threads,
    workerFile: BUILT_WORKER,
    worker: { geoDatabase: undefined, personalPointers: DEFAULT_PERSONAL_POINTERS },
  });
  cleanups.push(() => created.close());
  return created;
}

/** JSON text of an object nested `levels` deep (written out: JSON.stringify would overflow the stack). */
function deeplyNestedJson(levels: number): string {
  return `${'{"a":'.repeat(levels)}{}${'}'.repeat(levels)}`;
}

const ITEMS: unknown[] = [
  sampleEvent({
    id: 'evt_1',
    context: { ip: '81.2.69.142', user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0' },
  }),
  1,
  sampleEvent({ action: 'delete doc' }),
  sampleEvent({ timestamp: '2026-02-30T00:00:00Z' }),
  sampleEvent({ actor: { type: 'user' } }),
  sampleEvent({ context: { ip: '999.1.1.1' } }),
  sampleEvent({ id: 'evt_2', metadata: { nested: { list: [1, 2.5, 'x', null, true] } } }),
];

/** An outcome with the randomness of sealing taken out: the opened body instead of the sealed one. */
function comparable(outcome: BatchItemOutcome): unknown {
  if ('error' in outcome) return outcome;
  const s: SealedEvent = outcome.sealed;
  const opened = openSealedBody(JSON.parse(s.sealedBody) as JsonObject, s.disclosures);
  return {
    id: s.id,
    clientId: s.clientId,
    requestDigest: s.requestDigest,
    indexed: s.indexed,
    searchText: s.searchText,
    text: outcome.text,
    opened: opened.body,
    erased: opened.erased,
    disclosed: Object.keys(s.disclosures).sort(),
  };
}

describe('batch preparation', () => {
  it('gives on a worker thread what the event loop gives', async () => {
    const now = new Date('2026-12-02T08:00:00.000Z');
    const onWorker = preparer(1);
    const inline = preparer(0);
    expect([onWorker.threads, inline.threads]).toEqual([1, 0]);
    const request = JSON.stringify({ events: ITEMS });
    const [a, b] = await Promise.all([onWorker.prepare(request, now), inline.prepare(request, now)]);
    expect(a.map(comparable)).toEqual(b.map(comparable));
    expect(a.map((o) => ('error' in o ? o.error.field : 'sealed'))).toEqual([
      'sealed',
      'events.1',
      'events.2.action',
      'events.3.timestamp',
      'events.4.actor',
      'events.5.context.ip',
      'sealed',
    ]);
    const first = a[0] as { sealed: SealedEvent; text: NativeEventText };
    // The clear body stays on the worker: the loop answers from its text.
    expect(first.sealed.clearBody).toBeUndefined();
    const body = JSON.parse(`${first.text.open}}`) as EventBody;
    // Enriched on the worker as on the loop (bundled DB-IP Lite: London; the browser parsed).
    expect(body.enrichment?.geo?.country_code).toBe('GB');
    expect(body.enrichment?.user_agent?.name).toBe('Firefox');
    expect(body.occurred_at).toBe(now.toISOString());
  });

  it('reads a body nested deeper than structured clone copies on the worker', async () => {
    const onWorker = preparer(1);
    const deep = `${JSON.stringify(sampleEvent()).slice(0, -1)},"metadata":{"deep":${deeplyNestedJson(5000)}}}`;
    const body = `{"events":[${JSON.stringify(sampleEvent({ id: 'evt_ok' }))},${deep}]}`;
    const outcomes = await onWorker.prepare(body, new Date());
    expect('sealed' in outcomes[0]!).toBe(true);
    expect(outcomes[1]).toMatchObject({ error: { code: 'TK_ERR_VALIDATION', field: 'events.1.metadata' } });
  });

  /** The problem prepare() throws for a body, as plain data. */
  async function refusal(p: BatchPreparer, body: string | undefined): Promise<unknown> {
    const error = await p.prepare(body, new Date()).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!isTrailkeepError(error)) throw new Error(`expected a refusal of ${body}, got ${String(error)}`);
    return { code: error.code, message: error.message, field: error.field };
  }

  it.each([
    ['no body', undefined, 'TK_ERR_VALIDATION', undefined],
    ['an empty body', '', 'TK_ERR_MALFORMED_JSON', undefined],
    ['malformed JSON', '{"events": [', 'TK_ERR_MALFORMED_JSON', undefined],
    ['a __proto__ member', '{"events": [{}], "__proto__": {"admin": true}}', 'TK_ERR_MALFORMED_JSON', undefined],
    [
      'a constructor.prototype member',
      '{"events": [{"constructor": {"prototype": {}}}]}',
      'TK_ERR_MALFORMED_JSON',
      undefined,
    ],
    ['a JSON array at the top', '[]', 'TK_ERR_VALIDATION', undefined],
    ['no events', '{"events": []}', 'TK_ERR_VALIDATION', 'events'],
    [
      '1001 events',
      JSON.stringify({ events: Array.from({ length: 1001 }, () => ({})) }),
      'TK_ERR_VALIDATION',
      'events',
    ],
    ['an unknown top-level field', '{"events": [{}], "sync": true}', 'TK_ERR_VALIDATION', 'sync'],
  ])('refuses %s on the worker as on the event loop', async (_name, body, code, field) => {
    const [a, b] = await Promise.all([refusal(preparer(1), body), refusal(preparer(0), body)]);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ code, field });
  });
});
