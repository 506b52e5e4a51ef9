/**
 * Every operation of the SQLite driver runs through this gate: one at a time on the connection,
 * and appends made durable without blocking the event loop.
 *
 * better-sqlite3 is synchronous. With synchronous=FULL each commit waits for its fsync on the event
 * loop (0.3–2 ms on this kind of disk), and nothing else runs meanwhile: under 50 concurrent
 * single-event requests that wait was most of the server's time. So appends commit with
 * synchronous=NORMAL (the WAL frames are written, not synced), then fdatasync the WAL file on
 * libuv's thread pool, and resolve only after it: the requests they acknowledge are answered once
 * the events are on disk, exactly as with FULL. While that sync runs, the event loop parses and
 * seals the next requests, and the next durable write may commit on the connection (its sync then
 * starts when the running one ends: a sync covers only what was written before it began). Nothing
 * else gets a turn until every sync has ended, so nothing reads, integrates or signs an event that
 * is not yet durable. A write made during a sync can build on the one being synced (the next
 * sequence after it): that is safe, since SQLite recovers a WAL only up to its first missing frame,
 * so a crash cannot keep the later write without the earlier one, and the later one is answered
 * only after its own sync. Every acknowledged write of the driver (tenants, keys, applications,
 * erasures too) goes through runDurably.
 *
 * WAL checkpoints run on a worker after some durable writes (sqlite-checkpointer.ts); like a sync,
 * one holds every operation on the connection until it ends, but not the answer to the write.
 *
 * A failed sync leaves it unknown what is on disk (fsync errors are not retryable), so the gate
 * then refuses everything: readiness fails and the operator restarts the server, which recovers
 * the WAL as SQLite always does.
 */
import type Database from 'better-sqlite3';
import { closeSync, fdatasync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { TrailkeepError } from '../../domain/errors.js';
import type { Checkpointer } from './sqlite-checkpointer.js';
import { translateSqliteError } from './sqlite-errors.js';

export interface SqliteGate {
  /** Runs `fn` on the connection once no durable commit is waiting for its sync, nor a checkpoint running. */
  run<T>(fn: () => T): Promise<T>;
  /**
   * Runs `fn`, a write transaction, with synchronous=NORMAL once no checkpoint holds the connection
   * (earlier writes may still be syncing); resolves once a WAL sync begun after it has ended.
   */
  runDurably<T>(fn: () => T): Promise<T>;
  /** Closes the WAL file the gate syncs (the database itself is closed by its owner). */
  close(): void;
}

/** Flushes a file's data to disk; node:fs fdatasync unless a test brings its own. */
export type SyncFile = (fd: number) => Promise<void>;

const fdatasyncAsync: SyncFile = (fd) =>
  new Promise((resolve, reject) => fdatasync(fd, (error) => (error ? reject(error) : resolve())));

export interface SqliteGateOptions {
  syncFile?: SyncFile | undefined;
  checkpointer?: Checkpointer;
}

export function createSqliteGate(db: Database.Database, options: SqliteGateOptions = {}): SqliteGate {
  const { syncFile = fdatasyncAsync, checkpointer } = options;
  /** A checkpoint that every operation waits for. */
  let held: Promise<void> | undefined;
  /** The WAL sync running now, and the one queued to start when it ends (for writes made meanwhile). */
  let syncing: Promise<void> | undefined;
  let queuedSync: Promise<void> | undefined;
  let failure: TrailkeepError | undefined;
  let walFd: number | undefined;

  /** Holds every operation until `work` settles; the returned promise settles with it. */
  function hold(work: Promise<void>): Promise<void> {
    held = work;
    return work.finally(() => {
      if (held === work) held = undefined;
    });
  }

  /** Waits out a holding checkpoint and, unless the turn is a durable write's, every sync. */
  async function awaitTurn(waitForSyncs: boolean): Promise<void> {
    for (;;) {
      const wait = held ?? (waitForSyncs ? (queuedSync ?? syncing) : undefined);
      if (wait === undefined) break;
      await wait.catch(() => undefined);
    }
    if (failure !== undefined) throw failure;
  }

  function runNow<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw translateSqliteError(error);
    }
  }

  /** The WAL exists once the connection is in WAL mode; its new directory entry is synced once. */
  function wal(): number {
    if (walFd === undefined) {
      walFd = openSync(`${db.name}-wal`, 'r');
      const dir = openSync(dirname(db.name), 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    }
    return walFd;
  }

  async function syncWal(): Promise<void> {
    if (failure !== undefined) throw failure;
    try {
      await syncFile(wal());
    } catch (error) {
      failure = new TrailkeepError(
        'TK_ERR_UNAVAILABLE',
        'the database could not be synced to disk; restart the server',
        {
          retryAfter: 30,
          cause: error,
        },
      );
      throw failure;
    }
  }

  function startSync(): Promise<void> {
    const sync = syncWal().finally(() => {
      if (syncing === sync) syncing = undefined;
    });
    syncing = sync;
    return sync;
  }

  /** A sync that starts after now: the running one if none, else the one queued behind it. */
  function syncAfterWrite(): Promise<void> {
    if (syncing === undefined) return startSync();
    queuedSync ??= syncing
      .catch(() => undefined)
      .then(() => {
        queuedSync = undefined;
        return startSync();
      });
    return queuedSync;
  }

  return {
    async run(fn) {
      if (held !== undefined || syncing !== undefined || queuedSync !== undefined || failure !== undefined) {
        await awaitTurn(true);
      }
      return runNow(fn);
    },
    async runDurably(fn) {
      await awaitTurn(false);
      db.pragma('synchronous = NORMAL');
      let result: ReturnType<typeof fn>;
      try {
        result = runNow(fn);
      } finally {
        db.pragma('synchronous = FULL');
      }
      await syncAfterWrite();
      const checkpoint = checkpointer?.afterWrite();
      if (checkpoint !== undefined) void hold(checkpoint);
      return result;
    },
    close() {
      if (walFd !== undefined) closeSync(walFd);
      walFd = undefined;
    },
  };
}
