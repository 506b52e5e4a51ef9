/** Reading a tenant's events: one by id, or pages of a filtered query with keyset cursors. */
import type { AuditEvent, StoredEvent } from './event.js';
import { toAuditEvent } from './event-reader.js';
import { TrailkeepError } from './errors.js';
import { decodeCursor, encodeCursor, type EventFilters, type SortOrder } from './query.js';
import type { AuditStore } from '../storage/port.js';

export interface EventPage<E = AuditEvent> {
  events: E[];
  /** Opaque position after the last event, or null when there are no more. */
  nextCursor: string | null;
}

export interface ListRequest {
  tenantId: string;
  filters: EventFilters;
  order: SortOrder;
  limit: number;
  cursor?: string;
}

export type QueryService = ReturnType<typeof createQueryService>;

export function createQueryService(store: Pick<AuditStore, 'queryEvents' | 'getEventById'>) {
  const service = {
    /** A page of events as stored, for readers that write their answer from the sealed text. */
    async listStored(request: ListRequest): Promise<EventPage<StoredEvent>> {
      const afterSequence = request.cursor === undefined ? undefined : decodeCursor(request.cursor, request.order);
      // One extra row tells whether another page exists, so the last page never hands out a dead cursor.
      const rows = await store.queryEvents({
        tenantId: request.tenantId,
        filters: request.filters,
        order: request.order,
        limit: request.limit + 1,
        ...(afterSequence === undefined ? {} : { afterSequence }),
      });
      const page = rows.slice(0, request.limit);
      const last = page.at(-1);
      return {
        events: page,
        nextCursor: rows.length > request.limit && last ? encodeCursor(last.sequence, request.order) : null,
      };
    },

    async list(request: ListRequest): Promise<EventPage> {
      const page = await service.listStored(request);
      return { events: page.events.map(toAuditEvent), nextCursor: page.nextCursor };
    },

    async get(tenantId: string, id: string): Promise<AuditEvent> {
      const stored = await store.getEventById(tenantId, id);
      if (!stored) throw new TrailkeepError('TK_ERR_EVENT_NOT_FOUND', `event ${id} does not exist`);
      return toAuditEvent(stored);
    },
  };
  return service;
}
