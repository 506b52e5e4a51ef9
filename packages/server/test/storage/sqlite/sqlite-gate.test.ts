/**
 * The SQLite driver syncs the WAL off the event loop after each append (sqlite-gate.ts). These tests
 * hold that sync open or fail it, on a real database file, and check what others may see meanwhile.
 */
import { fstatSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { translateSqliteError } from '../../../src/storage/sqlite/sqlite-errors.js';
import { createSqliteStore } from '../../../src/storage/sqlite/sqlite-store.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import {
  realSync,
  settled,
  storeWithHeldSyncs as heldSyncsStore,
  type StoreWithHeldSyncs,
} from '../../helpers/held-syncs.js';
import { addTenant, append, sealed } from '../conformance/fixtures.js';

const temps: Array<() => void> = [];
afterEach(() => temps.splice(0).forEach((remove) => remove()));

/** A store whose syncs wait for the test; removed after the test. */
function storeWithHeldSyncs(): StoreWithHeldSyncs {
  const held = heldSyncsStore();
  temps.push(held.remove);
  return held;
}

describe('SQLite durable appends', () => {
  it('answers an append only after its WAL sync, and lets nothing read the events before', async () => {
    const { store, syncs, hold } = storeWithHeldSyncs();
    await addTenant(store, 'acme');
    hold();

    const appending = append(store, 'acme', [sealed({ id: 'evt_1' })]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(syncs).toHaveLength(1);
    const reading = store.getEventById('acme', 'evt_1');
    const heading = store.getLogHead('acme');
    expect(await settled(appending)).toBe(false);
    expect(await settled(reading)).toBe(false);
    expect(await settled(heading)).toBe(false);

    syncs[0]!.release();
    const [result] = await appending;
    expect(result?.kind).toBe('created');
    expect((await reading)?.sequence).toBe(1);
    expect((await heading)?.size).toBe(1);
    await store.close();
  });

  it('commits the next appends while one syncs, and answers them after a sync begun after them', async () => {
    const { store, path, syncs, hold } = storeWithHeldSyncs();
    await addTenant(store, 'acme');
    hold();
    const walSize = (): number => statSync(`${path}-wal`).size;

    const first = append(store, 'acme', [sealed({ id: 'evt_1' })]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(syncs).toHaveLength(1);
    const before = walSize();
    const second = append(store, 'acme', [sealed({ id: 'evt_2' })]);
    const third = append(store, 'acme', [sealed({ id: 'evt_3' })]);
    const reading = store.getLogHead('acme');
    await new Promise((resolve) => setTimeout(resolve, 10));
    // Written during the first sync, which does not cover them: no second sync starts before it ends.
    expect(walSize()).toBeGreaterThan(before);
    expect(syncs).toHaveLength(1);

    syncs[0]!.release();
    expect((await first)[0]).toMatchObject({ kind: 'created', event: { sequence: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(syncs).toHaveLength(2);
    expect(await settled(second)).toBe(false);
    expect(await settled(third)).toBe(false);
    expect(await settled(reading)).toBe(false);

    syncs[1]!.release();
    expect((await second)[0]).toMatchObject({ kind: 'created', event: { sequence: 2 } });
    expect((await third)[0]).toMatchObject({ kind: 'created', event: { sequence: 3 } });
    expect((await reading)?.size).toBe(3);
    expect(syncs).toHaveLength(2);
    await store.close();
  });

  it('fails the appends made during a sync that fails', async () => {
    const { store, syncs, hold } = storeWithHeldSyncs();
    await addTenant(store, 'acme');
    hold();
    const first = append(store, 'acme', [sealed({ id: 'evt_1' })]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = append(store, 'acme', [sealed({ id: 'evt_2' })]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    syncs[0]!.fail();
    await expect(first).rejects.toMatchObject({ code: 'TK_ERR_UNAVAILABLE' });
    await expect(second).rejects.toMatchObject({ code: 'TK_ERR_UNAVAILABLE' });
    expect(syncs).toHaveLength(1);
    await expect(store.getLogHead('acme')).rejects.toMatchObject({ code: 'TK_ERR_UNAVAILABLE' });
  });

  it('syncs the WAL file of the database it writes', async () => {
    const { store, path, syncs, hold } = storeWithHeldSyncs();
    await addTenant(store, 'acme');
    hold();
    const appending = append(store, 'acme', [sealed()]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const synced = fstatSync(syncs[0]!.fd);
    const wal = statSync(`${path}-wal`);
    expect([synced.dev, synced.ino]).toEqual([wal.dev, wal.ino]);
    expect(synced.size).toBeGreaterThan(0);
    syncs[0]!.release();
    await appending;
    await store.close();
  });

  it('refuses everything once a sync fails, since what is on disk is then unknown', async () => {
    const temp = makeTempDir();
    temps.push(temp.remove);
    let fail = false;
    const store = createSqliteStore({
      path: join(temp.dir, 'trailkeep.db'),
      syncFile: (fd) =>
        fail ? Promise.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })) : realSync(fd),
    });
    await addTenant(store, 'acme');
    fail = true;
    await expect(append(store, 'acme', [sealed()])).rejects.toMatchObject({ code: 'TK_ERR_UNAVAILABLE' });
    fail = false;
    await expect(store.ping()).rejects.toMatchObject({ code: 'TK_ERR_UNAVAILABLE' });
    await expect(store.getLogHead('acme')).rejects.toMatchObject({ code: 'TK_ERR_UNAVAILABLE' });
    await expect(append(store, 'acme', [sealed()])).rejects.toMatchObject({ code: 'TK_ERR_UNAVAILABLE' });
  });
});

describe('SQLite error translation', () => {
  it('turns an unknown native error into TK_ERR_INTERNAL keeping the cause, and busy into TK_ERR_UNAVAILABLE', () => {
    const temp = makeTempDir();
    temps.push(temp.remove);
    const db = new Database(join(temp.dir, 'x.db'));
    let native: unknown;
    try {
      db.prepare('SELEC 1').get();
    } catch (error) {
      native = error;
    }
    db.close();
    expect(native).toBeInstanceOf(Database.SqliteError);
    const internal = translateSqliteError(native);
    expect(internal).toMatchObject({ code: 'TK_ERR_INTERNAL', cause: native });
    expect(internal.message).not.toContain('SELEC');
    const busy = new Database.SqliteError('database is locked', 'SQLITE_BUSY');
    expect(translateSqliteError(busy)).toMatchObject({ code: 'TK_ERR_UNAVAILABLE', retryAfter: 1 });
    expect(translateSqliteError(null).code).toBe('TK_ERR_INTERNAL');
  });
});
