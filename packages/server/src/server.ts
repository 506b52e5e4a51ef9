/** Runs the HTTP server: open storage, wire services, listen, and shut down without losing writes. */
import type { FastifyInstance } from 'fastify';
import type { Config } from './config/config.js';
import { CLI_PRINCIPAL } from './domain/admin-service.js';
import { buildApp } from './http/app.js';
import { trustProxyOption } from './http/trust-proxy.js';
import { assertCheckpointKeyMatches } from './config/checkpoint-key.js';
import { createServices, type Services } from './services.js';
import { openStore } from './storage/open-store.js';

export interface RunningServer {
  app: FastifyInstance;
  /** http://host:port the server listens on. */
  url: string;
  /** Stops accepting, finishes every acknowledged write, closes storage. Idempotent. */
  close(): Promise<void>;
}

/** On a first start with no keys and no TRAILKEEP_ADMIN_KEY, makes an admin key to print once. */
async function bootstrapAdminKey(services: Services, config: Config): Promise<string | undefined> {
  if (config.adminKey !== undefined || (await services.store.countActiveApiKeys()) > 0) return undefined;
  const { key } = await services.admin.createKey(CLI_PRINCIPAL, {
    tenantId: null,
    scopes: ['admin'],
    name: 'bootstrap admin',
  });
  return key;
}

/**
 * Stops accepting and lets in-flight requests finish and get their answers. Keep-alive
 * connections that go idle after a request completed are closed as they appear (Node closes only
 * the ones idle at the moment close starts); a hard deadline bounds the wait.
 */
async function closeHttp(app: FastifyInstance, deadlineMs = 30_000): Promise<void> {
  const reaper = setInterval(() => app.server.closeIdleConnections(), 50);
  const deadline = setTimeout(() => app.server.closeAllConnections(), deadlineMs);
  try {
    await app.close();
  } finally {
    clearInterval(reaper);
    clearTimeout(deadline);
  }
}

/** The checkpoint key, printed at start: each tenant's vkey is its origin, the key id, and this key. */
async function checkpointKeyLines(services: Services, config: Config): Promise<string[]> {
  const [tenant] = await services.store.listTenants();
  const origin = tenant?.logOrigin ?? `${config.logOrigin}/t/<tenant>`;
  const vkey = services.checkpointKey.verifierKey(origin);
  // name+keyid+key: the name and the key id hold no '+'; the base64 key may.
  const keyPart = vkey.slice(vkey.indexOf('+', vkey.indexOf('+') + 1) + 1);
  return [
    `Checkpoint key (Ed25519): ${keyPart}`,
    `  each tenant's vkey is <origin>+<key id>+<key>, e.g. ${vkey} (GET /v1/log/key serves it)`,
  ];
}

export async function startServer(config: Config, print: (line: string) => void = console.log): Promise<RunningServer> {
  const store = await openStore(config);
  const services = createServices(store, config);
  const bootKey = await bootstrapAdminKey(services, config);
  // The geo database is read once, before listening: a bad TRAILKEEP_GEOIP_DB stops the start.
  await services.enricher.ready();
  // A process signing with another key than the rest of the installation stops here.
  await assertCheckpointKeyMatches(store, services.checkpointKey, services.checkpointKeySource);
  const app = await buildApp(services, {
    logger: { level: config.logLevel },
    trustProxy: trustProxyOption(config.trustProxy),
  });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  if (bootKey !== undefined) {
    print('First start: created an admin API key. It is shown only this once; store it safely:');
    print(`  ${bootKey}`);
    print('');
  }
  print(`Trailkeep listening on ${url} (storage: ${store.capabilities.name}, data: ${config.dataDir})`);
  print(`API docs: ${url}/docs`);
  print(`Geo-IP: ${services.enricher.geoSource() ?? 'off'}`);
  for (const line of await checkpointKeyLines(services, config)) print(line);
  await services.integrator.start();

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      services.beginShutdown();
      await closeHttp(app);
      await services.sequencer.drain();
      await services.batchPreparer.close();
      await services.integrator.close();
      await store.close();
    })();
    return closing;
  };
  return { app, url, close };
}
