/**
 * A minimal keep-alive HTTP client for the setup, load and query phases. node:http rather than
 * fetch: fewer layers between the timer and the socket, and the same behaviour on every Node 20.
 */
import { Agent, request } from 'node:http';
import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import { ADMIN_KEY } from './server-process.js';

const TIMEOUT_MS = 120_000;

export function createClient(baseUrl, key, { connections = 4 } = {}) {
  // Reused sockets: we time the server's work, not TCP handshakes.
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const { hostname, port } = new URL(baseUrl);

  /** Resolves with { status, text, ms }; ms runs from sending the request to the last body byte. */
  function send(method, path, body) {
    const payload =
      body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const headers = { authorization: `Bearer ${key}` };
    if (payload) Object.assign(headers, { 'content-type': 'application/json', 'content-length': payload.length });
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const req = request({ agent, hostname, port, method, path, headers, timeout: TIMEOUT_MS }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            text: Buffer.concat(chunks).toString('utf8'),
            ms: performance.now() - started,
          }),
        );
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${TIMEOUT_MS} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  return {
    get: (path) => send('GET', path),
    post: (path, body) => send('POST', path, body),
    close: () => agent.destroy(),
  };
}

/** Creates a tenant and a read/write key for it; returns the key. */
export async function createTenantKey(baseUrl, tenantId) {
  const admin = createClient(baseUrl, ADMIN_KEY, { connections: 1 });
  try {
    const tenant = await admin.post('/v1/tenants', { id: tenantId, name: tenantId });
    if (tenant.status !== 201) throw new Error(`creating tenant: HTTP ${tenant.status} ${tenant.text}`);
    const key = await admin.post('/v1/keys', { tenant_id: tenantId, scopes: ['events:write', 'events:read'] });
    if (key.status !== 201) throw new Error(`creating key: HTTP ${key.status} ${key.text}`);
    return JSON.parse(key.text).key;
  } finally {
    admin.close();
  }
}
