/**
 * Servers under test run as child processes, as users run them: the load generator then never
 * shares an event loop with the server, and each scenario can start from a fresh process.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { clearTimeout } from 'node:timers';
import { tracked } from './cleanup.js';
import { benchStorage } from './config.js';
import { postgresEnv } from './postgres.js';

const TRAILKEEP_BIN = fileURLToPath(new URL('../../packages/server/bin/trailkeep.js', import.meta.url));
const BARE_SERVER = fileURLToPath(new URL('./bare-server.js', import.meta.url));

/** Fixed so the query scenarios can restart the server on the loaded database (≥ 24 characters). */
export const ADMIN_KEY = 'tk_bench_admin_key_0123456789abcdef';

/** Spawns `node <args>` and resolves once it prints `listening on http://…`. */
async function startNodeProcess(name, args, env = {}) {
  const proc = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  tracked.addChild(proc);
  let output = '';
  const collect = (chunk) => {
    // Keep only the tail: a server that logs on every request must not grow our memory.
    output = (output + chunk.toString()).slice(-20_000);
  };
  proc.stdout.on('data', collect);
  proc.stderr.on('data', collect);
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));

  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 30 s:\n${output}`)), 30_000);
    const check = () => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      proc.stdout.off('data', check);
      resolve(match[1]);
    };
    proc.stdout.on('data', check);
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited during start (code ${code}, signal ${signal}):\n${output}`));
    });
  });

  return {
    url,
    pid: proc.pid,
    output: () => output,
    /** SIGTERM lets Trailkeep commit what it acknowledged; SIGKILL only if it hangs. */
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(timer);
      }
      tracked.removeChild(proc);
    },
  };
}

/** `env` adds settings for this server (e.g. TRAILKEEP_TREE_INTEGRATION=false). */
export async function startTrailkeep(dataDir, env = {}) {
  // BENCH_STORAGE=postgres: each data directory has a database of its own (lib/postgres.js).
  const storage = benchStorage() === 'postgres' ? await postgresEnv(dataDir) : {};
  // BENCH_SERVER_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, profiles the servers under test.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  return startNodeProcess('trailkeep', [...nodeArgs, TRAILKEEP_BIN, 'serve', '--port', '0', '--data-dir', dataDir], {
    TRAILKEEP_ADMIN_KEY: ADMIN_KEY,
    TRAILKEEP_LOG_LEVEL: 'warn',
    ...storage,
    ...env,
  });
}

export function startBareServer() {
  return startNodeProcess('bare-server', [BARE_SERVER]);
}

/** Runs fn with a started server and always stops it, whatever fn does. */
export async function withServer(start, fn) {
  const server = await start();
  try {
    return await fn(server);
  } finally {
    await server.stop();
  }
}
