/**
 * The JSON-schema validators of every route. Bodies are validated strictly (no type coercion:
 * `"5"` is not a number, and an unknown field is refused rather than silently dropped); query
 * strings, params and headers are coerced, since everything in a URL is text.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { WELL_FORMED_PATTERN } from '../domain/event-rules.js';
import { TrailkeepError } from '../domain/errors.js';

// ajv-formats is CommonJS: under NodeNext its function is the `default` member of the import.
const addFormats = formats.default;

function createAjv(coerceTypes: boolean): Ajv {
  // Bodies: `strict: false` would also let Infinity (JSON `1e400`) pass as a number, even an
  // integer, which canonical JSON cannot seal. Not for URLs: there Ajv coerces `Infinity` first
  // and strictNumbers then skips minimum/maximum, so every URL number has a maximum instead.
  const strictNumbers = !coerceTypes;
  const ajv = new Ajv({ coerceTypes, useDefaults: true, allErrors: false, strict: false, strictNumbers });
  addFormats(ajv);
  return ajv;
}

const bodyAjv = createAjv(false);
const urlAjv = createAjv(true);

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? bodyAjv : urlAjv).compile(schema as object);

/** Compiles a body schema for validating items one by one (batch ingest). */
export function compileBodyValidator<T>(schema: object): ValidateFunction<T> {
  return bodyAjv.compile<T>(schema);
}

/** The offending field of an Ajv error, as a dotted path (`actor.id`, `events.3.action`). */
export function errorField(error: ErrorObject, prefix?: string): string | undefined {
  const parts = error.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  if (params.missingProperty !== undefined) parts.push(params.missingProperty);
  if (params.additionalProperty !== undefined) parts.push(params.additionalProperty);
  if (prefix !== undefined) parts.unshift(prefix);
  return parts.length > 0 ? parts.join('.') : undefined;
}

/** A readable sentence for an Ajv error, naming the field. */
export function errorDetail(error: ErrorObject, field: string | undefined): string {
  const params = error.params as { additionalProperty?: string; allowedValues?: unknown[]; pattern?: string };
  if (error.keyword === 'additionalProperties') return `${field ?? 'body'} is not a known field`;
  if (error.keyword === 'pattern' && params.pattern === WELL_FORMED_PATTERN) {
    return `${field ?? 'value'} must be valid Unicode (no lone surrogates)`;
  }
  if (error.keyword === 'required') return `${field ?? 'field'} is required`;
  if (error.keyword === 'enum' && params.allowedValues) {
    return `${field ?? 'value'} must be one of ${params.allowedValues.join(', ')}`;
  }
  return `${field ?? 'body'} ${error.message ?? 'is invalid'}`;
}

/** The problem a body, query or header answers for its first schema error. */
export function validationProblem(error: ErrorObject): TrailkeepError {
  const field = errorField(error);
  return new TrailkeepError('TK_ERR_VALIDATION', errorDetail(error, field), field === undefined ? {} : { field });
}
