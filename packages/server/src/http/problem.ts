/**
 * RFC 9457 problem details for the native API: every error is `application/problem+json`
 * with a registered `code`, a `detail`, the offending `field` and the `request_id`.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, TrailkeepError, isTrailkeepError, type ErrorCode } from '../domain/errors.js';
import { validationProblem } from './validation.js';

/** HTTP status of every registered code: the one table. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  TK_ERR_VALIDATION: 400,
  TK_ERR_MALFORMED_JSON: 400,
  TK_ERR_BODY_TOO_LARGE: 413,
  TK_ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  TK_ERR_INVALID_TIMESTAMP: 400,
  TK_ERR_METADATA_TOO_LARGE: 400,
  TK_ERR_INVALID_CURSOR: 400,
  TK_ERR_UNAUTHENTICATED: 401,
  TK_ERR_FORBIDDEN: 403,
  TK_ERR_TENANT_REQUIRED: 400,
  TK_ERR_TENANT_NOT_FOUND: 404,
  TK_ERR_TENANT_EXISTS: 409,
  TK_ERR_PARENT_NOT_FOUND: 400,
  TK_ERR_EVENT_NOT_FOUND: 404,
  TK_ERR_KEY_NOT_FOUND: 404,
  TK_ERR_APPLICATION_NOT_FOUND: 404,
  TK_ERR_INVALID_PAGE: 404,
  TK_ERR_CHECKPOINT_NOT_FOUND: 404,
  TK_ERR_INVALID_TREE_SIZE: 400,
  TK_ERR_NOT_YET_INTEGRATED: 409,
  TK_ERR_TILE_NOT_FOUND: 404,
  TK_ERR_NOT_ACCEPTABLE: 406,
  TK_ERR_ROUTE_NOT_FOUND: 404,
  TK_ERR_IDEMPOTENCY_CONFLICT: 409,
  TK_ERR_OVERLOADED: 503,
  TK_ERR_SHUTTING_DOWN: 503,
  TK_ERR_UNAVAILABLE: 503,
  TK_ERR_INTERNAL: 500,
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  field?: string;
  request_id: string;
}

export function toProblem(error: TrailkeepError, requestId: string): Problem {
  const problem: Problem = {
    type: `urn:trailkeep:error:${error.code}`,
    title: ERROR_CODES[error.code],
    status: HTTP_STATUS[error.code],
    code: error.code,
    detail: error.message,
    request_id: requestId,
  };
  if (error.field !== undefined) problem.field = error.field;
  return problem;
}

/** Fastify's own client errors, by their codes, as registered Trailkeep errors. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'TK_ERR_MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'TK_ERR_MALFORMED_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'TK_ERR_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'TK_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'TK_ERR_VALIDATION',
};

/** Any error thrown while serving a request, as a TrailkeepError; unknown errors become TK_ERR_INTERNAL. */
export function toTrailkeepError(error: FastifyError): TrailkeepError {
  if (isTrailkeepError(error)) return error;
  if (error.validation && error.validation.length > 0) return validationProblem(error.validation[0] as never);
  const mapped = FASTIFY_CODES[error.code];
  if (mapped) return new TrailkeepError(mapped, error.message);
  if (error instanceof SyntaxError && error.statusCode === 400)
    return new TrailkeepError('TK_ERR_MALFORMED_JSON', error.message);
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return new TrailkeepError('TK_ERR_VALIDATION', error.message);
  }
  return new TrailkeepError('TK_ERR_INTERNAL', 'internal error; see the server log for this request id');
}

export function sendProblem(reply: FastifyReply, error: TrailkeepError): FastifyReply {
  if (error.retryAfter !== undefined) void reply.header('retry-after', String(error.retryAfter));
  return reply
    .status(HTTP_STATUS[error.code])
    .type('application/problem+json')
    .send(toProblem(error, String(reply.request.id)));
}

/** Installs the problem+json error handler on an encapsulated scope. */
export function useProblemDetails(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const mapped = toTrailkeepError(error);
    if (mapped.code === 'TK_ERR_INTERNAL') request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, mapped);
  });
}
