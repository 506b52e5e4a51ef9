/**
 * Version 6, mirroring SQLite's (issues 2 and 3): per tenant and minute of occurred_at, the lowest
 * and highest sequence (storage/event-minutes.ts), widened by every append under the tenant's head
 * lock and computed here from the events already stored. Keyed by tenant_id first, like every table.
 */
import type { PgMigration } from '../pg-migrations.js';

const IDENT = 'text COLLATE "C"';

export const EVENT_MINUTES_MIGRATION: PgMigration = {
  version: 6,
  name: 'The sequences each minute of occurred_at holds, so time windows find their matches (issue 2)',
  sql: `
    CREATE TABLE event_minutes (
      tenant_id ${IDENT} NOT NULL,
      minute ${IDENT} NOT NULL,
      min_seq bigint NOT NULL,
      max_seq bigint NOT NULL,
      PRIMARY KEY (tenant_id, minute)
    );
    INSERT INTO event_minutes (tenant_id, minute, min_seq, max_seq)
      SELECT tenant_id, substr(occurred_at, 1, 16), min(seq), max(seq)
      FROM events GROUP BY tenant_id, substr(occurred_at, 1, 16);
  `,
};
