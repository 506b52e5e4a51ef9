/**
 * Builds a real app over a real store (a SQLite file in a temp dir, or a PostgreSQL database of
 * its own: see test-storage.ts), with tenants and keys ready to use.
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { loadConfig, type Config } from '../../src/config/config.js';
import { CLI_PRINCIPAL } from '../../src/domain/admin-service.js';
import type { Scope } from '../../src/domain/tenancy.js';
import { buildApp } from '../../src/http/app.js';
import { createServices, type Services } from '../../src/services.js';
import type { AuditStore } from '../../src/storage/port.js';
import { createTestStorage, type TestDriver, type TestStorage } from './test-storage.js';

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  store: AuditStore;
  /** Where the store lives; `storage.verifyChain` checks a chain on either driver. */
  storage: TestStorage;
  dataDir: string;
  dbPath: string;
  /** Installation admin key. */
  adminKey: string;
  /** Creates a tenant (optionally below a parent) and returns a key for it. */
  tenantWithKey(id: string, scopes?: Scope[], parentId?: string): Promise<string>;
  /** Injects a request with a key in Authorization: Bearer. */
  call(key: string | undefined, options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** The built batch worker: apps under test prepare batches on a worker thread, as the server does. */
const BATCH_WORKER = new URL('../../dist/http/native/batch-items.worker.js', import.meta.url);

export async function createTestApp(
  overrides: Partial<Config> = {},
  options: { driver?: TestDriver } = {},
): Promise<TestApp> {
  const storage = await createTestStorage(options.driver);
  const config: Config = { ...loadConfig({}, { dataDir: storage.dataDir }), batchWindowMs: 0, ...overrides };
  const dbPath = storage.dbPath;
  const store = await storage.openStore();
  const services = createServices(store, config, { batchWorkerFile: BATCH_WORKER });
  const app = await buildApp(services);
  const { key: adminKey } = await services.admin.createKey(CLI_PRINCIPAL, { tenantId: null, scopes: ['admin'] });

  return {
    app,
    services,
    store,
    storage,
    dataDir: storage.dataDir,
    dbPath,
    adminKey,
    async tenantWithKey(id, scopes = ['events:write', 'events:read'], parentId) {
      await services.admin.createTenant(CLI_PRINCIPAL, { id, name: id, parentId: parentId ?? null });
      return (await services.admin.createKey(CLI_PRINCIPAL, { tenantId: id, scopes })).key;
    },
    call(key, options) {
      const headers = { ...(options.headers ?? {}) } as Record<string, string>;
      if (key !== undefined) headers.authorization = `Bearer ${key}`;
      return app.inject({ ...options, headers });
    },
    async close() {
      await app.close();
      await services.sequencer.drain();
      await services.batchPreparer.close();
      await services.integrator.close();
      await store.close();
      await storage.remove();
    },
  };
}

/** A minimal valid native event. */
export function sampleEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    action: 'document.update',
    actor: { id: 'user_1', email: 'ada@example.org', name: 'Ada' },
    resource: { type: 'document', id: 'doc_1', name: 'Plan' },
    outcome: 'success',
    ...overrides,
  };
}
