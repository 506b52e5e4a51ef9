/**
 * Versioned schema of the PostgreSQL driver, one file per version under migrations/, each
 * mirroring the SQLite migration of the same number. Append new versions; never edit an applied one.
 */
import { CORE_MIGRATION } from './migrations/001-core.js';
import { APPLICATIONS_MIGRATION } from './migrations/002-applications.js';
import { TREE_MIGRATION } from './migrations/003-tree.js';
import { SUBTREE_HASHES_MIGRATION } from './migrations/004-subtree-hashes.js';
import { FILTER_INDEXES_MIGRATION } from './migrations/005-filter-indexes.js';
import { EVENT_MINUTES_MIGRATION } from './migrations/006-event-minutes.js';

export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

export const PG_MIGRATIONS: readonly PgMigration[] = [
  CORE_MIGRATION,
  APPLICATIONS_MIGRATION,
  TREE_MIGRATION,
  SUBTREE_HASHES_MIGRATION,
  FILTER_INDEXES_MIGRATION,
  EVENT_MINUTES_MIGRATION,
];
