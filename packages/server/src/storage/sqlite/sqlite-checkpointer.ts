/**
 * WAL checkpoints on a worker thread instead of the event loop.
 *
 * SQLite's own checkpoint runs inside the commit that crosses wal_autocheckpoint (1,000 pages), and
 * better-sqlite3 is synchronous: copying those pages into the database file and syncing it (20 to
 * 130 ms under batch ingest here) stalled the event loop. Without any checkpoint, ingest ran ~20%
 * faster (batch 4,000 → 4,800 events/s, single sync 1,700 → 2,050 on this kind of machine). So
 * the connection's automatic checkpoints are off, and at most every `everyMs` after a durable
 * write a worker, on its own connection, runs a PASSIVE checkpoint while the server goes on.
 *
 * SQLite restarts the WAL from its beginning only once every frame in it was copied, which a write
 * during the checkpoint prevents: under steady load the WAL would grow without end. So once a
 * checkpoint finds the WAL longer than `holdAboveFrames`, the next one holds the connection (the
 * gate starts no operation until it ends; it is short, most frames being copied already), and the
 * write after it restarts the WAL.
 *
 * If the worker fails (cannot start, exits, a checkpoint errors), the connection goes back to
 * SQLite's automatic checkpoints and a warning says so: slower, never less safe, since an
 * interrupted checkpoint is one SQLite recovers from. Without the built worker file (code run from
 * its TypeScript sources), it uses them from the start.
 */
import type Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CheckpointAnswer, CheckpointWorkerData } from './sqlite-checkpoint-worker.js';

export interface Checkpointer {
  /** After a durable write: starts a checkpoint if one is due; answers it if it must hold the connection. */
  afterWrite(): Promise<void> | undefined;
  /** Waits for a running checkpoint and stops the worker (before the connection closes). */
  close(): Promise<void>;
}

export interface CheckpointerOptions {
  /** The worker's file; null for SQLite's automatic checkpoints. Default: the built worker, if present. */
  workerFile?: URL | null | undefined;
  /** Least time from the end of one checkpoint to the start of the next. */
  everyMs?: number;
  /** WAL length (in frames, pages) from which a checkpoint holds the connection. Default: 32 MiB of pages. */
  holdAboveFrames?: number;
}

const BUILT_WORKER = new URL('./sqlite-checkpoint-worker.js', import.meta.url);
/** SQLite's default wal_autocheckpoint, restored when the worker fails. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;
const DEFAULT_EVERY_MS = 200;
/** SQLite's own checkpoints keep the WAL near 4 MiB (1,000 pages of 4 KiB). */
const DEFAULT_HOLD_ABOVE_BYTES = 32 * 1024 * 1024;

function builtWorker(): URL | null {
  return existsSync(fileURLToPath(BUILT_WORKER)) ? BUILT_WORKER : null;
}

export function createCheckpointer(db: Database.Database, options: CheckpointerOptions = {}): Checkpointer {
  const workerFile = options.workerFile === undefined ? builtWorker() : options.workerFile;
  if (workerFile === null) return { afterWrite: () => undefined, close: async () => {} };
  const everyMs = options.everyMs ?? DEFAULT_EVERY_MS;
  const holdAboveFrames =
    options.holdAboveFrames ?? DEFAULT_HOLD_ABOVE_BYTES / (db.pragma('page_size', { simple: true }) as number);
  db.pragma('wal_autocheckpoint = 0');

  let worker: Worker | undefined;
  let failed = false;
  let closing = false;
  let lastEnded = Date.now();
  /** Frames in the WAL when the last checkpoint ran. */
  let walFrames = 0;
  let running: Promise<void> | undefined;
  let answer: ((a: CheckpointAnswer) => void) | undefined;

  function fail(message: string): void {
    answer?.({ ok: false, message });
    if (failed) return;
    failed = true;
    db.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
    process.emitWarning(`SQLite checkpoints run on the event loop again: ${message}`, {
      code: 'TRAILKEEP_CHECKPOINTER',
    });
    void worker?.terminate();
    worker = undefined;
  }

  function started(): Worker {
    if (worker !== undefined) return worker;
    const w = new Worker(workerFile!, { workerData: { path: db.name } satisfies CheckpointWorkerData });
    w.on('message', (a: CheckpointAnswer) => answer?.(a));
    w.on('error', (error) => fail(`the checkpoint worker failed: ${error.message}`));
    w.on('exit', (code) => closing || fail(`the checkpoint worker exited (code ${code})`));
    worker = w;
    return w;
  }

  async function checkpoint(): Promise<void> {
    try {
      const w = started();
      // Referenced only while a checkpoint runs: an idle worker never keeps the process alive.
      w.ref();
      const a = await new Promise<CheckpointAnswer>((resolve) => {
        answer = resolve;
        w.postMessage('checkpoint');
      });
      if (!a.ok) return fail(`a checkpoint failed: ${a.message}`);
      w.unref();
      walFrames = a.walFrames;
    } catch (error) {
      fail(`the checkpoint worker could not start: ${(error as Error).message}`);
    } finally {
      answer = undefined;
      lastEnded = Date.now();
    }
  }

  return {
    afterWrite() {
      if (failed || closing || running !== undefined || Date.now() - lastEnded < everyMs) return undefined;
      const holds = walFrames > holdAboveFrames;
      const current = checkpoint().finally(() => (running = undefined));
      running = current;
      return holds ? current : undefined;
    },
    async close() {
      closing = true;
      await running;
      const w = worker;
      if (w === undefined || failed) return;
      worker = undefined;
      const exited = new Promise((resolve) => w.once('exit', resolve));
      w.ref();
      w.postMessage('close');
      await exited;
    },
  };
}
