/**
 * Version 3, mirroring SQLite's (issue 5, verifiable log): each tenant's Merkle tree state
 * (size and RFC 9162 compact range), its C2SP tlog-tiles of height 8, and its signed checkpoints.
 */
import type { PgMigration } from '../pg-migrations.js';

const IDENT = 'text COLLATE "C"';

export const TREE_MIGRATION: PgMigration = {
  version: 3,
  name: 'Merkle tree state, tiles and signed checkpoints (verifiable log, issue 5)',
  sql: `
    -- How far each tenant's tree is integrated: size and compact range (32-byte peaks, largest first).
    CREATE TABLE tree_state (
      tenant_id ${IDENT} PRIMARY KEY REFERENCES tenants (id),
      size bigint NOT NULL,
      peaks bytea NOT NULL,
      updated_at timestamptz NOT NULL
    );

    -- Tiles of height 8: tree level 8*level, hashes [256*idx, 256*idx + 256), concatenated.
    CREATE TABLE tree_tiles (
      tenant_id ${IDENT} NOT NULL,
      level integer NOT NULL,
      idx bigint NOT NULL,
      hashes bytea NOT NULL,
      PRIMARY KEY (tenant_id, level, idx)
    );

    -- Signed checkpoints: the newest, and the first of every UTC hour (milestone), are kept.
    CREATE TABLE checkpoints (
      tenant_id ${IDENT} NOT NULL REFERENCES tenants (id),
      size bigint NOT NULL,
      root_hash bytea NOT NULL,
      note text NOT NULL,
      signed_at timestamptz NOT NULL,
      milestone boolean NOT NULL,
      PRIMARY KEY (tenant_id, size)
    );
  `,
};
