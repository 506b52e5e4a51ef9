/**
 * The one place where PostgreSQL and socket errors become domain errors. Everything that means
 * "the database cannot take this now" (connection lost or refused, failover, lock or statement
 * timeout, deadlock, serialization failure, out of resources) is TK_ERR_UNAVAILABLE with a
 * Retry-After, so clients retry with the same event ids (idempotent) instead of seeing a 500.
 * Anything unknown is TK_ERR_INTERNAL (a 500), never the native error itself.
 */
import { TrailkeepError, isTrailkeepError } from '../../domain/errors.js';

/** SQLSTATE classes (first two characters) that are transient or operational, never input errors. */
const UNAVAILABLE_CLASSES = new Set([
  '08', // connection exception
  '53', // insufficient resources: disk full, out of memory, too many connections
  '57', // operator intervention: admin shutdown, crash shutdown, cannot connect now, statement timeout
  '58', // system error: I/O
  '40', // transaction rollback: serialization failure, deadlock detected
]);

const UNAVAILABLE_STATES = new Set([
  '55P03', // lock_not_available (lock_timeout)
  '25006', // read_only_sql_transaction: connected to a standby, e.g. during a failover
  '3D000', // invalid_catalog_name: the database does not exist (yet)
]);

/** Node socket errors of a connection that failed or broke. */
const SOCKET_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** pg reports a dropped or unusable connection with these messages and no code. */
const BROKEN_CONNECTION =
  /Connection terminated|connection error|timeout exceeded when trying to connect|Client was closed|not queryable/i;

/** Constraint violations that race with the domain's own checks (two servers creating one tenant). */
const CONSTRAINT_ERRORS: Record<string, () => TrailkeepError> = {
  tenants_pkey: () => new TrailkeepError('TK_ERR_TENANT_EXISTS', 'tenant already exists', { field: 'id' }),
  tenants_parent_id_fkey: () =>
    new TrailkeepError('TK_ERR_PARENT_NOT_FOUND', 'parent tenant does not exist', { field: 'parent_id' }),
  api_keys_tenant_id_fkey: () =>
    new TrailkeepError('TK_ERR_TENANT_NOT_FOUND', 'tenant does not exist', { field: 'tenant_id' }),
  log_heads_tenant_id_fkey: () => new TrailkeepError('TK_ERR_TENANT_NOT_FOUND', 'tenant does not exist'),
};

interface NativeError {
  code?: unknown;
  constraint?: unknown;
  table?: unknown;
  message?: unknown;
}

function unavailable(reason: string): TrailkeepError {
  return new TrailkeepError('TK_ERR_UNAVAILABLE', `database unavailable (${reason})`, { retryAfter: 1 });
}

/**
 * A native error no rule here knows: a bug, or a state nobody planned for. It is a 500 with a
 * detail that says nothing about SQL; the native error rides along as `cause` for the server log.
 */
function internal(error: unknown): TrailkeepError {
  return new TrailkeepError('TK_ERR_INTERNAL', 'internal storage error; see the server log', { cause: error });
}

/**
 * An insert routed to events_default while maintenance created the row's month: PostgreSQL routed
 * the row before the partition existed and re-checks the default partition's (now narrower) bound
 * once it gets its lock. Retrying routes the row to the new month.
 */
function routedBeforeNewPartition({ code, table, message }: NativeError): boolean {
  return (
    code === '23514' &&
    table === 'events_default' &&
    typeof message === 'string' &&
    message.includes('violates partition constraint')
  );
}

/** True when the error means the connection itself is unusable and must not go back to the pool. */
export function isConnectionLost(error: unknown): boolean {
  const { code, message } = (error ?? {}) as NativeError;
  if (typeof code === 'string' && (SOCKET_ERRORS.has(code) || code.startsWith('08') || code.startsWith('57P'))) {
    return true;
  }
  return typeof message === 'string' && BROKEN_CONNECTION.test(message);
}

/** The domain error a native error stands for, when one of the rules above knows it. */
function knownError(error: unknown): TrailkeepError | undefined {
  const native = (error ?? {}) as NativeError;
  const { code, constraint, message } = native;
  if (typeof code === 'string') {
    if (SOCKET_ERRORS.has(code) || UNAVAILABLE_STATES.has(code) || UNAVAILABLE_CLASSES.has(code.slice(0, 2))) {
      return unavailable(code);
    }
    if (routedBeforeNewPartition(native)) return unavailable('partition created concurrently');
    if ((code === '23505' || code === '23503') && typeof constraint === 'string') {
      const mapped = CONSTRAINT_ERRORS[constraint];
      if (mapped) return mapped();
    }
  }
  if (typeof message === 'string' && BROKEN_CONNECTION.test(message)) return unavailable('connection lost');
  return undefined;
}

/**
 * Maps native errors to domain errors; domain errors pass through. Whatever else comes out of pg
 * is TK_ERR_INTERNAL with the native error as its cause, so no pg type leaves this folder.
 */
export function translatePgError(error: unknown): TrailkeepError {
  if (isTrailkeepError(error)) return error;
  return knownError(error) ?? internal(error);
}

/** Errors while acquiring a connection: whatever the cause, the database cannot be reached. */
export function translateConnectError(error: unknown): TrailkeepError {
  if (isTrailkeepError(error)) return error;
  const known = knownError(error);
  if (known) return known;
  const { code } = (error ?? {}) as NativeError;
  return unavailable(typeof code === 'string' ? code : 'cannot connect');
}
