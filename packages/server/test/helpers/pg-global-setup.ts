/**
 * Vitest global setup: ONE PostgreSQL server for the whole run, shared by every test file and
 * project through `inject('pgUrl')`. TRAILKEEP_TEST_PG_URL (a superuser URL) wins; otherwise a
 * throwaway server is started from the machine's binaries. With neither, PostgreSQL tests are
 * skipped with a loud message, except under CI=true, where that fails the run.
 *
 * Vitest calls global setup once per project; the server lives on globalThis so every project
 * gets the same one, and the last teardown stops it.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createPostgresStore } from '../../src/storage/postgres/pg-store.js';
import { postgresSource, reapOrphans, startThrowawayPostgres, type ThrowawayPostgres } from './pg-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the test PostgreSQL server, or null when PostgreSQL tests are skipped. */
    pgUrl: string | null;
    /** A database with every migration applied, which test databases are copied from. */
    pgTemplate: string | null;
  }
}

interface Shared {
  ready: Promise<{ url: string; template: string } | null>;
  server?: ThrowawayPostgres;
  users: number;
}

const KEY = Symbol.for('trailkeep.test.postgres');
const registry = globalThis as unknown as Record<typeof KEY, Shared | undefined>;

function banner(lines: string[]): void {
  const bar = '!'.repeat(78);
  console.warn(['', bar, ...lines.map((l) => `!!  ${l}`), bar, ''].join('\n'));
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Migrating once and copying the result (CREATE DATABASE … TEMPLATE) makes each test database cheap. */
async function createTemplate(url: string): Promise<string> {
  const name = `tk_template_${randomBytes(4).toString('hex')}`;
  await adminQuery(url, `CREATE DATABASE ${name}`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  const store = await createPostgresStore({ connectionString: u.toString(), poolSize: 1, maintenanceIntervalMs: 0 });
  await store.close();
  return name;
}

async function resolveServer(shared: Shared): Promise<string | null> {
  const source = postgresSource();
  if (source.kind === 'url') return source.url;
  if (source.kind === 'none') {
    if (process.env.CI === 'true') throw new Error(`PostgreSQL tests cannot run under CI=true: ${source.why}`);
    banner([
      'POSTGRESQL TESTS ARE SKIPPED',
      source.why,
      'install PostgreSQL (apt-get install postgresql) or set TRAILKEEP_TEST_PG_URL=postgres://…',
    ]);
    return null;
  }
  const { bin } = source;
  for (const dir of reapOrphans(bin)) console.warn(`stopped a PostgreSQL left by an interrupted test run: ${dir}`);
  shared.server = await startThrowawayPostgres(bin);
  // Vitest exits through process.exit on Ctrl-C and SIGTERM (a CI timeout): the server stops with
  // it. Only a SIGKILLed run leaves it behind, for the next run's reapOrphans.
  const server = shared.server;
  process.once('exit', () => server.stopNow());
  return shared.server.url;
}

async function prepare(shared: Shared): Promise<{ url: string; template: string } | null> {
  const url = await resolveServer(shared);
  return url === null ? null : { url, template: await createTemplate(url) };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let shared = registry[KEY];
  if (shared === undefined) {
    const created: Shared = { users: 0, ready: Promise.resolve(null) };
    created.ready = prepare(created);
    shared = registry[KEY] = created;
  }
  shared.users += 1;
  const ready = await shared.ready;
  project.provide('pgUrl', ready?.url ?? null);
  project.provide('pgTemplate', ready?.template ?? null);
  const mine = shared;
  return async () => {
    mine.users -= 1;
    if (mine.users > 0) return;
    registry[KEY] = undefined;
    if (ready !== null) await adminQuery(ready.url, `DROP DATABASE IF EXISTS ${ready.template} WITH (FORCE)`);
    await mine.server?.stop();
  };
}
