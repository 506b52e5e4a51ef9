/**
 * A batch writes each created event's answer as text (native-event-json.ts). It must parse as the
 * JSON the object path writes for the same stored event, and be byte for byte what the event
 * reopened from what the database keeps answers.
 */
import { DEFAULT_PERSONAL_POINTERS, ZERO_HASH_HEX } from '@trailkeep/tlog';
import { describe, expect, it } from 'vitest';
import { toAuditEvent } from '../src/domain/event-reader.js';
import { planAppend } from '../src/domain/log-append.js';
import { toEventDraft, toNativeEvent } from '../src/http/native/event.mapper.js';
import type { EventInput } from '../src/http/native/events.schemas.js';
import { committedEventJson, nativeEventText } from '../src/http/native/native-event-json.js';
import { createEnricher } from '../src/ingest/enrichment/enricher.js';
import { draftSealer } from '../src/ingest/ingest-service.js';
import { sampleEvent } from './helpers/test-app.js';

const INPUTS = [
  sampleEvent({
    id: 'evt_1',
    context: { ip: '81.2.69.142', user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0' },
  }),
  sampleEvent({ resource: undefined, summary: 'no target: "quoted", \\ backslash, \u2028 and \u0007' }),
  sampleEvent({
    category: 'docs',
    severity: 'high',
    timestamp: '2026-12-01T23:59:59.5+01:00',
    actor: { id: 'ü', type: 'service', name: '名前' },
    metadata: { nested: { list: [1, 2.5, 'x', null, true], '10': 'integer-like key' } },
    error_message: 'denied',
  }),
];

describe('native event JSON of a batch answer', () => {
  it('is what JSON.stringify writes for the event, and reads as the stored event reopened', async () => {
    const enricher = createEnricher();
    await enricher.ready();
    const seal = draftSealer(enricher, DEFAULT_PERSONAL_POINTERS);
    const now = new Date('2026-12-02T08:00:00.000Z');
    const sealed = INPUTS.map((input) => seal(toEventDraft(input as unknown as EventInput, now)));
    const head = {
      tenantId: 'acme',
      origin: 'localhost/t/acme',
      size: 7,
      headHash: 'ab'.repeat(32),
      lastReceivedAt: null,
    };
    const plan = planAppend(head, new Map(), sealed, now);
    expect(plan.rows).toHaveLength(INPUTS.length);
    const texts = sealed.map((s) => nativeEventText(s.clearBody, s, s.commitments));
    plan.rows.forEach((stored, i) => {
      const text = committedEventJson(texts[i]!, { ...stored, clearBody: undefined });
      expect(JSON.parse(text)).toEqual(toNativeEvent(toAuditEvent(stored)));
      const reopened = toNativeEvent(toAuditEvent({ ...stored, clearBody: undefined }));
      expect(text).toBe(JSON.stringify(reopened));
    });
    // Every personal field was sealed, and every one is in the answer in clear.
    expect(Object.keys(sealed[0]!.commitments).sort()).toEqual([
      '/actor/email',
      '/actor/name',
      '/context/ip',
      '/context/user_agent',
    ]);
    expect(texts[0]!.open).not.toContain('_sd');
    const first = JSON.parse(committedEventJson(texts[0]!, plan.rows[0]!)) as Record<string, unknown>;
    expect(first).toMatchObject({ sequence: 8, sequence_number: 8, prev_hash: 'ab'.repeat(32), tenant_id: 'acme' });
    expect(first.resource).toEqual({ type: 'document', id: 'doc_1', name: 'Plan' });
    expect(first.prev_hash).not.toBe(ZERO_HASH_HEX);
  });

  it('parses as the object path where JavaScript orders member names otherwise than JCS', async () => {
    const seal = draftSealer(undefined, DEFAULT_PERSONAL_POINTERS);
    const now = new Date('2026-12-02T08:00:00.000Z');
    // Integer-like names come first in JavaScript ("9" before "10", both before "-a"); JCS sorts "-a" < "10" < "9".
    const input = sampleEvent({ metadata: { '-a': 1, '10': 2, '9': { z: 1, a: [] } }, actor: { id: 'u', name: 'N' } });
    const s = seal(toEventDraft(input as unknown as EventInput, now));
    const head = {
      tenantId: 'acme',
      origin: 'localhost/t/acme',
      size: 0,
      headHash: ZERO_HASH_HEX,
      lastReceivedAt: null,
    };
    const [stored] = planAppend(head, new Map(), [s], now).rows;
    const text = committedEventJson(nativeEventText(s.clearBody, s, s.commitments), stored!);
    expect(JSON.parse(text)).toEqual(toNativeEvent(toAuditEvent(stored!)));
    expect(JSON.parse(text)).toEqual(toNativeEvent(toAuditEvent({ ...stored!, clearBody: undefined })));
    expect(JSON.parse(text)).toMatchObject({ actor: { id: 'u', name: 'N' } });
  });
});
