/**
 * Batch items prepared on a worker thread (the built batch-items.worker.js) are what the event
 * loop prepares: the same errors for the same items, and sealed events that open to the same
 * bodies (salts are random, so sealed bodies differ). What a worker cannot take (nesting deeper
 * than structured clone copies) is prepared on the event loop instead.
 */
import { openSealedBody, type JsonObject } from '@trailkeep/tlog';
import { afterEach, describe, expect, it } from 'vitest';
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

function deeplyNested(levels: number): unknown {
  let value: unknown = {};
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
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
    const [a, b] = await Promise.all([onWorker.prepare(ITEMS, now), inline.prepare(ITEMS, now)]);
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

  it('prepares on the event loop what structured clone cannot copy to a worker', async () => {
    const onWorker = preparer(1);
    const items = [sampleEvent({ id: 'evt_ok' }), sampleEvent({ metadata: { deep: deeplyNested(5000) } })];
    const outcomes = await onWorker.prepare(items, new Date());
    expect('sealed' in outcomes[0]!).toBe(true);
    expect(outcomes[1]).toMatchObject({ error: { code: 'TK_ERR_VALIDATION', field: 'events.1.metadata' } });
  });
});
