/**
 * The offline administration commands, run as users run them: the real `trailkeep` bin (built),
 * on a temp data directory (SQLite) or, in the `postgres` vitest project, a database of its own.
 * A key made by the CLI must work over HTTP, and once revoked by the CLI it must be refused.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { PG_MIGRATIONS } from '../src/storage/postgres/pg-migrations.js';
import { BIN, api, startServerProcess, type ServerProcess } from './helpers/server-process.js';
import { createTestStorage, defaultTestDriver, type TestStorage } from './helpers/test-storage.js';

const exec = promisify(execFile);

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tempStorage(): Promise<TestStorage> {
  const storage = await createTestStorage();
  cleanups.push(() => storage.remove());
  return storage;
}

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `trailkeep <args> --data-dir <dir>` on the storage; never throws on a non-zero exit. */
async function cli(storage: TestStorage, ...args: string[]): Promise<CliResult> {
  // Only the storage's own settings: a TRAILKEEP_DATABASE_URL of the caller's shell must not leak in.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TRAILKEEP_')));
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args, '--data-dir', storage.dataDir], {
      env: { ...env, ...storage.env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** The JSON a successful command prints. */
async function cliJson(storage: TestStorage, ...args: string[]): Promise<any> {
  const result = await cli(storage, ...args);
  expect(result, `trailkeep ${args.join(' ')}`).toMatchObject({ code: 0 });
  return JSON.parse(result.stdout);
}

function track(server: ServerProcess): ServerProcess {
  cleanups.push(() => server.proc.exitCode === null && server.proc.kill('SIGKILL'));
  return server;
}

const ALL_VERSIONS = PG_MIGRATIONS.map((m) => m.version);

describe(`trailkeep CLI administration (real bin, ${defaultTestDriver()})`, () => {
  it('migrate says what it applied, then that the schema is up to date', async () => {
    const storage = await tempStorage();
    const first = await cliJson(storage, 'migrate');
    // A PostgreSQL test database is copied from a migrated template; a SQLite data dir starts empty.
    const expected = storage.driver === 'sqlite' ? ALL_VERSIONS : [];
    expect(first).toMatchObject({
      storage: storage.driver,
      applied: expected,
      status: expected.length > 0 ? 'migrated' : 'up to date',
    });
    expect(await cliJson(storage, 'migrate')).toMatchObject({
      storage: storage.driver,
      applied: [],
      status: 'up to date',
    });
  });

  it('tenants create, keys create | list | revoke: the key works over HTTP until the CLI revokes it', async () => {
    const storage = await tempStorage();
    expect(await cliJson(storage, 'tenants', 'create', 'acme', '--name', 'Acme Corp')).toMatchObject({
      id: 'acme',
      name: 'Acme Corp',
      parent_id: null,
      log_origin: expect.stringMatching(/\/t\/acme$/),
    });
    expect(await cliJson(storage, 'tenants', 'create', 'acme-eu', '--parent', 'acme')).toMatchObject({
      id: 'acme-eu',
      name: 'acme-eu',
      parent_id: 'acme',
    });
    const created = await cliJson(
      storage,
      'keys',
      'create',
      '--tenant',
      'acme',
      '--scopes',
      'events:write,events:read',
      '--name',
      'ci',
    );
    expect(created).toMatchObject({
      tenant_id: 'acme',
      name: 'ci',
      scopes: ['events:write', 'events:read'],
      revoked_at: null,
      key: expect.stringMatching(/^tk_live_/),
    });
    const key = created.key as string;
    expect(key.startsWith(created.prefix as string)).toBe(true);

    // Listed without its secret; the other tenant's list does not show it.
    const listed = await cliJson(storage, 'keys', 'list', '--tenant', 'acme');
    expect(listed).toEqual([expect.objectContaining({ id: created.id, prefix: created.prefix, revoked_at: null })]);
    expect(JSON.stringify(listed)).not.toContain(key);
    expect(await cliJson(storage, 'keys', 'list', '--tenant', 'acme-eu')).toEqual([]);

    const server = track(await startServerProcess(storage));
    const sent = await api(server.url, key, 'POST', '/v1/events?sync=true', {
      action: 'cli.test',
      actor: { id: 'u1' },
    });
    expect(sent.status).toBe(201);
    expect(sent.json).toMatchObject({ tenant_id: 'acme', sequence_number: 1 });
    expect((await api(server.url, key, 'GET', '/v1/events')).json.data).toHaveLength(1);

    // Revoked by another process while the server runs: the server's auth cache keeps a resolved
    // key for at most 5 s (docs/SCALING.md), then refuses it.
    const revoked = await cliJson(storage, 'keys', 'revoke', created.id as string);
    expect(revoked).toMatchObject({ id: created.id, revoked_at: expect.any(String) });
    expect(await cliJson(storage, 'keys', 'list', '--tenant', 'acme')).toEqual([
      expect.objectContaining({ id: created.id, revoked_at: revoked.revoked_at }),
    ]);
    let status = 0;
    for (const started = Date.now(); Date.now() - started < 8_000;) {
      status = (await api(server.url, key, 'GET', '/v1/events')).status;
      if (status === 401) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(401);
    const write = await api(server.url, key, 'POST', '/v1/events?sync=true', {
      action: 'after.revoke',
      actor: { id: 'u1' },
    });
    expect(write).toMatchObject({ status: 401, json: { code: 'TK_ERR_UNAUTHENTICATED' } });
    server.proc.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);

    // A server started afterwards refuses it from the first request, and nothing else was stored.
    const restarted = track(await startServerProcess(storage));
    expect((await api(restarted.url, key, 'GET', '/v1/events')).status).toBe(401);
    restarted.proc.kill('SIGTERM');
    await restarted.exited;
    expect((await storage.verifyChain('acme')).size).toBe(1);
  }, 60_000);

  it('fails with the domain error and exit code 1 for a duplicate tenant, an unknown key or scope', async () => {
    const storage = await tempStorage();
    await cliJson(storage, 'tenants', 'create', 'acme');
    expect(await cli(storage, 'tenants', 'create', 'acme')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('TK_ERR_TENANT_EXISTS'),
    });
    for (const id of ['acme/../x', 'acme\u0001', '.leading', 'a'.repeat(65)]) {
      expect(await cli(storage, 'tenants', 'create', id), id).toMatchObject({
        code: 1,
        stderr: expect.stringContaining('TK_ERR_VALIDATION'),
      });
    }
    expect(await cli(storage, 'keys', 'revoke', 'key_that_does_not_exist')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('TK_ERR_KEY_NOT_FOUND'),
    });
    expect(await cli(storage, 'keys', 'create', '--tenant', 'acme', '--scopes', 'events:write,root')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('unknown scope root'),
    });
    expect(await cliJson(storage, 'keys', 'list')).toEqual([]);
  });
});
