/**
 * Limits and invariants every canonical event obeys, whatever surface it came through.
 * Surface schemas reuse these limits so a field is never accepted by one path and refused by another.
 */
import { isCommitment } from '@trailkeep/tlog';
import type { EventBody } from './event.js';
import { TrailkeepError } from './errors.js';
import { normalizeTimestamp } from './time.js';

export const EVENT_LIMITS = {
  idLength: 128,
  actionLength: 128,
  shortText: 128,
  categoryLength: 64,
  summaryLength: 1024,
  textLength: 2048,
  errorMessageLength: 4096,
  metadataBytes: 32 * 1024,
  /** Each free-form value (metadata, context.http.query, .headers, .body): bytes as JSON. */
  freeFormBytes: 32 * 1024,
  /** Deepest nesting of objects and arrays in a free-form value (the value itself is level 1). */
  freeFormDepth: 32,
  /** Largest number of events in one batch request. */
  batchEvents: 1000,
} as const;

/** Dot notation: segments of letters, digits, `_` and `-`, joined by dots (`document.delete`). */
export const ACTION_PATTERN = '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$';
/** Ids are opaque but printable, so they are safe in URLs and logs. */
export const ID_PATTERN = '^[A-Za-z0-9._:@-]+$';

const utf8Length = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Members of the canonical body that hold any JSON a client sends; no schema bounds their shape. */
const FREE_FORM_FIELDS = ['metadata', 'context.http.query', 'context.http.headers', 'context.http.body'] as const;
const FREE_FORM_PATHS = FREE_FORM_FIELDS.map((field) => ({ field, keys: field.split('.') }));

/** Strings without lone surrogates, for JSON schemas (Ajv compiles patterns with the `u` flag). */
export const WELL_FORMED_PATTERN = '^\\P{Cs}*$';

/** Where the walk is: the keys (and array indices) from the body down. */
type JsonPath = Array<string | number>;

/** True when `path` leads to a free-form member (plain loops: this runs for every shallow key). */
function isFreeFormRoot(path: JsonPath): boolean {
  next: for (const { keys } of FREE_FORM_PATHS) {
    if (keys.length !== path.length) continue;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== path[i]) continue next;
    return true;
  }
  return false;
}

function invalid(path: JsonPath, problem: string): TrailkeepError {
  const field = path.join('.');
  return new TrailkeepError('TK_ERR_VALIDATION', `${field || 'body'} ${problem}`, field === '' ? {} : { field });
}

/**
 * Refuses what JSON.parse lets through but the sealed log cannot hold (RFC 8785 canonical JSON is
 * I-JSON, RFC 7493): numbers beyond IEEE 754 doubles (`1e400` parses as Infinity) and strings
 * with lone surrogates (`"\ud800"`), in keys as well as values; and objects shaped like a sealed
 * commitment (`{"_sd": "…"}`) where the log seals (object members, not array items), which would
 * read back as "erased" rather than as what the client sent. It also bounds the nesting of
 * free-form values before anything recursive (JSON.stringify, canonicalization, searchText) walks
 * them, so a deep value is a 400 naming that member rather than a stack overflow. `depth` counts
 * from 1 at each free-form member (the fixed part of the body is at most three levels deep);
 * `root` is how many keys of `path` lead to that member (0 outside any). Runs once per ingested
 * event, so it is the one walk of the body and allocates nothing on the way but the path.
 */
function checkJsonValues(value: unknown, path: JsonPath, depth: number, root: number): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalid(path, 'must be a finite number (at most ~1.8e308)');
  } else if (typeof value === 'string') {
    if (!value.isWellFormed()) throw invalid(path, 'must be valid Unicode (no lone surrogates)');
  } else if (typeof value === 'object' && value !== null) {
    if (path.length > 0 && isCommitment(value) && path.every((key) => typeof key === 'string')) {
      throw invalid(path, 'is an object whose only member is _sd, which is reserved for sealed values');
    }
    if (depth > EVENT_LIMITS.freeFormDepth) {
      throw invalid(
        root > 0 ? path.slice(0, root) : path,
        `must not nest more than ${EVENT_LIMITS.freeFormDepth} levels`,
      );
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) checkMember(value[i], path, i, depth, root);
    } else {
      for (const key of Object.keys(value))
        checkMember((value as Record<string, unknown>)[key], path, key, depth, root);
    }
  }
}

function checkMember(child: unknown, path: JsonPath, key: string | number, depth: number, root: number): void {
  path.push(key);
  if (typeof key === 'string' && !key.isWellFormed()) throw invalid(path, 'is a key that is not valid Unicode');
  if (path.length <= 3 && isFreeFormRoot(path)) checkJsonValues(child, path, 1, path.length);
  else checkJsonValues(child, path, depth + 1, root);
  path.pop();
}

function memberAt(body: EventBody, keys: readonly string[]): unknown {
  let node: unknown = body;
  for (const key of keys) node = (node as Record<string, unknown> | undefined)?.[key];
  return node;
}

/** Each free-form value is at most 32 KiB as JSON; metadata keeps its own, older, error code. */
function checkFreeFormSizes(body: EventBody): void {
  for (const { field, keys } of FREE_FORM_PATHS) {
    const value = memberAt(body, keys);
    if (value === undefined || utf8Length(JSON.stringify(value)) <= EVENT_LIMITS.freeFormBytes) continue;
    const detail = `${field} must be at most ${EVENT_LIMITS.freeFormBytes} bytes as JSON`;
    const code = field === 'metadata' ? 'TK_ERR_METADATA_TOO_LARGE' : 'TK_ERR_VALIDATION';
    throw new TrailkeepError(code, detail, { field });
  }
}

/**
 * Checks what a JSON schema cannot: real calendar dates, values canonical JSON can hold, the depth
 * and serialised size of free-form values, and that no client value mimics a sealed commitment.
 * Returns the body with occurred_at normalised; throws TrailkeepError naming the field.
 */
export function checkEventBody(
  body: EventBody,
  fieldNames: { occurredAt: string } = { occurredAt: 'occurred_at' },
): EventBody {
  const occurredAt = normalizeTimestamp(body.occurred_at);
  if (occurredAt === undefined) {
    throw new TrailkeepError('TK_ERR_INVALID_TIMESTAMP', `${fieldNames.occurredAt} must be an RFC 3339 date-time`, {
      field: fieldNames.occurredAt,
    });
  }
  checkJsonValues(body, [], 0, 0);
  checkFreeFormSizes(body);
  // Stored as they are in indexed columns (PostgreSQL text cannot hold U+0000): surfaces whose
  // schemas allow any text here (auditr's action) would otherwise fail in the database.
  for (const field of ['id', 'action'] as const) {
    if (body[field].includes('\u0000')) throw invalid([field], 'must not contain U+0000');
  }
  return { ...body, occurred_at: occurredAt };
}
