/**
 * Version 6, mirroring SQLite's number and name. SQLite's adds event_minutes, which bounds where a
 * time window's newest match lies in the sequence index; PostgreSQL's time windows take the recent
 * walk and then its own plan over the occurred_at index (an anchored walk measured slower there:
 * docs/SCALING.md). The version is recorded so both drivers stay on one numbering.
 */
import type { PgMigration } from '../pg-migrations.js';

export const EVENT_MINUTES_MIGRATION: PgMigration = {
  version: 6,
  name: 'The sequences each minute of occurred_at holds, so time windows find their matches (issue 2)',
  sql: `
    -- Nothing to change on PostgreSQL (see above).
    SELECT 1;
  `,
};
