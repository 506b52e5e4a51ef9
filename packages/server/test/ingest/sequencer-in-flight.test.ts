/**
 * The sequencer keeps up to `maxInFlight` appends going (SQLite: the next commits while the
 * previous one syncs). On a real SQLite file whose syncs the test holds: with 2, the second
 * group is written during the first sync and answered after the next; with 1 it waits for the
 * first to be answered. Either way sequences follow arrival and nothing is answered undurable.
 */
import { statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createSequencer } from '../../src/ingest/sequencer.js';
import { settled, storeWithHeldSyncs, type StoreWithHeldSyncs } from '../helpers/held-syncs.js';
import { addTenant, sealed } from '../storage/conformance/fixtures.js';

const opened: StoreWithHeldSyncs[] = [];
afterEach(async () => {
  for (const held of opened.splice(0)) {
    await held.store.close();
    held.remove();
  }
});

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 10));

async function setUp(maxInFlight: number) {
  const held = storeWithHeldSyncs();
  opened.push(held);
  await addTenant(held.store, 'acme');
  held.hold();
  const sequencer = createSequencer(held.store, {
    maxBatchEvents: 100,
    maxQueuedEvents: 100,
    windowMs: 0,
    maxInFlight,
  });
  const walSize = (): number => statSync(`${held.path}-wal`).size;
  const submit = (id: string) => sequencer.submit('acme', [sealed({ id })]);
  return { ...held, sequencer, walSize, submit };
}

describe('sequencer appends in flight', () => {
  it('with two, commits the next group during the previous sync and answers in order', async () => {
    const { syncs, walSize, submit, sequencer } = await setUp(2);
    const first = submit('evt_1');
    await tick();
    expect(syncs).toHaveLength(1);
    const before = walSize();
    const second = submit('evt_2');
    await tick();
    expect(walSize()).toBeGreaterThan(before);
    // A third group waits: two appends are in flight.
    const third = submit('evt_3');
    await tick();
    const afterSecond = walSize();
    expect(await settled(second)).toBe(false);

    syncs[0]!.release();
    expect((await first)[0]).toMatchObject({ kind: 'created', event: { sequence: 1 } });
    await tick();
    expect(walSize()).toBeGreaterThan(afterSecond);
    expect(await settled(second)).toBe(false);
    syncs[1]!.release();
    expect((await second)[0]).toMatchObject({ kind: 'created', event: { sequence: 2 } });
    await tick();
    syncs[2]!.release();
    expect((await third)[0]).toMatchObject({ kind: 'created', event: { sequence: 3 } });
    expect(sequencer.queuedEvents()).toBe(0);
    await sequencer.drain();
  });

  it('with one, starts the next group only once the previous is answered', async () => {
    const { syncs, walSize, submit } = await setUp(1);
    const first = submit('evt_1');
    await tick();
    const before = walSize();
    const second = submit('evt_2');
    await tick();
    expect(walSize()).toBe(before);
    expect(syncs).toHaveLength(1);
    syncs[0]!.release();
    await first;
    await tick();
    expect(walSize()).toBeGreaterThan(before);
    syncs[1]!.release();
    expect((await second)[0]).toMatchObject({ kind: 'created', event: { sequence: 2 } });
  });

  it('drains only once every append in flight is answered', async () => {
    const { syncs, submit, sequencer } = await setUp(2);
    const first = submit('evt_1');
    await tick();
    const second = submit('evt_2');
    await tick();
    const drained = sequencer.drain();
    syncs[0]!.release();
    await first;
    expect(await settled(drained)).toBe(false);
    await tick();
    syncs[1]!.release();
    await second;
    await drained;
  });
});
