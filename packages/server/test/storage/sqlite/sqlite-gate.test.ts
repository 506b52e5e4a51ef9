/**
 * The SQLite driver syncs the WAL off the event loop after each append (sqlite-gate.ts). These tests
 * hold that sync open or fail it, on a real database file, and check what others may see meanwhile.
 */
import { fdatasync, fstatSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { AuditStore } from '../../../src/storage/port.js';
import { translateSqliteError } from '../../../src/storage/sqlite/sqlite-errors.js';
import { createSqliteStore } from '../../../src/storage/sqlite/sqlite-store.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { addTenant, append, sealed } from '../conformance/fixtures.js';

const temps: Array<() => void> = [];
afterEach(() => temps.splice(0).forEach((remove) => remove()));

interface HeldSync {
  fd: number;
  release: () => void;
}

const realSync = (fd: number): Promise<void> =>
  new Promise((resolve, reject) => fdatasync(fd, (error) => (error ? reject(error) : resolve())));

/** A store whose WAL syncs, once `hold()` is called, wait until the test releases them. */
function storeWithHeldSyncs(): { store: AuditStore; path: string; syncs: HeldSync[]; hold: () => void } {
  const temp = makeTempDir();
  temps.push(temp.remove);
  const syncs: HeldSync[] = [];
  let holding = false;
  const path = join(temp.dir, 'trailkeep.db');
  const store = createSqliteStore({
    path,
    syncFile: (fd) =>
      holding
        ? new Promise((resolve, reject) => syncs.push({ fd, release: () => void realSync(fd).then(resolve, reject) }))
        : realSync(fd),
  });
  return { store, path, syncs, hold: () => (holding = true) };
}

const settled = async (promise: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setTimeout(resolve, 30));
  return done;
};

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
