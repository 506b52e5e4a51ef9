/**
 * The one registry of Trailkeep error codes. Every error a client can see has a stable code here;
 * the HTTP layer maps each code to a status in one table (http/problem.ts), and
 * docs/errors.md is pinned against this list by a test.
 */
export const ERROR_CODES = {
  TK_ERR_VALIDATION: 'The request does not match the schema',
  TK_ERR_MALFORMED_JSON: 'The body is not valid JSON',
  TK_ERR_BODY_TOO_LARGE: 'The body exceeds the size limit',
  TK_ERR_UNSUPPORTED_MEDIA_TYPE: 'The content type is not supported',
  TK_ERR_INVALID_TIMESTAMP: 'A timestamp is not a valid RFC 3339 date-time',
  TK_ERR_METADATA_TOO_LARGE: 'metadata exceeds its size limit',
  TK_ERR_INVALID_CURSOR: 'The cursor is not valid for this query',
  TK_ERR_UNAUTHENTICATED: 'A valid API key is required',
  TK_ERR_FORBIDDEN: 'The key may not do this',
  TK_ERR_TENANT_REQUIRED: 'An admin key must name the tenant',
  TK_ERR_TENANT_NOT_FOUND: 'The tenant does not exist',
  TK_ERR_TENANT_EXISTS: 'A tenant with this id already exists',
  TK_ERR_PARENT_NOT_FOUND: 'The parent tenant does not exist',
  TK_ERR_EVENT_NOT_FOUND: 'The event does not exist',
  TK_ERR_KEY_NOT_FOUND: 'The API key does not exist',
  TK_ERR_APPLICATION_NOT_FOUND: 'The application does not exist',
  TK_ERR_INVALID_PAGE: 'The page number is past the last page',
  TK_ERR_CHECKPOINT_NOT_FOUND: 'The log has no signed checkpoint yet',
  TK_ERR_INVALID_TREE_SIZE: 'The tree size is outside the integrated log',
  TK_ERR_NOT_YET_INTEGRATED: 'The event is not covered by a checkpoint yet; retry shortly',
  TK_ERR_TILE_NOT_FOUND: 'The log has no such tile yet',
  TK_ERR_NOT_ACCEPTABLE: 'The requested media type is not available for this resource',
  TK_ERR_ROUTE_NOT_FOUND: 'No such endpoint',
  TK_ERR_IDEMPOTENCY_CONFLICT: 'An event with this id exists with a different body',
  TK_ERR_OVERLOADED: 'The ingest queue is full; retry later',
  TK_ERR_SHUTTING_DOWN: 'The server is shutting down; retry on another instance',
  TK_ERR_UNAVAILABLE: 'The storage is not available',
  TK_ERR_INTERNAL: 'Internal error',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** A domain error: a registered code, a human detail, and the offending field when there is one. */
export class TrailkeepError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  /** Seconds a client should wait before retrying (overload). */
  readonly retryAfter: number | undefined;

  constructor(
    code: ErrorCode,
    detail?: string,
    options: { field?: string; retryAfter?: number; /** the native error, for logs */ cause?: unknown } = {},
  ) {
    super(detail ?? ERROR_CODES[code], options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TrailkeepError';
    this.code = code;
    this.field = options.field;
    this.retryAfter = options.retryAfter;
  }
}

export function isTrailkeepError(error: unknown): error is TrailkeepError {
  return error instanceof TrailkeepError;
}
