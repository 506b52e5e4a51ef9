/**
 * Validators of the compatibility surfaces. Same policy as the native API (bodies are never
 * coerced), but every error is collected: FastAPI and Django REST answer with all the problems of
 * a request at once, and their clients show them all.
 *
 * URL parameters arrive as strings. Ajv's own coercion (`Number(text)`) would turn `0x2a` into
 * 42, `1e2` into 100 and ` 42` into 42, which neither pydantic nor Django reads as those
 * integers; so URL parts are not coerced by Ajv: an integer parameter becomes a number here only
 * when it is a decimal integer string (`42`, `-7`, `007`), and anything else stays a string that
 * the schema then refuses as "not an integer" (FastAPI `int_parsing`, Django "Enter a whole
 * number.").
 */
import { Ajv, type ErrorObject } from 'ajv';
import formats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

const addFormats = formats.default;

function createAjv(): Ajv {
  const ajv = new Ajv({ coerceTypes: false, useDefaults: true, allErrors: true, strict: false });
  addFormats(ajv);
  return ajv;
}

const bodyAjv = createAjv();
const urlAjv = createAjv();

/** What both FastAPI (pydantic) and Django accept as an integer, and nothing they refuse. */
export const DECIMAL_INTEGER = /^-?[0-9]+$/;

export interface UrlValidationOptions {
  /**
   * An empty parameter (`?user=`) is as if it were absent: django-filter ignores empty filter
   * values and Django REST framework's paginator reads an empty `page` as page 1 (drf). FastAPI
   * does not: there `?limit=` is a value that is not an integer (events-list).
   */
  emptyIsAbsent?: boolean;
}

interface PropertySchema {
  type?: string | string[];
}

type Validator = ((data: unknown) => boolean) & { errors: ErrorObject[] | null };

/** The validator of one URL part (query string, path parameters, headers): an object of strings. */
function urlValidator(schema: object, options: UrlValidationOptions): Validator {
  const validate = urlAjv.compile(schema);
  const properties = (schema as { properties?: Record<string, PropertySchema> }).properties ?? {};
  const names = Object.keys(properties);
  const integers = new Set<string>();
  for (const name of names) {
    const types = [properties[name]?.type ?? 'string'].flat();
    if (types.includes('integer')) integers.add(name);
    else if (types.some((type) => type !== 'string' && type !== 'null')) {
      // Refuse at start rather than answer every request with a type error.
      throw new Error(`URL parameter ${name}: only string and integer parameters are supported`);
    }
  }
  const validator: Validator = Object.assign(
    (data: unknown): boolean => {
      if (data !== null && typeof data === 'object') {
        const values = data as Record<string, unknown>;
        for (const name of names) {
          const value = values[name];
          if (value === '' && options.emptyIsAbsent) delete values[name];
          else if (typeof value === 'string' && integers.has(name) && DECIMAL_INTEGER.test(value)) {
            values[name] = Number(value);
          }
        }
      }
      const valid = validate(data);
      validator.errors = validate.errors ?? null;
      return valid;
    },
    { errors: null },
  );
  return validator;
}

/** The validator compiler of a surface's scope. */
export function compatValidatorCompiler(options: UrlValidationOptions = {}): FastifySchemaCompiler<unknown> {
  return ({ schema, httpPart }) =>
    httpPart === 'body' ? bodyAjv.compile(schema as object) : urlValidator(schema as object, options);
}

/** A JSON-schema string that may also be null (`string | null` on the seed pages), without anyOf noise. */
export function nullableString(options: Record<string, unknown> = {}): { type: string[] } & Record<string, unknown> {
  return { type: ['string', 'null'], ...options };
}
