/**
 * Django REST framework's error dialect (seed 003): `{"detail": "…"}` for 401, 403 and 404,
 * and `{"<field>": ["…"]}` for invalid parameters (400).
 */
import type { ErrorObject } from 'ajv';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TrailkeepError } from '../../../domain/errors.js';
import { HTTP_STATUS, toTrailkeepError } from '../../problem.js';
import { drfToken, sentCredential } from '../../credentials.js';

/** Django's own words for each kind of invalid value. */
function message(error: ErrorObject): string {
  const p = error.params as { limit?: number; type?: unknown };
  switch (error.keyword) {
    case 'type':
      return String(p.type).includes('integer') ? 'Enter a whole number.' : 'Enter a valid value.';
    case 'minimum':
      return `Ensure this value is greater than or equal to ${String(p.limit)}.`;
    case 'maximum':
      return `Ensure this value is less than or equal to ${String(p.limit)}.`;
    case 'maxLength':
      return `Ensure this field has no more than ${String(p.limit)} characters.`;
    default:
      return error.message ?? 'Enter a valid value.';
  }
}

function send(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.status(status).type('application/json').send(body);
}

function fieldErrors(errors: ErrorObject[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of errors) {
    const field = e.instancePath.slice(1) || 'non_field_errors';
    (out[field] ??= []).push(message(e));
  }
  return out;
}

const NOT_FOUND = new Set(['TK_ERR_EVENT_NOT_FOUND', 'TK_ERR_TENANT_NOT_FOUND', 'TK_ERR_ROUTE_NOT_FOUND']);

function sendDomainError(request: FastifyRequest, reply: FastifyReply, error: TrailkeepError): FastifyReply {
  const status = HTTP_STATUS[error.code];
  if (error.code === 'TK_ERR_UNAUTHENTICATED') {
    const detail = sentCredential(drfToken, request)
      ? 'Invalid token.'
      : 'Authentication credentials were not provided.';
    return send(reply.header('www-authenticate', 'Token'), 401, { detail });
  }
  if (error.code === 'TK_ERR_FORBIDDEN')
    return send(reply, 403, { detail: 'You do not have permission to perform this action.' });
  if (error.code === 'TK_ERR_INVALID_PAGE') return send(reply, 404, { detail: 'Invalid page.' });
  if (NOT_FOUND.has(error.code)) return send(reply, 404, { detail: 'Not found.' });
  if (status === 400) return send(reply, 400, { [error.field ?? 'non_field_errors']: [error.message] });
  if (error.retryAfter !== undefined) void reply.header('retry-after', String(error.retryAfter));
  return send(reply, status, { detail: status >= 500 && status < 503 ? 'A server error occurred.' : error.message });
}

export function useDrfErrors(scope: FastifyInstance): void {
  scope.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error.validation && error.validation.length > 0) {
      const errors = error.validation as ErrorObject[];
      // DRF's paginator answers any unusable page number with 404 "Invalid page.".
      if (errors.some((e) => e.instancePath === '/page')) return send(reply, 404, { detail: 'Invalid page.' });
      return send(reply, 400, fieldErrors(errors));
    }
    const mapped = toTrailkeepError(error);
    if (mapped.code === 'TK_ERR_INTERNAL') request.log.error({ err: error }, 'unhandled error');
    return sendDomainError(request, reply, mapped);
  });
}
