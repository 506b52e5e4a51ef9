/**
 * Version 5, mirroring SQLite's number and name. SQLite's adds indexes that let it check outcome,
 * category, severity and occurred_at without loading rows; PostgreSQL needs no change: its filter
 * indexes already carry occurred_at (INCLUDE) and it combines indexes in bitmap scans (per-shape
 * figures at 1,000,000 events in docs/SCALING.md). The version is recorded so both drivers stay
 * on one numbering.
 */
import type { PgMigration } from '../pg-migrations.js';

export const FILTER_INDEXES_MIGRATION: PgMigration = {
  version: 5,
  name: 'Indexes that answer common filter combinations without reading rows (issue 2)',
  sql: `
    -- Nothing to change on PostgreSQL (see above).
    SELECT 1;
  `,
};
