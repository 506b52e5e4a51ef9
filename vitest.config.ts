import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * Whether the global setup can provide PostgreSQL (its rules, in short): without it, and outside
 * CI, the `postgres` project is left out and the PostgreSQL suites skip with a loud message.
 */
function postgresAvailable(): boolean {
  const { TRAILKEEP_TEST_PG_URL: url, TRAILKEEP_TEST_PG_BIN: bin, CI } = process.env;
  if (url || CI === 'true') return true;
  if (bin) return existsSync(join(bin, 'initdb'));
  const root = '/usr/lib/postgresql';
  return existsSync(root) && readdirSync(root).some((v) => existsSync(join(root, v, 'bin', 'initdb')));
}

const shared = {
  testTimeout: 30_000,
  hookTimeout: 60_000,
  // One throwaway PostgreSQL server for the whole run (or TRAILKEEP_TEST_PG_URL).
  globalSetup: ['packages/server/test/helpers/pg-global-setup.ts'],
};

/** HTTP and process tests that run a second time with PostgreSQL as their store. */
const POSTGRES_AGAIN = [
  'events-ingest',
  'events-query',
  'tenant-isolation',
  'server-process',
  'log-api',
  'log-process',
  'exports-api',
  'erasures-api',
  'tree-integrator',
].map((name) => `packages/server/test/${name}.test.ts`);

export default defineConfig({
  test: {
    // Prints each conformance suite's driver and test counts at the end of the run.
    reporters: ['default', './packages/server/test/helpers/conformance-reporter.ts'],
    projects: [
      { test: { ...shared, name: 'default', include: ['packages/*/test/**/*.test.ts'] } },
      ...(postgresAvailable()
        ? [
            {
              test: {
                ...shared,
                name: 'postgres',
                include: POSTGRES_AGAIN,
                env: { TRAILKEEP_TEST_DRIVER: 'postgres' },
              },
            },
          ]
        : []),
    ],
  },
});
