/**
 * Seed 002 (events-list), `GET /v1/audit/events`: the documented filters, `cursor`, and `limit`
 * 1..200 (default 50). Unknown query parameters are ignored, as FastAPI does.
 */
import { Type, type Static } from 'typebox';

export const EventsListQuerySchema = Type.Object({
  event_group: Type.Optional(Type.String({ description: 'Canonical category' })),
  event_type: Type.Optional(Type.String({ description: 'Canonical action' })),
  status: Type.Optional(Type.String({ description: 'Canonical outcome: success, failure, error, unknown' })),
  user_id: Type.Optional(Type.Integer({ description: 'Actor id of a user actor, as an integer' })),
  vm_id: Type.Optional(Type.String()),
  session_id: Type.Optional(Type.String()),
  cursor: Type.Optional(Type.String({ description: 'next_cursor of the previous page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  tenant_id: Type.Optional(Type.String({ description: 'Trailkeep extension: tenant to read (admin or parent keys)' })),
});
export type EventsListQuery = Static<typeof EventsListQuerySchema>;
