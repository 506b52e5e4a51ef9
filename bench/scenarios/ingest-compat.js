/**
 * ingest-compat-auditr / ingest-compat-records: one event per request through a compatibility
 * surface (docs/COMPATIBILITY.md), each on a fresh server and database. Both answer with the
 * committed event, like ingest-sync-single, which is the figure to compare them with (bench/run.js
 * gives each as a ratio to it).
 *
 * The events come from the same client as lib/ingest-body.js's (a public IP, a browser's user
 * agent), so all three pay for the same geo-IP and user-agent enrichment: auditr carries them in
 * `client_ip` and its `user_agent` extension field; a record has no such fields (the caller is the
 * client), so its requests send the User-Agent header and X-Forwarded-For, and its server trusts
 * the loopback proxy (TRAILKEEP_TRUST_PROXY=loopback), as behind a reverse proxy.
 */
import { BENCH_CLIENT } from '../lib/ingest-body.js';
import { createClient, createTenantKey } from '../lib/http-client.js';
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
  client_ip: BENCH_CLIENT.ip,
  request_method: 'PUT',
  request_path: '/documents/doc_1',
  response_status: 200,
  occurred_at: '2025-01-15T10:00:00Z',
  user_agent: BENCH_CLIENT.userAgent,
});

const RECORDS_BODY = JSON.stringify({
  event_type: 'document.update',
  summary: NOTE,
  application_key: 'docs',
  entity_type: 'document',
  entity_id: 'doc_1',
  params: { note: NOTE },
});

const RECORDS_HEADERS = { 'user-agent': BENCH_CLIENT.userAgent, 'x-forwarded-for': BENCH_CLIENT.ip };

/** A problem unless the newest stored event was enriched with geo and user agent, as intended. */
async function enrichmentProblems(url, key) {
  const client = createClient(url, key, { connections: 1 });
  let enrichment;
  try {
    const res = await client.get('/v1/events?limit=1');
    if (res.status !== 200) return [`reading back an event: HTTP ${res.status} ${res.text}`];
    enrichment = JSON.parse(res.text).data?.[0]?.enrichment;
  } finally {
    client.close();
  }
  const problems = [];
  if (!enrichment?.geo?.city) problems.push(`events were not geo-enriched (${JSON.stringify(enrichment)})`);
  if (!enrichment?.user_agent?.name) problems.push(`user agents were not parsed (${JSON.stringify(enrichment)})`);
  return problems;
}

async function ingestCompat({ config }, { path, body, headers = {}, env = {} }) {
  return withTempDir('ingest-compat', (dataDir) =>
    withServer(
      () => startTrailkeep(dataDir, env),
      async (server) => {
        const key = await createTenantKey(server.url, TENANT);
        const raw = await loadTest({
          url: server.url,
          path,
          headers: { authorization: `Bearer ${key}`, ...headers },
          makeBody: () => body,
          connections: config.connections,
          duration: config.duration,
          warmup: config.warmup,
        });
        const figures = loadTestFigures(raw);
        const problems = loadTestProblems(figures);
        const unexpected = Object.keys(raw.statusCodeStats).filter((code) => code !== '200');
        if (unexpected.length > 0) problems.push(`expected only HTTP 200, got ${unexpected.join(', ')}`);
        problems.push(...(await enrichmentProblems(server.url, key)));
        return { figures, problems, raw };
      },
    ),
  );
}

export const runAuditr = (ctx) => ingestCompat(ctx, { path: '/api/events', body: AUDITR_BODY });
export const runRecords = (ctx) =>
  ingestCompat(ctx, {
    path: '/api/audit-trail/records',
    body: RECORDS_BODY,
    headers: RECORDS_HEADERS,
    env: { TRAILKEEP_TRUST_PROXY: 'loopback' },
  });
