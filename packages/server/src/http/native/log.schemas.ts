/** JSON schemas of the verifiable-log API: checkpoints, keys, proofs, tiles, exports, erasures. */
import { Type, type Static } from 'typebox';
import { TENANT_ID_PATTERN } from '../../domain/tenancy.js';

const tenantId = Type.Optional(
  Type.String({ pattern: TENANT_ID_PATTERN, description: 'Tenant to act on (admin keys; or X-Tenant-Id)' }),
);
const size = (description: string) => Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description });

/** POST /v1/events query: the fact0 sync flag, plus proof=true to wait for an inclusion proof. */
export const IngestQuerySchema = Type.Object(
  {
    sync: Type.Optional(Type.Enum(['true', 'false'], { description: 'true: answer 201 with the committed event' })),
    proof: Type.Optional(
      Type.Enum(['true', 'false'], {
        description:
          'true: answer once a signed checkpoint covers the event (about a second), with its inclusion proof in `proof`; implies sync',
      }),
    ),
    tenant_id: tenantId,
  },
  { additionalProperties: false },
);

export const TenantOnlyQuerySchema = Type.Object({ tenant_id: tenantId }, { additionalProperties: false });

export const InclusionQuerySchema = Type.Object(
  {
    sequence: Type.Optional(size('Sequence of the event (or give event_id)')),
    event_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Id of the event' })),
    tree_size: Type.Optional(size('Tree size to prove against (default: the newest checkpoint)')),
    tenant_id: tenantId,
  },
  { additionalProperties: false },
);
export type InclusionQuery = Static<typeof InclusionQuerySchema>;

export const ConsistencyQuerySchema = Type.Object(
  {
    old: size('The smaller tree size'),
    new: Type.Optional(size('The larger tree size (default: the newest checkpoint)')),
    tenant_id: tenantId,
  },
  { additionalProperties: false },
);

export const ExportQuerySchema = Type.Object(
  {
    from_sequence: Type.Optional(size('First sequence to export (default 1: the whole log)')),
    tenant_id: tenantId,
  },
  { additionalProperties: false },
);

export const ErasureInputSchema = Type.Object(
  {
    actor_id: Type.Optional(
      Type.String({ minLength: 1, maxLength: 128, description: 'Erase events whose actor.id is this' }),
    ),
    email: Type.Optional(
      Type.String({ minLength: 1, maxLength: 320, description: 'Erase events whose actor.email is this' }),
    ),
  },
  { additionalProperties: false, description: 'Exactly one of actor_id or email.' },
);
export type ErasureInput = Static<typeof ErasureInputSchema>;

const hex = Type.String({ pattern: '^[0-9a-f]{64}$' });

export const InclusionProofSchema = Type.Object({
  origin: Type.String(),
  sequence: Type.Integer(),
  leaf_index: Type.Integer({ description: 'sequence − 1: the RFC 9162 leaf index' }),
  tree_size: Type.Integer(),
  entry: Type.String({ description: 'The leaf entry as hashed: leaf_hash = SHA-256(0x00 ‖ entry)' }),
  leaf_hash: hex,
  hashes: Type.Array(hex, { description: 'RFC 9162 inclusion path, leaf sibling first' }),
  root_hash: hex,
  checkpoint: Type.Union([Type.String(), Type.Null()], { description: 'Signed checkpoint of tree_size, if stored' }),
});

export const ConsistencyProofSchema = Type.Object({
  origin: Type.String(),
  old_size: Type.Integer(),
  new_size: Type.Integer(),
  old_root: hex,
  new_root: hex,
  hashes: Type.Array(hex, { description: 'RFC 9162 consistency proof' }),
  checkpoint: Type.Union([Type.String(), Type.Null()], { description: 'Signed checkpoint of new_size, if stored' }),
});

export const VerifierKeySchema = Type.Object({
  origin: Type.String(),
  vkey: Type.String({ description: 'C2SP signed-note verifier key: <origin>+<key id>+<base64(0x01 ‖ Ed25519 key)>' }),
});

export const ErasureResultSchema = Type.Object({
  tenant_id: Type.String(),
  events_erased: Type.Integer(),
  fields_erased: Type.Integer(),
  event: Type.Object(
    { id: Type.String(), sequence: Type.Integer() },
    { description: 'The event recording the erasure' },
  ),
});
