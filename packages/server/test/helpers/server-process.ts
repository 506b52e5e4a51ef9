/** Runs the real `trailkeep serve` process, as users run it, on a loopback port. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestStorage } from './test-storage.js';

export const BIN = fileURLToPath(new URL('../../bin/trailkeep.js', import.meta.url));
export const TEST_ADMIN_KEY = 'tk_test_admin_key_for_process_tests_0123456789';

export interface ServerProcess {
  url: string;
  proc: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts on a data directory (SQLite), or on a test storage of either driver (its env selects PostgreSQL). */
export async function startServerProcess(
  where: string | TestStorage,
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const dataDir = typeof where === 'string' ? where : where.dataDir;
  const storageEnv = typeof where === 'string' ? {} : where.env;
  const proc = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, TRAILKEEP_ADMIN_KEY: TEST_ADMIN_KEY, TRAILKEEP_LOG_LEVEL: 'warn', ...storageEnv, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 20_000);
    const check = (): void => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    proc.stdout.on('data', check);
    void exited.then(() => reject(new Error(`server exited during start:\n${out}`)));
  });
  return { url, proc, output: () => out, exited };
}

/** fetch with a JSON body and a key. */
export async function api(
  url: string,
  key: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: any }> {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

/** Creates a tenant and a read/write key for it through the admin API. */
export async function tenantKey(url: string, tenantId: string): Promise<string> {
  const t = await api(url, TEST_ADMIN_KEY, 'POST', '/v1/tenants', { id: tenantId, name: tenantId });
  if (t.status !== 201) throw new Error(`tenant: ${t.status} ${JSON.stringify(t.json)}`);
  const k = await api(url, TEST_ADMIN_KEY, 'POST', '/v1/keys', {
    tenant_id: tenantId,
    scopes: ['events:write', 'events:read'],
  });
  return k.json.key as string;
}
