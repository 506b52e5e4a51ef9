/**
 * The body of POST /v1/events/batch, read where its items are prepared (on a batch worker, or on
 * the event loop without one) instead of by Fastify on the loop. Parsing a batch on the loop and
 * copying the parsed items to a worker (structured clone, on both sides) cost the loop ~3 µs an
 * event (39 → 36 µs under batch ingest here); a string crosses for the price of copying its bytes.
 *
 * It is read exactly as Fastify reads every other body, with the same answers: its default JSON
 * parser (secure-json-parse, refusing `__proto__` and `constructor.prototype` members; the same
 * messages for an empty and an invalid body), then the body schema with the same Ajv settings and
 * the same problem for the first error. A test sends each bad body to both.
 */
import sjson from 'secure-json-parse';
import { isTrailkeepError, TrailkeepError, type ErrorCode } from '../../domain/errors.js';
import { compileBodyValidator, validationProblem } from '../validation.js';
import { BatchInputSchema, type BatchInput } from './events.schemas.js';

/** Fastify's messages for these two (FST_ERR_CTP_EMPTY_JSON_BODY, FST_ERR_CTP_INVALID_JSON_BODY). */
const EMPTY = "Body cannot be empty when content-type is set to 'application/json'";
const INVALID = "Body is not valid JSON but content-type is set to 'application/json'";
/** Fastify's defaults for onProtoPoisoning and onConstructorPoisoning. */
const PARSE_OPTIONS = { protoAction: 'error', constructorAction: 'error' } as const;

const validateBody = compileBodyValidator<BatchInput>(BatchInputSchema);

function parse(text: string): unknown {
  if (text.length === 0) throw new TrailkeepError('TK_ERR_MALFORMED_JSON', EMPTY);
  try {
    return sjson.parse(text, PARSE_OPTIONS) as unknown;
  } catch {
    throw new TrailkeepError('TK_ERR_MALFORMED_JSON', INVALID);
  }
}

/**
 * The items of a batch body, as text (`undefined` when the request had no body, which the schema
 * then refuses, as Fastify's validation would). Throws the TrailkeepError Fastify's parsing or
 * validation would have answered.
 */
export function readBatchBody(text: string | undefined): unknown[] {
  const body = text === undefined ? undefined : parse(text);
  if (!validateBody(body)) throw validationProblem(validateBody.errors![0]!);
  return body.events;
}

/** A body readBatchBody refused, as plain data: what a worker sends back instead of outcomes. */
export interface BodyRefusal {
  code: ErrorCode;
  message: string;
  field: string | undefined;
}

/** readBatchBody, with a refusal answered as data; anything else still throws. */
export function readBatchBodyOrRefusal(text: string | undefined): { items: unknown[] } | { refused: BodyRefusal } {
  try {
    return { items: readBatchBody(text) };
  } catch (error) {
    if (!isTrailkeepError(error)) throw error;
    return { refused: { code: error.code, message: error.message, field: error.field } };
  }
}

export function refusalError(refusal: BodyRefusal): TrailkeepError {
  return new TrailkeepError(refusal.code, refusal.message, refusal.field === undefined ? {} : { field: refusal.field });
}
