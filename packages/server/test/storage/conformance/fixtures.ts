/** Builders shared by the conformance suites: tenants, sealed events, appends and chain checks. */
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import type { EventBody, SealedEvent, StoredEvent } from '../../../src/domain/event.js';
import type { AppendResult } from '../../../src/domain/log-append.js';
import { requestDigest, sealEvent } from '../../../src/domain/sealing.js';
import type { Tenant } from '../../../src/domain/tenancy.js';
import type { AuditStore } from '../../../src/storage/port.js';
import type { ConformanceDriver, StoreHandle } from './drivers.js';

/**
 * Opens a fresh store before each test and closes it after; call inside a describe. With
 * `once`, the describe's tests share one store (for read-only tests over one fixture).
 */
export function useStore(driver: ConformanceDriver, options: { once?: boolean } = {}): () => StoreHandle {
  let handle: StoreHandle | undefined;
  (options.once ? beforeAll : beforeEach)(async () => {
    handle = await driver.open();
  });
  (options.once ? afterAll : afterEach)(async () => {
    await handle?.close();
    handle = undefined;
  });
  return () => {
    if (!handle) throw new Error('store is not open');
    return handle;
  };
}

let clock = Date.UTC(2026, 0, 1);

export function tenant(id: string, parentId: string | null = null): Tenant {
  clock += 1000;
  return {
    id,
    name: `Tenant ${id}`,
    parentId,
    logOrigin: `localhost/t/${id}`,
    createdAt: new Date(clock).toISOString(),
  };
}

export async function addTenant(store: AuditStore, id: string, parentId: string | null = null): Promise<Tenant> {
  const t = tenant(id, parentId);
  await store.createTenant(t);
  return t;
}

export type EventFields = Partial<EventBody> & { id?: string };

/** A sealed event; with an `id` it is client-identified (an idempotency key), else a fresh server id. */
export function sealed(fields: EventFields = {}): SealedEvent {
  const body: EventBody = {
    id: fields.id ?? randomUUID(),
    occurred_at: '2026-01-01T00:00:00.000Z',
    action: 'document.update',
    outcome: 'success',
    actor: { type: 'user', id: 'user_1' },
    ...fields,
  };
  return sealEvent({ body, requestDigest: requestDigest(fields), clientId: fields.id !== undefined });
}

export async function append(store: AuditStore, tenantId: string, items: SealedEvent[]): Promise<AppendResult[]> {
  const [results] = await store.appendBatches([{ tenantId, items }]);
  return results!;
}

/** Appends `n` events one batch at a time; returns their sequences. */
export async function appendMany(store: AuditStore, tenantId: string, n: number, fields: EventFields = {}) {
  const results = await append(
    store,
    tenantId,
    Array.from({ length: n }, () => sealed(fields)),
  );
  return results.map((r) => (r.kind === 'created' ? r.event.sequence : -1));
}

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/**
 * Checks stored events as an outside verifier would, with node:crypto only: sequences 1..n,
 * each leaf hash recomputed from the stored entry bytes, each entry linking to the previous leaf.
 */
export function expectChain(events: readonly StoredEvent[], origin: string): void {
  let prev = '0'.repeat(64);
  events.forEach((e, i) => {
    expect(e.sequence).toBe(i + 1);
    expect(sha256(Buffer.concat([Buffer.from([0]), Buffer.from(e.entry, 'utf8')]))).toBe(e.leafHash);
    const entry = JSON.parse(e.entry) as { idx: string; prev: string; body: string; log: string; rcv: string };
    expect(entry).toMatchObject({
      idx: String(i + 1),
      prev,
      body: sha256(e.sealedBody),
      log: origin,
      rcv: e.receivedAt,
    });
    prev = e.leafHash;
  });
}

/** The stored event an append result carries, without what only the write needed (index fields, search text). */
export function createdEvent(result: AppendResult | undefined): StoredEvent {
  if (result?.kind !== 'created') throw new Error(`expected a created event, got ${result?.kind}`);
  const { tenantId, sequence, id, receivedAt, requestDigest, sealedBody, bodyDigest, disclosures, entry, leafHash } =
    result.event;
  return { tenantId, sequence, id, receivedAt, requestDigest, sealedBody, bodyDigest, disclosures, entry, leafHash };
}

export async function allEvents(store: AuditStore, tenantId: string): Promise<StoredEvent[]> {
  const head = await store.getLogHead(tenantId);
  return store.getEventsBySequence(tenantId, 1, head?.size ?? 0);
}
