/**
 * ingest-compat-auditr / ingest-compat-records: one event per request through a compatibility
 * surface (docs/COMPATIBILITY.md), each on a fresh server and database. Both answer with the
 * committed event, like ingest-sync-single, which is the figure to compare them with.
 */
import { createTenantKey } from '../lib/http-client.js';
import { loadTest, loadTestFigures, loadTestProblems } from '../lib/load-test.js';
import { startTrailkeep, withServer } from '../lib/server-process.js';
import { withTempDir } from '../lib/temp-dir.js';

const TENANT = 'bench';
const NOTE = 'quarterly budget draft shared with the finance team for review';

// The same event as lib/ingest-body.js, in each surface's words. Neither surface has client ids,
// so a constant body is a new event every time.
const AUDITR_BODY = JSON.stringify({
  org_id: TENANT,
  action: 'document.update',
  action_result: 'success',
  actor_id: 'user_1',
  actor_type: 'user',
  actor_email: 'a@example.org',
  client_ip: '203.0.113.9',
  request_method: 'PUT',
  request_path: '/documents/doc_1',
  response_status: 200,
  occurred_at: '2025-01-15T10:00:00Z',
});

const RECORDS_BODY = JSON.stringify({
  event_type: 'document.update',
  summary: NOTE,
  application_key: 'docs',
  entity_type: 'document',
  entity_id: 'doc_1',
  params: { note: NOTE },
});

async function ingestCompat({ config }, path, body) {
  return withTempDir('ingest-compat', (dataDir) =>
    withServer(
      () => startTrailkeep(dataDir),
      async (server) => {
        const key = await createTenantKey(server.url, TENANT);
        const raw = await loadTest({
          url: server.url,
          path,
          headers: { authorization: `Bearer ${key}` },
          makeBody: () => body,
          connections: config.connections,
          duration: config.duration,
          warmup: config.warmup,
        });
        const figures = loadTestFigures(raw);
        const problems = loadTestProblems(figures);
        const unexpected = Object.keys(raw.statusCodeStats).filter((code) => code !== '200');
        if (unexpected.length > 0) problems.push(`expected only HTTP 200, got ${unexpected.join(', ')}`);
        return { figures, problems, raw };
      },
    ),
  );
}

export const runAuditr = (ctx) => ingestCompat(ctx, '/api/events', AUDITR_BODY);
export const runRecords = (ctx) => ingestCompat(ctx, '/api/audit-trail/records', RECORDS_BODY);
