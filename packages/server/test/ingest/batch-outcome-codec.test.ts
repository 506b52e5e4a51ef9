/** Prepared batch items read back from their flat transfer form exactly as they were. */
import { describe, expect, it } from 'vitest';
import { prepareBatchItems } from '../../src/http/native/batch-items.js';
import { decodeOutcomes, encodeOutcomes } from '../../src/http/native/batch-outcome-codec.js';
import { createEnricher } from '../../src/ingest/enrichment/enricher.js';
import { draftSealer } from '../../src/ingest/ingest-service.js';
import { sampleEvent } from '../helpers/test-app.js';

describe('batch outcome transfer', () => {
  it('round-trips sealed and failed items, every member and disclosure included', async () => {
    const enricher = createEnricher();
    await enricher.ready();
    // A tenant-marked personal field that is an object, beside the default string ones.
    const seal = draftSealer(enricher, [
      '/actor/email',
      '/actor/name',
      '/context/ip',
      '/context/user_agent',
      '/metadata/card',
    ]);
    const items = [
      sampleEvent({
        id: 'evt_1',
        category: 'docs',
        severity: 'high',
        context: { ip: '81.2.69.142', user_agent: 'curl/8.5.0', session_id: 's', request_id: 'r', vm_id: 'vm' },
        metadata: { card: { last4: '4242', brand: 'visa' }, n: 1 },
      }),
      { action: 'missing actor' },
      sampleEvent({ resource: undefined, actor: { type: 'service', name: 'cron' } }),
    ];
    const outcomes = prepareBatchItems(items, new Date('2026-12-02T08:00:00.000Z'), seal);
    expect(outcomes.map((o) => ('sealed' in o ? 'sealed' : o.error.field))).toEqual([
      'sealed',
      'events.1.actor',
      'sealed',
    ]);
    const first = outcomes[0] as Extract<(typeof outcomes)[number], { sealed: unknown }>;
    expect(Object.keys(first.sealed.disclosures)).toEqual([
      '/actor/email',
      '/actor/name',
      '/context/ip',
      '/context/user_agent',
      '/metadata/card',
    ]);
    expect(first.sealed.indexed.vmId).toBe('vm');
    expect(decodeOutcomes(structuredClone(encodeOutcomes(outcomes)))).toStrictEqual(outcomes);
  });
});
