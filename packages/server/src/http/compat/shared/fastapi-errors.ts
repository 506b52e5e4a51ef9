/**
 * FastAPI's error dialect (seeds 001 and 002): `422 {"detail": [{"loc", "msg", "type"}]}` for
 * invalid input, with pydantic v2's type names and messages, and `{"detail": "<text>"}` otherwise.
 */
import type { ErrorObject } from 'ajv';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TrailkeepError } from '../../../domain/errors.js';
import { HTTP_STATUS, toTrailkeepError } from '../../problem.js';
import { sentCredential, type CredentialExtractor } from '../../credentials.js';

export interface FastApiErrorItem {
  loc: Array<string | number>;
  msg: string;
  type: string;
}

type Location = 'body' | 'query' | 'path' | 'header';

const LOCATIONS: Record<string, Location> = {
  body: 'body',
  querystring: 'query',
  params: 'path',
  headers: 'header',
};

/** Codes that FastAPI would have raised as request validation errors. */
const VALIDATION_CODES = new Set([
  'TK_ERR_VALIDATION',
  'TK_ERR_INVALID_TIMESTAMP',
  'TK_ERR_METADATA_TOO_LARGE',
  'TK_ERR_INVALID_CURSOR',
]);

const characters = (n: number): string => `${n} character${n === 1 ? '' : 's'}`;

function pathOf(error: ErrorObject): Array<string | number> {
  return error.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function typeError(expected: unknown, location: Location): { type: string; msg: string } {
  const types = Array.isArray(expected) ? expected.map(String) : String(expected).split(',');
  const inUrl = location !== 'body';
  if (types.includes('integer')) {
    return inUrl
      ? { type: 'int_parsing', msg: 'Input should be a valid integer, unable to parse string as an integer' }
      : { type: 'int_type', msg: 'Input should be a valid integer' };
  }
  if (types.includes('number')) {
    return inUrl
      ? { type: 'float_parsing', msg: 'Input should be a valid number, unable to parse string as a number' }
      : { type: 'float_type', msg: 'Input should be a valid number' };
  }
  if (types.includes('object')) return { type: 'dict_type', msg: 'Input should be a valid dictionary' };
  if (types.includes('boolean')) return { type: 'bool_type', msg: 'Input should be a valid boolean' };
  if (types.includes('array')) return { type: 'list_type', msg: 'Input should be a valid list' };
  return { type: 'string_type', msg: 'Input should be a valid string' };
}

function quotedChoices(values: unknown[]): string {
  const quoted = values.map((v) => `'${String(v)}'`);
  return quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)!}` : (quoted[0] ?? '');
}

/** One Ajv error as pydantic v2 would have reported it. */
export function fastApiItem(error: ErrorObject, location: Location): FastApiErrorItem {
  const loc: Array<string | number> = [location, ...pathOf(error)];
  const p = error.params as Record<string, unknown>;
  const item = (type: string, msg: string, at = loc): FastApiErrorItem => ({ loc: at, msg, type });
  switch (error.keyword) {
    case 'required':
      return item('missing', 'Field required', [...loc, String(p.missingProperty)]);
    case 'additionalProperties':
      return item('extra_forbidden', 'Extra inputs are not permitted', [...loc, String(p.additionalProperty)]);
    case 'type': {
      if (loc.length === 1 && location === 'body') {
        return item('model_attributes_type', 'Input should be a valid dictionary or object to extract fields from');
      }
      const { type, msg } = typeError(p.type, location);
      return item(type, msg);
    }
    case 'minLength':
      return item('string_too_short', `String should have at least ${characters(Number(p.limit))}`);
    case 'maxLength':
      return item('string_too_long', `String should have at most ${characters(Number(p.limit))}`);
    case 'pattern':
      return item('string_pattern_mismatch', `String should match pattern '${String(p.pattern)}'`);
    case 'enum':
      return item('enum', `Input should be ${quotedChoices(p.allowedValues as unknown[])}`);
    case 'minimum':
      return item('greater_than_equal', `Input should be greater than or equal to ${String(p.limit)}`);
    case 'maximum':
      return item('less_than_equal', `Input should be less than or equal to ${String(p.limit)}`);
    default:
      return item('value_error', `Value error, ${error.message ?? 'invalid value'}`);
  }
}

function send(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.status(status).type('application/json').send(body);
}

/** A domain error in FastAPI's dialect: validation-like codes as 422 items at `location`. */
function sendDomainError(reply: FastifyReply, error: TrailkeepError, location: Location): FastifyReply {
  if (error.code === 'TK_ERR_MALFORMED_JSON') {
    return send(reply, 422, { detail: [{ loc: ['body', 0], msg: 'JSON decode error', type: 'json_invalid' }] });
  }
  if (VALIDATION_CODES.has(error.code)) {
    const loc = [location, ...(error.field === undefined ? [] : error.field.split('.'))];
    return send(reply, 422, { detail: [{ loc, msg: `Value error, ${error.message}`, type: 'value_error' }] });
  }
  if (error.retryAfter !== undefined) void reply.header('retry-after', String(error.retryAfter));
  const status = HTTP_STATUS[error.code];
  return send(reply, status, { detail: status >= 500 && status < 503 ? 'Internal Server Error' : error.message });
}

/**
 * Installs FastAPI's error dialect on a surface's scope. `location` is where the surface's own
 * fields live (records: body, events-list: query), for errors raised after schema validation.
 */
export function useFastApiErrors(
  scope: FastifyInstance,
  options: { location: Location; credential: CredentialExtractor },
) {
  scope.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error.validation && error.validation.length > 0) {
      const location = LOCATIONS[error.validationContext ?? 'body'] ?? 'body';
      return send(reply, 422, { detail: error.validation.map((e) => fastApiItem(e as ErrorObject, location)) });
    }
    if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      return send(reply, 422, { detail: [{ loc: ['body'], msg: 'Field required', type: 'missing' }] });
    }
    const mapped = toTrailkeepError(error);
    if (mapped.code === 'TK_ERR_INTERNAL') request.log.error({ err: error }, 'unhandled error');
    if (mapped.code === 'TK_ERR_UNAUTHENTICATED') {
      // What FastAPI's OAuth2PasswordBearer answers, and what its apps answer for a wrong token.
      const detail = sentCredential(options.credential, request)
        ? 'Could not validate credentials'
        : 'Not authenticated';
      return send(reply.header('www-authenticate', 'Bearer'), 401, { detail });
    }
    return sendDomainError(reply, mapped, options.location);
  });
}
