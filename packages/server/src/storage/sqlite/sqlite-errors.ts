import { TrailkeepError, isTrailkeepError } from '../../domain/errors.js';

/** SQLite result codes that mean "the database cannot take this now", not "your input is bad". */
const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|CORRUPT|NOTADB)/;

/**
 * Maps native SQLite errors to domain errors; domain errors pass through. Anything unrecognised is
 * an internal error whose native cause is kept for the log, so no driver error leaves the driver.
 */
export function translateSqliteError(error: unknown): TrailkeepError {
  if (isTrailkeepError(error)) return error;
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (typeof code === 'string' && UNAVAILABLE.test(code)) {
    return new TrailkeepError('TK_ERR_UNAVAILABLE', `database unavailable (${code})`, { retryAfter: 1 });
  }
  return new TrailkeepError('TK_ERR_INTERNAL', 'internal storage error; see the server log', { cause: error });
}
