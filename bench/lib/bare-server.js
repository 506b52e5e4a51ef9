/**
 * The HTTP ceiling: a plain node:http server doing the least an ingest endpoint must do (read the
 * whole body, answer 202 with a little JSON). Run as a child process by the `bare-http` scenario.
 */
import { createServer } from 'node:http';

const RESPONSE = JSON.stringify({ status: 'accepted' });

const server = createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(202, { 'content-type': 'application/json; charset=utf-8', 'content-length': RESPONSE.length });
    res.end(RESPONSE);
  });
});

server.listen(0, '127.0.0.1', () => {
  console.log(`bare-server listening on http://127.0.0.1:${server.address().port}`);
});

process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
