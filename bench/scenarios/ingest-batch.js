/** ingest-batch-100: 100 events per request on a fresh server; every item must be accepted. */
import { batchBody } from '../lib/ingest-body.js';
import { createTenantKey } from '../lib/http-client.js';
import { loadTest, loadTestFigures, loadTestProblems } from '../lib/load-test.js';
import { startTrailkeep, withServer } from '../lib/server-process.js';
import { withTempDir } from '../lib/temp-dir.js';

// The answer starts {"accepted":N,"rejected":N,…}: a regex on the head avoids parsing ~100 KB per response.
const NONE_REJECTED = /^\{"accepted":\d+,"rejected":0,/;

export async function run({ config }) {
  const size = config.batchSize;
  return withTempDir('batch', (dataDir) =>
    withServer(
      () => startTrailkeep(dataDir),
      async (server) => {
        const key = await createTenantKey(server.url, 'bench');
        const raw = await loadTest({
          url: server.url,
          path: '/v1/events/batch',
          headers: { authorization: `Bearer ${key}` },
          makeBody: () => batchBody(size),
          connections: config.batchConnections,
          duration: config.duration,
          warmup: config.warmup,
          verifyBody: (body) => NONE_REJECTED.test(body),
        });
        const figures = { ...loadTestFigures(raw, size), eventsPerRequest: size };
        return { figures, problems: loadTestProblems(figures, 'response with rejected > 0'), raw };
      },
    ),
  );
}
