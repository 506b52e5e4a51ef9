/** Temporary data directories, removed when the work is done or the run dies. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tracked } from './cleanup.js';

export function createTempDir(label) {
  const dir = mkdtempSync(join(tmpdir(), `trailkeep-bench-${label}-`));
  tracked.addDir(dir);
  return dir;
}

export function removeTempDir(dir) {
  rmSync(dir, { recursive: true, force: true });
  tracked.removeDir(dir);
}

export async function withTempDir(label, fn) {
  const dir = createTempDir(label);
  try {
    return await fn(dir);
  } finally {
    removeTempDir(dir);
  }
}
