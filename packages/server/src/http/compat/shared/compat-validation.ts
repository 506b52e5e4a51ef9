/**
 * Validators of the compatibility surfaces. Same policy as the native API (bodies are never
 * coerced; query strings are), but every error is collected: FastAPI and Django REST answer with
 * all the problems of a request at once, and their clients show them all.
 */
import { Ajv } from 'ajv';
import formats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

const addFormats = formats.default;

function createAjv(coerceTypes: boolean): Ajv {
  const ajv = new Ajv({ coerceTypes, useDefaults: true, allErrors: true, strict: false });
  addFormats(ajv);
  return ajv;
}

const bodyAjv = createAjv(false);
const urlAjv = createAjv(true);

export const compatValidatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? bodyAjv : urlAjv).compile(schema as object);

/** A JSON-schema string that may also be null (`string | null` on the seed pages), without anyOf noise. */
export function nullableString(options: Record<string, unknown> = {}): { type: string[] } & Record<string, unknown> {
  return { type: ['string', 'null'], ...options };
}
