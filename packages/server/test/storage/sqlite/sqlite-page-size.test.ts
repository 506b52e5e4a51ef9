/**
 * Databases the store creates have 8 KiB pages; a file made with SQLite's default 4 KiB pages (by
 * an earlier version) keeps them and works as before: migrated, appended to, read back.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore, NEW_DATABASE_PAGE_BYTES } from '../../../src/storage/sqlite/sqlite-store.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { addTenant, appendMany } from '../conformance/fixtures.js';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempPath(): string {
  const temp = makeTempDir();
  cleanups.push(() => temp.remove());
  return join(temp.dir, 'trailkeep.db');
}

function pageSizeOf(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return db.pragma('page_size', { simple: true }) as number;
  } finally {
    db.close();
  }
}

async function appendAndCount(path: string): Promise<number[]> {
  const store = createSqliteStore({ path });
  try {
    if ((await store.getLogHead('acme')) === undefined) await addTenant(store, 'acme');
    await appendMany(store, 'acme', 300, { metadata: { note: 'x'.repeat(1200) } });
    const events = await store.getEventsBySequence('acme', 1, 10_000);
    return events.map((e) => e.sequence);
  } finally {
    await store.close();
  }
}

describe('SQLite page size', () => {
  it('creates databases with 8 KiB pages', async () => {
    const path = tempPath();
    expect(await appendAndCount(path)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(NEW_DATABASE_PAGE_BYTES).toBe(8192);
    expect(pageSizeOf(path)).toBe(8192);
  });

  it('keeps the 4 KiB pages of a database made before, and works on it', async () => {
    const path = tempPath();
    const old = new Database(path);
    old.pragma('page_size = 4096');
    old.pragma('journal_mode = WAL');
    old.exec('CREATE TABLE made_before (x INTEGER)');
    old.close();
    expect(await appendAndCount(path)).toHaveLength(300);
    expect(await appendAndCount(path)).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    expect(pageSizeOf(path)).toBe(4096);
  });
});
