/**
 * The applications registry of seed 001: CRUD for the native /v1/applications API, and the lookup
 * a records request makes, which registers unknown applications and counts new params keys.
 * A records request writes to the registry only when it brings something new, so steady ingest
 * of known applications and params costs no write beyond the event itself.
 *
 * A record is appended to the log first and registered second (`forRecord` finds the application
 * without writing; its `register` runs after the durable append): a record that is refused — by
 * validation, by a full queue (503), by storage — leaves no trace in the registry. The append is
 * the step that cannot be undone, so it goes first; registering is idempotent and can be redone.
 * For that, an application's id is a function of its tenant and key (`applicationId`): the id a
 * record seals is the one its application has, or will have once any record of it or a PUT
 * registers it — also when two first records race, or a crash falls between append and register.
 */
import { v5 as uuidv5 } from 'uuid';
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

/** UUIDv5 namespace of application ids (RFC 9562 §5.5), fixed for good: ids derive from it. */
const APPLICATION_ID_NAMESPACE = '5d8b0a4e-6f1c-4c0e-9a57-2f0d3b7e9c41';

/**
 * The id of the application `key` of a tenant: `app_` and a UUIDv5 of the tenant and key, the
 * same in every process and on every retry. Applications created before ids were derived keep
 * their stored (UUIDv7) ids; the stored id always wins.
 */
export function applicationId(tenantId: string, key: string): string {
  return `app_${uuidv5(`${tenantId}\u0000${key}`, APPLICATION_ID_NAMESPACE)}`;
}

/** The application a record belongs to, found without writing, and how to register its use. */
export interface RecordApplication {
  /** The stored application, or (for a new key) the one `register` creates, with its final id. */
  application: Application;
  /**
   * Registers the application if it is new and counts the record's params keys; writes only when
   * there is something new. Call it once the record is durably appended, and only then.
   * @returns the application as stored afterwards (param_count included).
   */
  register(): Promise<Application>;
}

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
      id: applicationId(tenantId, key),
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
     * The application a record belongs to, without writing anything: the stored one, or the one
     * its first accepted record registers. An unknown application_id is an error: ids are ours
     * to give. `register()` (after the record's durable append) registers and counts params.
     */
    async forRecord(tenantId: string, ref: ApplicationRef, paramNames: readonly string[]): Promise<RecordApplication> {
      const key = await keyOf(tenantId, ref);
      const entry = cache.get(cacheKey(tenantId, key));
      const hit = entry && entry.expires > Date.now() ? entry : undefined;
      if (hit && paramNames.every((p) => hit.params.has(p))) {
        return { application: hit.application, register: () => Promise.resolve(hit.application) };
      }
      const stored = hit?.application ?? (await store.getApplication(tenantId, key));
      if (stored && paramNames.length === 0) {
        return {
          application: stored,
          register: () => {
            remember(stored, []);
            return Promise.resolve(stored);
          },
        };
      }
      // The stored application's own fields (then nothing is created), or a new one.
      const record: ApplicationRecord = stored ?? fresh(tenantId, key);
      return {
        application: stored ?? { ...record, paramCount: 0 },
        async register() {
          const application = await store.registerApplicationUse(record, paramNames);
          remember(application, hit ? [...hit.params, ...paramNames] : paramNames);
          return application;
        },
      };
    },
  };
}
