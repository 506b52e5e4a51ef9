/**
 * A batch writes each created event's answer as text, and a page each stored event's, spliced from
 * its sealed body (native-event-json.ts). Both must parse as the JSON the object path writes for
 * the same stored event, and be byte for byte what it writes where JavaScript and JCS order member
 * names alike.
 */
import { DEFAULT_PERSONAL_POINTERS, ZERO_HASH_HEX } from '@trailkeep/tlog';
import { describe, expect, it } from 'vitest';
import { toAuditEvent } from '../src/domain/event-reader.js';
import { planAppend } from '../src/domain/log-append.js';
import { toEventDraft, toNativeEvent } from '../src/http/native/event.mapper.js';
import type { EventInput } from '../src/http/native/events.schemas.js';
import {
  committedEventJson,
  nativeEventText,
  storedEventJson,
  storedEventText,
} from '../src/http/native/native-event-json.js';
import type { StoredEvent } from '../src/domain/event.js';
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

describe('native event JSON of a stored event', () => {
  const now = new Date('2026-12-02T08:00:00.000Z');
  const head = { tenantId: 'acme', origin: 'localhost/t/acme', size: 0, headHash: ZERO_HASH_HEX, lastReceivedAt: null };

  /** Events as a store reads them back: no clear body. */
  function stored(inputs: readonly unknown[], pointers = DEFAULT_PERSONAL_POINTERS): StoredEvent[] {
    const seal = draftSealer(undefined, pointers);
    const sealed = inputs.map((input) => seal(toEventDraft(input as EventInput, now)));
    return planAppend(head, new Map(), sealed, now).rows.map((row) => ({ ...row, clearBody: undefined }));
  }

  const objectPath = (event: StoredEvent) => JSON.stringify(toNativeEvent(toAuditEvent(event)));

  it('is spliced from the sealed text, byte for byte what the object path writes', () => {
    const events = stored([
      ...INPUTS,
      // Text that looks like a commitment where no commitment is: in a string, and in an array item.
      sampleEvent({
        id: 'evt_lookalike',
        summary: '{"_sd":"' + 'a'.repeat(64) + '"}',
        metadata: { list: [{ _sd: 'b'.repeat(64) }], after: { _sd: 'c', more: 1 } },
      }),
    ]);
    for (const event of events) {
      expect(storedEventText(event), event.id).not.toBeNull();
      expect(storedEventJson(event), event.id).toBe(objectPath(event));
    }
    const first = JSON.parse(storedEventJson(events[0]!)) as Record<string, unknown>;
    expect(first).toMatchObject({ context: { ip: '81.2.69.142' }, resource: { type: 'document', id: 'doc_1' } });
    expect(storedEventJson(events[0]!)).not.toContain('_sd');
    expect(JSON.parse(storedEventJson(events[1]!))).not.toHaveProperty('resource');
  });

  it('parses as the object path where JavaScript orders member names otherwise than JCS', () => {
    const [event] = stored([sampleEvent({ metadata: { '-a': 1, '10': 2, '9': { z: 1, a: [] } } })]);
    expect(storedEventText(event!)).not.toBeNull();
    expect(JSON.parse(storedEventJson(event!))).toEqual(JSON.parse(objectPath(event!)));
  });

  it('is the object path when a disclosure was erased, a commitment is in the target, or the text is not canonical', () => {
    const [plain] = stored(INPUTS);
    const kept = { ...plain!.disclosures };
    delete kept['/context/ip'];
    const erased = { ...plain!, disclosures: kept };
    const [inTarget] = stored(INPUTS, [...DEFAULT_PERSONAL_POINTERS, '/target/name']);
    const spaced = { ...plain!, sealedBody: JSON.stringify(JSON.parse(plain!.sealedBody), null, 1) };
    for (const event of [erased, inTarget!, spaced]) {
      expect(storedEventText(event)).toBeNull();
      expect(storedEventJson(event)).toBe(objectPath(event));
    }
    expect(JSON.parse(storedEventJson(erased))).toMatchObject({ erased: ['/context/ip'] });
    expect(JSON.parse(storedEventJson(erased)).context).not.toHaveProperty('ip');
    expect(JSON.parse(storedEventJson(inTarget!)).resource).toEqual({ type: 'document', id: 'doc_1', name: 'Plan' });
  });
});
