import { defineConfig } from 'vitest/config';
import { postgresSource } from './packages/server/test/helpers/pg-server.js';

/**
 * Whether the global setup can provide PostgreSQL, by the very rule it uses (postgresSource):
 * without it, and outside CI, the `postgres` project is left out and the PostgreSQL suites of the
 * default project skip, after the global setup's loud banner. Under CI=true the project stays, so
 * the setup fails the run instead of skipping.
 */
function postgresAvailable(): boolean {
  return process.env.CI === 'true' || postgresSource().kind !== 'none';
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
  'cli-admin',
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
