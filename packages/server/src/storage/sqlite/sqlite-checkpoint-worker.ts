/**
 * Worker thread of sqlite-checkpointer.ts: its own connection to the database file, on which it
 * runs a PASSIVE checkpoint each time it is asked (copying the WAL's committed frames into the
 * database file and syncing both), so that this I/O never runs on the server's event loop.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

/** What the server thread sends: the database file's path, as workerData. */
export interface CheckpointWorkerData {
  path: string;
}

/** The answer to a 'checkpoint' message. */
export type CheckpointAnswer = { ok: true; walFrames: number; checkpointed: number } | { ok: false; message: string };

interface CheckpointRow {
  busy: number;
  log: number;
  checkpointed: number;
}

const { path } = workerData as CheckpointWorkerData;
const db = new Database(path, { fileMustExist: true });
// FULL: the WAL is synced before its frames are copied, the database file after (SQLite's rule).
db.pragma('synchronous = FULL');

parentPort!.on('message', (message: 'checkpoint' | 'close') => {
  if (message === 'close') {
    db.close();
    parentPort!.close();
    return;
  }
  let answer: CheckpointAnswer;
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)') as CheckpointRow[];
    answer = { ok: true, walFrames: row!.log, checkpointed: row!.checkpointed };
  } catch (error) {
    answer = { ok: false, message: (error as Error).message };
  }
  parentPort!.postMessage(answer);
});
