/**
 * The applications registry of seed 001: CRUD for the native /v1/applications API, and the lookup
 * a records request makes, which registers unknown applications and counts new params keys.
 * A records request writes to the registry only when it brings something new, so steady ingest
 * of known applications and params costs no write beyond the event itself.
 */
import { v7 as uuidv7 } from 'uuid';
import {
  DEFAULT_APPLICATION_KEY,
  type Application,
  type ApplicationChanges,
  type ApplicationRecord,
} from './application.js';
import { TrailkeepError } from './errors.js';
import type { AuditStore } from '../storage/port.js';

type Store = Pick<
  AuditStore,
  'listApplications' | 'getApplication' | 'getApplicationById' | 'putApplication' | 'registerApplicationUse'
>;

/** How a record names its application (either, both, or neither: then the default one). */
export interface ApplicationRef {
  id?: string | undefined;
  key?: string | undefined;
}

interface CacheEntry {
  application: Application;
  /** params keys known to be recorded for this application. */
  params: Set<string>;
  expires: number;
}

const CACHE_LIMIT = 10_000;

export type ApplicationService = ReturnType<typeof createApplicationService>;

export function createApplicationService(deps: {
  store: Store;
  now?: () => Date;
  /** How long a looked-up application is trusted; other processes may change it meanwhile. */
  cacheTtlMs?: number;
}) {
  const { store } = deps;
  const now = (): string => (deps.now ?? (() => new Date()))().toISOString();
  const ttl = deps.cacheTtlMs ?? 5_000;
  const cache = new Map<string, CacheEntry>();
  // An application's id and key never change, so what an id names is remembered for good.
  const keysById = new Map<string, string>();
  const cacheKey = (tenantId: string, key: string): string => `${tenantId}\u0000${key}`;

  function remember(application: Application, params: Iterable<string>): void {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(cacheKey(application.tenantId, application.key), {
      application,
      params: new Set(params),
      expires: Date.now() + ttl,
    });
  }

  function notFound(what: string, field: string): TrailkeepError {
    return new TrailkeepError('TK_ERR_APPLICATION_NOT_FOUND', `application ${what} does not exist`, { field });
  }

  async function keyOf(tenantId: string, ref: ApplicationRef): Promise<string> {
    if (ref.id === undefined) return ref.key ?? DEFAULT_APPLICATION_KEY;
    const idKey = cacheKey(tenantId, ref.id);
    let key = keysById.get(idKey);
    if (key === undefined) {
      const byId = await store.getApplicationById(tenantId, ref.id);
      if (!byId) throw notFound(ref.id, 'application_id');
      key = byId.key;
      if (keysById.size >= CACHE_LIMIT) keysById.clear();
      keysById.set(idKey, key);
    }
    if (ref.key !== undefined && ref.key !== key) {
      throw new TrailkeepError('TK_ERR_VALIDATION', `application_id ${ref.id} is not application ${ref.key}`, {
        field: 'application_key',
      });
    }
    return key;
  }

  function fresh(tenantId: string, key: string, changes: ApplicationChanges = {}): ApplicationRecord {
    const at = now();
    return {
      id: `app_${uuidv7()}`,
      tenantId,
      key,
      name: changes.name ?? key,
      description: changes.description ?? null,
      accentColor: changes.accentColor ?? null,
      createdAt: at,
      updatedAt: at,
    };
  }

  return {
    list: (tenantId: string): Promise<Application[]> => store.listApplications(tenantId),

    async get(tenantId: string, key: string): Promise<Application> {
      const application = await store.getApplication(tenantId, key);
      if (!application) throw notFound(key, 'key');
      return application;
    },

    /** Creates the application or changes the given fields of the existing one. */
    async save(
      tenantId: string,
      key: string,
      changes: ApplicationChanges,
    ): Promise<{ application: Application; created: boolean }> {
      const current = await store.getApplication(tenantId, key);
      const record: ApplicationRecord = current
        ? {
            ...current,
            name: changes.name ?? current.name,
            description: changes.description === undefined ? current.description : changes.description,
            accentColor: changes.accentColor === undefined ? current.accentColor : changes.accentColor,
            updatedAt: now(),
          }
        : fresh(tenantId, key, changes);
      const saved = await store.putApplication(record);
      cache.delete(cacheKey(tenantId, key));
      return saved;
    },

    /**
     * The application a record belongs to, registered if its key is new, with the record's
     * params keys counted. An unknown application_id is an error: ids are ours to give.
     */
    async forRecord(tenantId: string, ref: ApplicationRef, paramNames: readonly string[]): Promise<Application> {
      const key = await keyOf(tenantId, ref);
      const hit = cache.get(cacheKey(tenantId, key));
      if (hit && hit.expires > Date.now() && paramNames.every((p) => hit.params.has(p))) return hit.application;
      const application = await store.registerApplicationUse(fresh(tenantId, key), paramNames);
      remember(application, hit && hit.expires > Date.now() ? [...hit.params, ...paramNames] : paramNames);
      return application;
    },
  };
}
