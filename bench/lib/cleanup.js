/**
 * Everything the harness leaves behind (server processes, temporary data directories) is tracked
 * here, so an interrupted or failed run does not leave servers holding ports or gigabytes in /tmp.
 */
import { rmSync } from 'node:fs';
import { constants } from 'node:os';

const children = new Set();
const dirs = new Set();

export const tracked = {
  addChild: (proc) => children.add(proc),
  removeChild: (proc) => children.delete(proc),
  addDir: (dir) => dirs.add(dir),
  removeDir: (dir) => dirs.delete(dir),
};

/** Synchronous on purpose: it also runs from the 'exit' event, where nothing asynchronous completes. */
export function cleanupNow() {
  for (const proc of children) if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  children.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

export function installCleanupHandlers() {
  process.on('exit', cleanupNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping servers and removing temporary data`);
      cleanupNow();
      process.exit(128 + constants.signals[signal]);
    });
  }
}
