/**
 * Version 4, mirroring SQLite's: a full tile's subtree pyramid (levels 1-8, 255 hashes) beside
 * its hashes, so serving a proof hashes nothing. Tiles written before it keep NULL and are hashed
 * by readers.
 */
import type { PgMigration } from '../pg-migrations.js';

export const SUBTREE_HASHES_MIGRATION: PgMigration = {
  version: 4,
  name: 'Subtree hashes of full tiles, so proofs hash nothing (verifiable log, issue 5)',
  sql: `
    ALTER TABLE tree_tiles ADD COLUMN subtree_hashes bytea;
  `,
};
