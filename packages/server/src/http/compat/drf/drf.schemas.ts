/**
 * Seed 003 (drf), `GET /audit-events/` and `GET /audit-events/{uuid}/`: the documented query
 * parameters. Unknown parameters are ignored, as Django REST framework does.
 */
import { Type, type Static } from 'typebox';

const dateTime = (description: string) =>
  Type.Optional(Type.String({ maxLength: 64, description: `${description} (ISO 8601; no offset means UTC)` }));

/** The page's object_id is a Django integer field: at most 2147483647. */
export const DRF_MAX_INTEGER = 2147483647;
export const DRF_MAX_LIMIT = 1000;
export const DRF_DEFAULT_LIMIT = 50;

export const DrfListQuerySchema = Type.Object({
  content_type: Type.Optional(Type.Integer({ description: 'Number of a target type (see content_type in results)' })),
  object_id: Type.Optional(Type.Integer({ maximum: DRF_MAX_INTEGER, description: 'Target id, as an integer' })),
  user: Type.Optional(Type.Integer({ description: 'Actor id of a user actor, as an integer' })),
  timestamp: dateTime('Events that occurred at exactly this time'),
  timestamp__gt: dateTime('Events that occurred after this time'),
  timestamp__gte: dateTime('Events that occurred at or after this time'),
  timestamp__lt: dateTime('Events that occurred before this time'),
  timestamp__lte: dateTime('Events that occurred at or before this time'),
  sort: Type.Optional(Type.String({ description: 'timestamp or -timestamp (default: newest received first)' })),
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: DRF_MAX_LIMIT, default: DRF_DEFAULT_LIMIT })),
  tenant_id: Type.Optional(Type.String({ description: 'Trailkeep extension: tenant to read (admin or parent keys)' })),
});
export type DrfListQuery = Static<typeof DrfListQuerySchema>;

export const DrfEventParamsSchema = Type.Object({
  uuid: Type.String({ minLength: 1, maxLength: 128, description: 'The event id (a UUID unless a client chose it)' }),
});
