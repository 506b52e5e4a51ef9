/**
 * Numbered pages of a tenant's events with a total count, for surfaces that page by number
 * (seed 003). Keyset cursors (query-service) stay the better choice for deep pages: an offset
 * page costs the rows it skips.
 */
import type { AuditEvent } from './event.js';
import { toAuditEvent } from './event-reader.js';
import { TrailkeepError } from './errors.js';
import type { EventFilters, SortOrder } from './query.js';
import type { AuditStore } from '../storage/port.js';

export interface NumberedPageRequest {
  tenantId: string;
  filters: EventFilters;
  sortBy: 'sequence' | 'occurred_at';
  order: SortOrder;
  /** 1-based. */
  page: number;
  limit: number;
}

export interface NumberedPage {
  events: AuditEvent[];
  /** Events matching the filters, on every page. */
  count: number;
}

export type EventPageService = ReturnType<typeof createEventPageService>;

export function createEventPageService(store: Pick<AuditStore, 'queryEvents' | 'countEvents'>) {
  return {
    async page(request: NumberedPageRequest): Promise<NumberedPage> {
      const count = await store.countEvents(request.tenantId, request.filters);
      // Page 1 always exists, even when empty; later pages must hold at least one event.
      if (request.page > 1 && (request.page - 1) * request.limit >= count) {
        throw new TrailkeepError('TK_ERR_INVALID_PAGE', `page ${request.page} is past the last page`, {
          field: 'page',
        });
      }
      const rows = await store.queryEvents({
        tenantId: request.tenantId,
        filters: request.filters,
        order: request.order,
        sortBy: request.sortBy,
        limit: request.limit,
        offset: (request.page - 1) * request.limit,
      });
      return { events: rows.map(toAuditEvent), count };
    },
  };
}
