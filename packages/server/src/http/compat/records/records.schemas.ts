/**
 * Seed 001 (records), `POST /api/audit-trail/records`: the documented fields with exactly the
 * documented limits. `string | null` fields accept null as "not given".
 */
import { Type, type Static } from 'typebox';
import { APPLICATION_KEY_PATTERN } from '../../../domain/application.js';
import { SEVERITIES, type Severity } from '../../../domain/event.js';
import { nullableString } from '../shared/compat-validation.js';

const nullable = (options: Record<string, unknown> = {}) =>
  Type.Optional(Type.Unsafe<string | null>(nullableString(options)));

export const RecordInputSchema = Type.Object(
  {
    event_type: Type.String({ minLength: 1, maxLength: 128 }),
    summary: Type.String({ minLength: 1, maxLength: 1024 }),
    category: Type.Optional(Type.String({ maxLength: 64, default: 'general' })),
    application_id: nullable({ description: 'An application id from /v1/applications' }),
    application_key: nullable({
      minLength: 1,
      maxLength: 64,
      pattern: APPLICATION_KEY_PATTERN,
      description: 'Registers the application on first use',
    }),
    entity_type: nullable({ maxLength: 64 }),
    entity_id: nullable({ maxLength: 128 }),
    severity: Type.Optional(Type.Unsafe<Severity>({ enum: [...SEVERITIES], default: 'low' })),
    params: Type.Optional(Type.Object({}, { additionalProperties: true, description: 'Counted per application' })),
    metadata: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { additionalProperties: false },
);
export type RecordInput = Static<typeof RecordInputSchema>;
