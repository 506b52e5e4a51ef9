import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, sampleEvent, type TestApp } from './helpers/test-app.js';
import { verifyStoredChain } from './helpers/chain-check.js';

let t: TestApp;
let key: string;
beforeEach(async () => {
  t = await createTestApp();
  key = await t.tenantWithKey('acme');
});
afterEach(() => t.close());

describe('the stored hash chain', () => {
  it('links every event to the previous one, with leaf hashes recomputed from the stored entry bytes', async () => {
    const other = await t.tenantWithKey('globex');
    // Interleave tenants and request styles so batches mix tenants in one commit.
    await Promise.all([
      ...Array.from({ length: 40 }, (_, i) =>
        t.call(key, { method: 'POST', url: '/v1/events', payload: sampleEvent({ summary: `a${i}` }) }),
      ),
      ...Array.from({ length: 40 }, (_, i) =>
        t.call(other, { method: 'POST', url: '/v1/events', payload: sampleEvent({ summary: `g${i}` }) }),
      ),
      t.call(key, {
        method: 'POST',
        url: '/v1/events/batch',
        payload: { events: Array.from({ length: 100 }, () => sampleEvent()) },
      }),
    ]);
    expect(verifyStoredChain(t.dbPath, 'acme').size).toBe(140);
    expect(verifyStoredChain(t.dbPath, 'globex').size).toBe(40);

    const page = (await t.call(key, { method: 'GET', url: '/v1/events?order=asc&limit=1000' })).json<{
      data: Array<{ prev_hash: string; hash: string; sequence_number: number }>;
    }>();
    page.data.forEach((e, i) => {
      expect(e.sequence_number).toBe(i + 1);
      expect(e.prev_hash).toBe(i === 0 ? '0'.repeat(64) : page.data[i - 1]!.hash);
    });
  });

  it('keeps personal fields out of the sealed body and the entry, as salted commitments', async () => {
    await t.call(key, {
      method: 'POST',
      url: '/v1/events?sync=true',
      payload: sampleEvent({
        actor: { id: 'u1', email: 'ada@example.org', name: 'Ada Lovelace' },
        context: { ip: '203.0.113.9', user_agent: 'Firefox/133.0' },
      }),
    });
    const db = new Database(t.dbPath, { readonly: true });
    const row = db.prepare('SELECT sealed_body, entry, disclosures FROM events').get() as {
      sealed_body: string;
      entry: string;
      disclosures: string;
    };
    db.close();
    for (const secret of ['ada@example.org', 'Ada Lovelace', '203.0.113.9', 'Firefox/133.0']) {
      expect(row.sealed_body).not.toContain(secret);
      expect(row.entry).not.toContain(secret);
      expect(row.disclosures).toContain(secret);
    }
    const sealed = JSON.parse(row.sealed_body) as { actor: { email: { _sd: string }; id: string } };
    expect(sealed.actor.email._sd).toMatch(/^[0-9a-f]{64}$/);
    expect(sealed.actor.id).toBe('u1');
    // Readers get the clear values back.
    const read = (await t.call(key, { method: 'GET', url: '/v1/events' })).json<{
      data: Array<{ actor: { email: string } }>;
    }>();
    expect(read.data[0]!.actor.email).toBe('ada@example.org');
  });

  it('detects a tampered stored body (the check can fail)', async () => {
    await t.call(key, { method: 'POST', url: '/v1/events?sync=true', payload: sampleEvent() });
    await t.call(key, { method: 'POST', url: '/v1/events?sync=true', payload: sampleEvent() });
    const db = new Database(t.dbPath);
    db.prepare(
      "UPDATE events SET sealed_body = replace(sealed_body, 'document.update', 'document.read') WHERE seq = 2",
    ).run();
    db.close();
    expect(() => verifyStoredChain(t.dbPath, 'acme')).toThrow(/sequence 2: body digest/);
  });
});
