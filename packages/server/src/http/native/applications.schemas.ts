/** Schemas of the applications registry API (/v1/applications; seed 001's applications). */
import { Type, type Static } from 'typebox';
import { ACCENT_COLOR_PATTERN, APPLICATION_KEY_PATTERN, APPLICATION_LIMITS } from '../../domain/application.js';

const nullable = (options: Record<string, unknown>) =>
  Type.Optional(Type.Unsafe<string | null>({ type: ['string', 'null'], ...options }));

export const ApplicationSchema = Type.Object({
  id: Type.String(),
  key: Type.String(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  accent_color: Type.Union([Type.String(), Type.Null()]),
  param_count: Type.Integer({ description: 'Distinct params keys seen on records of this application' }),
  created_at: Type.String(),
  updated_at: Type.String(),
});

const keySchema = () =>
  Type.String({ minLength: 1, maxLength: APPLICATION_LIMITS.keyLength, pattern: APPLICATION_KEY_PATTERN });

const changes = {
  name: Type.Optional(Type.String({ minLength: 1, maxLength: APPLICATION_LIMITS.nameLength })),
  description: nullable({ maxLength: APPLICATION_LIMITS.descriptionLength, description: 'null clears it' }),
  accent_color: nullable({ pattern: ACCENT_COLOR_PATTERN, description: '#rgb or #rrggbb; null clears it' }),
};

export const ApplicationChangesSchema = Type.Object(changes, { additionalProperties: false });
export type ApplicationChangesInput = Static<typeof ApplicationChangesSchema>;

export const CreateApplicationSchema = Type.Object({ key: keySchema(), ...changes }, { additionalProperties: false });

export const ApplicationKeyParamsSchema = Type.Object({ key: keySchema() });
