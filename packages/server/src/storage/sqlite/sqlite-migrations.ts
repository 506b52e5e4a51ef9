/**
 * Versioned schema of the SQLite driver. Append new versions; never edit an applied one.
 * Indexes are few on purpose: each one dirties a page per inserted row (DESIGN §5), so only
 * filters that would otherwise scan a whole tenant get one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'tenants, keys, log heads, events, full-text index',
    sql: `
      CREATE TABLE tenants (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        parent_id TEXT REFERENCES tenants(id),
        log_origin TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE log_heads (
        tenant_id TEXT PRIMARY KEY REFERENCES tenants(id),
        size INTEGER NOT NULL,
        head_hash TEXT NOT NULL,
        last_received_at TEXT
      ) STRICT;

      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        tenant_id TEXT REFERENCES tenants(id),
        name TEXT NOT NULL,
        display_prefix TEXT NOT NULL,
        key_hash TEXT NOT NULL UNIQUE,
        scopes TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT
      ) STRICT;
      CREATE INDEX api_keys_tenant ON api_keys(tenant_id);

      -- pk is the rowid the full-text index points at; within a tenant it grows with seq.
      CREATE TABLE events (
        pk INTEGER PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        id TEXT NOT NULL,
        received_at TEXT NOT NULL,
        occurred_at TEXT NOT NULL,
        action TEXT NOT NULL,
        category TEXT,
        outcome TEXT NOT NULL,
        severity TEXT,
        actor_type TEXT NOT NULL,
        actor_id TEXT,
        target_type TEXT,
        target_id TEXT,
        session_id TEXT,
        request_id TEXT,
        ip TEXT,
        request_digest TEXT NOT NULL,
        body_digest TEXT NOT NULL,
        sealed_body TEXT NOT NULL,
        disclosures TEXT NOT NULL,
        entry TEXT NOT NULL,
        leaf_hash TEXT NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX events_seq ON events(tenant_id, seq);
      CREATE UNIQUE INDEX events_id ON events(tenant_id, id);
      CREATE INDEX events_action ON events(tenant_id, action, seq);
      CREATE INDEX events_actor ON events(tenant_id, actor_id, seq) WHERE actor_id IS NOT NULL;
      CREATE INDEX events_target ON events(tenant_id, target_id, seq) WHERE target_id IS NOT NULL;
      CREATE INDEX events_session ON events(tenant_id, session_id, seq) WHERE session_id IS NOT NULL;
      CREATE INDEX events_request ON events(tenant_id, request_id, seq) WHERE request_id IS NOT NULL;
      CREATE INDEX events_ip ON events(tenant_id, ip, seq) WHERE ip IS NOT NULL;
      -- Covers occurred_at windows with the sequence numbers to sort (see sqlite-event-query.ts).
      CREATE INDEX events_occurred ON events(tenant_id, occurred_at, seq);

      -- Contentless: the text lives only in the index; rows are deleted by rowid on erasure.
      CREATE VIRTUAL TABLE events_fts USING fts5(text, content='', contentless_delete=1);
    `,
  },
  {
    version: 2,
    name: 'applications registry, target type numbers, vm_id filter (compat surfaces, issue 4)',
    sql: `
      -- Seed 001's applications: one row per (tenant, key); param names seen per application.
      CREATE TABLE applications (
        tenant_id TEXT NOT NULL REFERENCES tenants(id),
        key TEXT NOT NULL,
        id TEXT NOT NULL,
        name TEXT NOT NULL,
        description TEXT,
        accent_color TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, key)
      ) STRICT;
      CREATE UNIQUE INDEX applications_id ON applications(tenant_id, id);

      CREATE TABLE application_params (
        tenant_id TEXT NOT NULL,
        application_key TEXT NOT NULL,
        name TEXT NOT NULL,
        first_seen_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, application_key, name),
        FOREIGN KEY (tenant_id, application_key) REFERENCES applications(tenant_id, key)
      ) STRICT;

      -- Seed 003's integer content_type: a stable number per target type, per tenant.
      CREATE TABLE target_types (
        tenant_id TEXT NOT NULL REFERENCES tenants(id),
        type TEXT NOT NULL,
        number INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, type),
        UNIQUE (tenant_id, number)
      ) STRICT;

      -- Seed 002 filters on vm_id; it is not personal, so older rows are filled from the sealed body.
      ALTER TABLE events ADD COLUMN vm_id TEXT;
      UPDATE events SET vm_id = json_extract(sealed_body, '$.context.vm_id')
        WHERE json_type(sealed_body, '$.context.vm_id') = 'text';
      CREATE INDEX events_vm ON events(tenant_id, vm_id, seq) WHERE vm_id IS NOT NULL;
    `,
  },
  {
    version: 3,
    name: 'Merkle tree state, tiles and signed checkpoints (verifiable log, issue 5)',
    sql: `
      -- How far each tenant's tree is integrated: size and RFC 9162 compact range (32-byte peaks, largest first).
      CREATE TABLE tree_state (
        tenant_id TEXT PRIMARY KEY REFERENCES tenants(id),
        size INTEGER NOT NULL,
        peaks BLOB NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      -- C2SP tlog-tiles of height 8: tree level 8*level, hashes [256*idx, 256*idx + 256), concatenated.
      -- Levels >= 1 grow in place; level 0 is stored once full (partial leaf tiles come from events).
      CREATE TABLE tree_tiles (
        tenant_id TEXT NOT NULL,
        level INTEGER NOT NULL,
        idx INTEGER NOT NULL,
        hashes BLOB NOT NULL,
        PRIMARY KEY (tenant_id, level, idx)
      ) STRICT;

      -- Signed checkpoints: the newest, and the first of every UTC hour (milestone), are kept.
      CREATE TABLE checkpoints (
        tenant_id TEXT NOT NULL REFERENCES tenants(id),
        size INTEGER NOT NULL,
        root_hash BLOB NOT NULL,
        note TEXT NOT NULL,
        signed_at TEXT NOT NULL,
        milestone INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, size)
      ) STRICT;
    `,
  },
  {
    version: 4,
    name: 'Subtree hashes of full tiles, so proofs hash nothing (verifiable log, issue 5)',
    sql: `
      -- Levels 1-8 of a full tile's subtree pyramid (255 hashes, concatenated); NULL on partial tiles.
      -- Full tiles written before this version keep NULL: readers hash those from the tile itself.
      ALTER TABLE tree_tiles ADD COLUMN subtree_hashes BLOB;
    `,
  },
  {
    version: 5,
    name: 'Indexes that answer common filter combinations without reading rows (issue 2)',
    sql: `
      -- Low-cardinality filters (and occurred_at) ride in the index: SQLite checks index columns
      -- before it reads a row, so a rare outcome of a common action, category + severity, or the
      -- events of a time window among recent sequences skip non-matching rows without loading them.
      DROP INDEX events_action;
      CREATE INDEX events_action ON events(tenant_id, action, seq, outcome, category, severity);
      CREATE INDEX events_classes
        ON events(tenant_id, seq, category, severity, outcome, actor_type, target_type, occurred_at);
      -- "What did this user do on Tuesday": the actor's events in the window, not all of them.
      CREATE INDEX events_actor_time ON events(tenant_id, actor_id, occurred_at, seq) WHERE actor_id IS NOT NULL;
    `,
  },
  {
    version: 6,
    name: 'The sequences each minute of occurred_at holds, so time windows find their matches (issue 2)',
    sql: `
      -- Per tenant and minute of occurred_at ('YYYY-MM-DDTHH:MM'), the lowest and highest sequence:
      -- a window's newest match lies at or below the highest sequence of its minutes, read from a
      -- few rows here instead of a scan of the whole window in the time index (33,000 entries for a
      -- day at 1M events). Kept by every append; never lowered, so bounds stay bounds.
      CREATE TABLE event_minutes (
        tenant_id TEXT NOT NULL,
        minute TEXT NOT NULL,
        min_seq INTEGER NOT NULL,
        max_seq INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, minute)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO event_minutes (tenant_id, minute, min_seq, max_seq)
        SELECT tenant_id, substr(occurred_at, 1, 16), min(seq), max(seq)
        FROM events GROUP BY tenant_id, substr(occurred_at, 1, 16);
    `,
  },
];
