/** ingest-sync-single / ingest-async-single: one event per request, each on a fresh server and database. */
import { singleEventBody } from '../lib/ingest-body.js';
import { createTenantKey } from '../lib/http-client.js';
import { loadTest, loadTestFigures, loadTestProblems } from '../lib/load-test.js';
import { startTrailkeep, withServer } from '../lib/server-process.js';
import { withTempDir } from '../lib/temp-dir.js';

async function ingestSingle({ config }, sync) {
  return withTempDir('ingest', (dataDir) =>
    withServer(
      () => startTrailkeep(dataDir),
      async (server) => {
        const key = await createTenantKey(server.url, 'bench');
        const raw = await loadTest({
          url: server.url,
          path: sync ? '/v1/events?sync=true' : '/v1/events',
          headers: { authorization: `Bearer ${key}` },
          makeBody: singleEventBody,
          connections: config.connections,
          duration: config.duration,
          warmup: config.warmup,
        });
        const figures = loadTestFigures(raw);
        const problems = loadTestProblems(figures);
        // 201 (sync) and 202 (async) say the event was new; 200 would mean an idempotent replay.
        const expected = sync ? '201' : '202';
        const unexpected = Object.keys(raw.statusCodeStats).filter((code) => code !== expected);
        if (unexpected.length > 0) problems.push(`expected only HTTP ${expected}, got ${unexpected.join(', ')}`);
        return { figures, problems, raw };
      },
    ),
  );
}

export const runSync = (ctx) => ingestSingle(ctx, true);
export const runAsync = (ctx) => ingestSingle(ctx, false);
