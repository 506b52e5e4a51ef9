/**
 * A real SQLite store whose WAL syncs (sqlite-gate.ts), once `hold()` is called, wait until the
 * test releases or fails them: what others may do and see while an append is not yet durable.
 */
import { fdatasync } from 'node:fs';
import { join } from 'node:path';
import type { AuditStore } from '../../src/storage/port.js';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { makeTempDir } from './temp-dir.js';

export interface HeldSync {
  fd: number;
  release: () => void;
  fail: () => void;
}

export interface StoreWithHeldSyncs {
  store: AuditStore;
  path: string;
  syncs: HeldSync[];
  hold: () => void;
  remove: () => void;
}

export const realSync = (fd: number): Promise<void> =>
  new Promise((resolve, reject) => fdatasync(fd, (error) => (error ? reject(error) : resolve())));

export function storeWithHeldSyncs(): StoreWithHeldSyncs {
  const temp = makeTempDir();
  const syncs: HeldSync[] = [];
  let holding = false;
  const path = join(temp.dir, 'trailkeep.db');
  const store = createSqliteStore({
    path,
    syncFile: (fd) =>
      holding
        ? new Promise((resolve, reject) =>
            syncs.push({
              fd,
              release: () => void realSync(fd).then(resolve, reject),
              fail: () => reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })),
            }),
          )
        : realSync(fd),
  });
  return { store, path, syncs, hold: () => (holding = true), remove: temp.remove };
}

/** Whether `promise` settles within 30 ms. */
export async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setTimeout(resolve, 30));
  return done;
}
