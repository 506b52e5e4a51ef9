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

      -- Contentless: the text lives only in the index; rows are deleted by rowid on erasure.
      CREATE VIRTUAL TABLE events_fts USING fts5(text, content='', contentless_delete=1);
    `,
  },
];
