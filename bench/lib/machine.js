/** Where the figures were measured: results from different machines or commits are not comparable. */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export function machineInfo() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    node: process.version,
    totalMemoryBytes: os.totalmem(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  };
}

function git(args) {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null; // not a checkout, no commit yet, or no git
  }
}

export function gitInfo() {
  const commit = git(['rev-parse', 'HEAD']);
  const status = git(['status', '--porcelain']);
  return { commit, dirty: status === null ? null : status.length > 0 };
}
