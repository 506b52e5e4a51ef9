/**
 * Version 1, mirroring SQLite's: tenants, log heads, API keys and the events table.
 *
 * - Every table is keyed by tenant_id first (tenants by their id), so the schema can be distributed
 *   by tenant with Citus (events, log_heads as distributed tables; tenants and api_keys as
 *   reference tables, since keys are looked up by hash before the tenant is known).
 * - Identifier columns use the C collation: byte order like SQLite, and `action LIKE 'doc%'` can
 *   use the btree index whatever the database's locale.
 * - occurred_at is client-supplied RFC 3339 in its normalised UTC form (years 0000-9999), kept as
 *   text: it sorts in time order bytewise, and timestamptz has no year 0. received_at is ours,
 *   always a real clock time, and is the partition key, so it is timestamptz.
 * - sealed_body and entry are text, not jsonb: they are hashed, so their bytes must come back
 *   exactly. disclosures are text too: jsonb cannot hold U+0000, which JSON strings may contain.
 *
 * Events are partitioned by month of received_at (pg-partitions.ts creates months ahead), so
 * retention can detach and drop whole months. A unique index on a partitioned table must contain
 * the partition key, so (tenant_id, seq) and (tenant_id, id) cannot be declared unique. They are
 * unique anyway because every append holds the tenant's log_heads row lock (SELECT … FOR UPDATE)
 * while it reads the head, looks up the ids it is given, and inserts: two appends to one tenant
 * never interleave (see pg-event-writer.ts; the conformance suite hammers it).
 */
import type { PgMigration } from '../pg-migrations.js';

const IDENT = 'text COLLATE "C"';

export const CORE_MIGRATION: PgMigration = {
  version: 1,
  name: 'tenants, keys, log heads, events, full-text index',
  sql: `
    CREATE TABLE tenants (
      id ${IDENT} PRIMARY KEY,
      name text NOT NULL,
      parent_id ${IDENT} REFERENCES tenants (id),
      log_origin text NOT NULL,
      created_at timestamptz NOT NULL
    );

    CREATE TABLE log_heads (
      tenant_id ${IDENT} PRIMARY KEY REFERENCES tenants (id),
      size bigint NOT NULL,
      head_hash text NOT NULL,
      last_received_at timestamptz
    );

    CREATE TABLE api_keys (
      id ${IDENT} PRIMARY KEY,
      tenant_id ${IDENT} REFERENCES tenants (id),
      name text NOT NULL,
      display_prefix text NOT NULL,
      key_hash ${IDENT} NOT NULL UNIQUE,
      scopes jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      revoked_at timestamptz
    );
    CREATE INDEX api_keys_tenant ON api_keys (tenant_id, created_at, id);

    CREATE TABLE events (
      tenant_id ${IDENT} NOT NULL,
      seq bigint NOT NULL,
      id ${IDENT} NOT NULL,
      received_at timestamptz NOT NULL,
      occurred_at ${IDENT} NOT NULL,
      action ${IDENT} NOT NULL,
      category ${IDENT},
      outcome ${IDENT} NOT NULL,
      severity ${IDENT},
      actor_type ${IDENT} NOT NULL,
      actor_id ${IDENT},
      target_type ${IDENT},
      target_id ${IDENT},
      session_id ${IDENT},
      request_id ${IDENT},
      ip ${IDENT},
      request_digest text NOT NULL,
      body_digest text NOT NULL,
      sealed_body text NOT NULL,
      disclosures text NOT NULL,
      entry text NOT NULL,
      leaf_hash text NOT NULL,
      search tsvector NOT NULL,
      PRIMARY KEY (tenant_id, seq, received_at)
    ) PARTITION BY RANGE (received_at);

    -- Rows whose month has no partition yet land here rather than failing; maintenance moves them.
    CREATE TABLE events_default PARTITION OF events DEFAULT;

    CREATE INDEX events_id ON events (tenant_id, id);
    -- "Who / what / which action, and when": occurred_at rides along, so a time range on top of
    -- these filters is checked in the index without reading rows (index-only scans).
    CREATE INDEX events_action ON events (tenant_id, action, seq) INCLUDE (occurred_at);
    CREATE INDEX events_actor ON events (tenant_id, actor_id, seq) INCLUDE (occurred_at) WHERE actor_id IS NOT NULL;
    CREATE INDEX events_target ON events (tenant_id, target_id, seq) INCLUDE (occurred_at) WHERE target_id IS NOT NULL;
    CREATE INDEX events_session ON events (tenant_id, session_id, seq) WHERE session_id IS NOT NULL;
    CREATE INDEX events_request ON events (tenant_id, request_id, seq) WHERE request_id IS NOT NULL;
    CREATE INDEX events_ip ON events (tenant_id, ip, seq) WHERE ip IS NOT NULL;
    -- Time ranges pick their sequences from this index alone (pg-event-query.ts, timeRangePlan).
    CREATE INDEX events_occurred ON events (tenant_id, occurred_at) INCLUDE (seq);
    CREATE INDEX events_search ON events USING gin (search);
  `,
};
