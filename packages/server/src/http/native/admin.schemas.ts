/** Schemas of the tenant and key administration API. */
import { Type } from 'typebox';
import { TENANT_ID_PATTERN } from '../../domain/tenancy.js';
import { SCOPES } from '../../domain/tenancy.js';

export const TenantSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  parent_id: Type.Union([Type.String(), Type.Null()]),
  log_origin: Type.String(),
  created_at: Type.String(),
});

export const CreateTenantSchema = Type.Object(
  {
    id: Type.String({ pattern: TENANT_ID_PATTERN, description: 'Your id for the tenant (letters, digits, . _ -)' }),
    name: Type.String({ minLength: 1, maxLength: 256 }),
    parent_id: Type.Optional(Type.String({ pattern: TENANT_ID_PATTERN, description: 'Parent in the org hierarchy' })),
  },
  { additionalProperties: false },
);

// Ids that cannot exist are refused by pattern before any lookup (PostgreSQL text cannot hold NUL).
export const TenantParamsSchema = Type.Object({ id: Type.String({ pattern: TENANT_ID_PATTERN }) });

export const ApiKeySchema = Type.Object({
  id: Type.String(),
  tenant_id: Type.Union([Type.String(), Type.Null()]),
  name: Type.String(),
  prefix: Type.String({ description: 'First characters of the key' }),
  scopes: Type.Array(Type.String()),
  created_at: Type.String(),
  revoked_at: Type.Union([Type.String(), Type.Null()]),
});

export const CreatedApiKeySchema = Type.Object({
  ...ApiKeySchema.properties,
  key: Type.String({ description: 'The key itself. Shown only in this response.' }),
});

export const CreateKeySchema = Type.Object(
  {
    tenant_id: Type.Optional(
      Type.String({ pattern: TENANT_ID_PATTERN, description: 'Omit for an installation admin key' }),
    ),
    scopes: Type.Array(Type.Enum([...SCOPES]), { minItems: 1, maxItems: SCOPES.length, uniqueItems: true }),
    name: Type.Optional(Type.String({ maxLength: 128 })),
  },
  { additionalProperties: false },
);

export const ListKeysQuerySchema = Type.Object(
  { tenant_id: Type.Optional(Type.String({ pattern: TENANT_ID_PATTERN })) },
  { additionalProperties: false },
);

export const KeyParamsSchema = Type.Object({ id: Type.String({ maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' }) });
