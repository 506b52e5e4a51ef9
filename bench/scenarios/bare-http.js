/** bare-http: the machine's HTTP ceiling, with the same client, body and connections as single ingest. */
import { singleEventBody } from '../lib/ingest-body.js';
import { loadTest, loadTestFigures, loadTestProblems } from '../lib/load-test.js';
import { startBareServer, withServer } from '../lib/server-process.js';

export async function run({ config }) {
  return withServer(startBareServer, async (server) => {
    const raw = await loadTest({
      url: server.url,
      path: '/v1/events',
      makeBody: singleEventBody,
      connections: config.connections,
      duration: config.duration,
      warmup: config.warmup,
    });
    const figures = loadTestFigures(raw);
    return { figures, problems: loadTestProblems(figures), raw };
  });
}
