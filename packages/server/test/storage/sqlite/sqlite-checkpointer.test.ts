/**
 * WAL checkpoints on a worker thread (sqlite-checkpointer.ts), on real database files: the worker
 * copies the WAL into the database file while the server's connection never checkpoints; the WAL
 * stays bounded under steady writes; a checkpoint that holds the connection holds every operation
 * but not the write's answer; a worker that cannot run gives SQLite's own checkpoints back; and a
 * store that checkpointed on its worker closes and reopens with its events. The worker is the
 * built one (the suite runs after the build).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createCheckpointer, type Checkpointer } from '../../../src/storage/sqlite/sqlite-checkpointer.js';
import { createSqliteGate } from '../../../src/storage/sqlite/sqlite-gate.js';
import { createSqliteStore } from '../../../src/storage/sqlite/sqlite-store.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { addTenant, append, sealed } from '../conformance/fixtures.js';

const BUILT_WORKER = new URL('../../../dist/storage/sqlite/sqlite-checkpoint-worker.js', import.meta.url);
const PAGE = 4096;

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function openDatabase(): { db: Database.Database; path: string } {
  const temp = makeTempDir();
  const path = join(temp.dir, 't.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, blob BLOB NOT NULL)');
  cleanups.push(() => temp.remove());
  cleanups.push(() => {
    if (db.open) db.close();
  });
  return { db, path };
}

/** Rows of 4 KiB of random bytes: each takes a page of its own in the WAL. */
function writeRows(db: Database.Database, rows: number): void {
  const insert = db.prepare('INSERT INTO t (blob) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < rows; i++) insert.run(randomBytes(PAGE - 100));
  }).immediate();
}

const settledWithin = async (promise: Promise<unknown>, ms: number): Promise<boolean> => {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setTimeout(resolve, ms));
  return done;
};

describe('SQLite WAL checkpoints on a worker', () => {
  it('copies the WAL into the database file on the worker and keeps the WAL bounded under steady writes', async () => {
    const { db, path } = openDatabase();
    const checkpointer = createCheckpointer(db, { workerFile: BUILT_WORKER, everyMs: 0, holdAboveFrames: 200 });
    const gate = createSqliteGate(db, { checkpointer });
    cleanups.push(() => checkpointer.close());
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);

    let largestWal = 0;
    for (let i = 0; i < 600; i++) {
      await gate.runDurably(() => writeRows(db, 20));
      largestWal = Math.max(largestWal, statSync(`${path}-wal`).size);
    }
    await gate.run(() => undefined);

    // 12,000 pages written (47 MiB): without checkpoints, or if none held the connection, the WAL
    // would hold them all. It grows past 200 pages by what is written while a checkpoint runs
    // (about 1,000 pages on this machine); half of everything leaves room for a loaded machine.
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    expect(largestWal).toBeLessThan(6000 * PAGE);
    expect(statSync(path).size).toBeGreaterThan(11_000 * PAGE);
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 12_000 });
  });

  it('without a worker file, leaves checkpoints to SQLite', () => {
    const { db } = openDatabase();
    const checkpointer = createCheckpointer(db, { workerFile: null });
    expect(checkpointer.afterWrite()).toBeUndefined();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });

  it('gives SQLite its own checkpoints back, with a warning, when the worker cannot run', async () => {
    const { db } = openDatabase();
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    cleanups.push(() => void process.off('warning', onWarning));
    const missing = new URL('./no-such-checkpoint-worker.js', BUILT_WORKER);
    const checkpointer = createCheckpointer(db, { workerFile: missing, everyMs: 0 });
    const gate = createSqliteGate(db, { checkpointer });
    cleanups.push(() => checkpointer.close());

    await gate.runDurably(() => writeRows(db, 5));
    await expect.poll(() => db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await gate.runDurably(() => writeRows(db, 5));
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 10 });
    await expect.poll(() => warnings.map((w) => w.message).join()).toContain('checkpoints run on the event loop again');
  });

  it('answers the write before a holding checkpoint ends, and starts no operation until it does', async () => {
    const { db } = openDatabase();
    let release = () => {};
    const holding: Checkpointer = {
      afterWrite: () => new Promise<void>((resolve) => (release = resolve)),
      close: async () => {},
    };
    const gate = createSqliteGate(db, { checkpointer: holding });

    await gate.runDurably(() => writeRows(db, 1));
    const read = gate.run(() => db.prepare('SELECT count(*) AS n FROM t').get());
    const write = gate.runDurably(() => writeRows(db, 1));
    expect(await settledWithin(read, 30)).toBe(false);
    expect(await settledWithin(write, 0)).toBe(false);

    release();
    expect(await read).toEqual({ n: 1 });
    await write;
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 2 });
    gate.close();
  });

  it('closes a store that checkpointed on its worker, and reopens it with its events', async () => {
    const temp = makeTempDir();
    cleanups.push(() => temp.remove());
    const path = join(temp.dir, 'trailkeep.db');
    const store = createSqliteStore({ path, checkpointWorker: BUILT_WORKER });
    await addTenant(store, 'acme');
    await append(store, 'acme', [sealed()]);
    // Past the checkpoint interval, so this append starts the worker.
    await new Promise((resolve) => setTimeout(resolve, 250));
    await append(store, 'acme', [sealed()]);
    await store.close();
    expect(existsSync(`${path}-wal`)).toBe(false);

    const reopened = createSqliteStore({ path, checkpointWorker: BUILT_WORKER });
    expect((await reopened.getLogHead('acme'))?.size).toBe(2);
    await reopened.close();
  });
});
