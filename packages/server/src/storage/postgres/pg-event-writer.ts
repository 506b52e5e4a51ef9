/**
 * The append transaction of the PostgreSQL driver. For every tenant in a group commit:
 * lock its log head, load stored events sharing a client id with the items, let the domain's
 * planAppend decide, insert the planned rows, move the head — all in one transaction.
 *
 * Why this is safe with several servers on one database: the head row of each tenant is taken
 * with SELECT … FOR UPDATE before anything is read, so a second transaction appending to the same
 * tenant (from this or another process) blocks on that row until the first commits, and then
 * reads the head the first one wrote. Sequences are therefore assigned by one transaction at a
 * time per tenant: gapless, never duplicated, never forked. The id lookup also runs under the lock,
 * so a client id committed by another server is found and answered as a duplicate, never inserted
 * twice. This lock is what makes (tenant_id, seq) and (tenant_id, id) unique, since a partitioned
 * table cannot declare unique indexes without its partition key (migrations/001-core.ts).
 * Tenants are locked in one statement ordered by tenant id, so two commits touching the same
 * tenants always lock them in the same order and cannot deadlock.
 */
import type { StoredEvent } from '../../domain/event.js';
import { TrailkeepError } from '../../domain/errors.js';
import type { LogHead, NewEventRow } from '../../domain/log-append.js';
import { minuteSpans } from '../event-minutes.js';
import type { TenantAppend } from '../port.js';
import type { QueryResult } from 'pg';
import { arrayLiteral, beginSql, dollarQuoted, unnestLiteral, type PgClient } from './pg-pool.js';
import { EVENT_COLUMNS, encodeText, toLogHead, toStoredEvent, type EventRow, type HeadRow } from './pg-rows.js';
import { toTsvectorLiteral } from './pg-search.js';

/** What an append reads under its locks: each tenant's head, and stored events sharing a client id with the items. */
export interface AppendStart {
  heads: Map<string, LogHead>;
  existing: Map<string, Map<string, StoredEvent>>;
}

/**
 * The first round trip of an append: opens the transaction, locks the heads of these tenants (one
 * statement, in tenant id order), then loads stored events sharing a client id with the items
 * (server ids are fresh UUIDv7s and are not looked up). Sent as one simple query, so the values
 * are literals (pg-pool.ts). The lookup is a statement of its own, after the locks, on purpose:
 * under READ COMMITTED each statement reads a snapshot taken when it starts, so it sees the ids
 * the previous holder of a lock committed while this transaction waited for it. Throws
 * TK_ERR_TENANT_NOT_FOUND for a tenant without a head (the transaction is then rolled back).
 */
export async function beginAppend(client: PgClient, groups: readonly TenantAppend[]): Promise<AppendStart> {
  const tenantIds = [...new Set(groups.map((g) => g.tenantId))];
  const keys = groups.flatMap((g) => g.items.filter((item) => item.clientId).map((item) => [g.tenantId, item.id]));
  const statements = [
    beginSql(),
    `SELECT h.tenant_id, t.log_origin, h.size, h.head_hash, h.last_received_at
       FROM log_heads h JOIN tenants t ON t.id = h.tenant_id
      WHERE h.tenant_id = ANY(${arrayLiteral(tenantIds, 'text')})
      ORDER BY h.tenant_id
        FOR UPDATE OF h`,
  ];
  if (keys.length > 0) {
    const unnested = unnestLiteral([keys.map((k) => k[0]!), 'text'], [keys.map((k) => k[1]!), 'text']);
    statements.push(
      `SELECT ${EVENT_COLUMNS}
         FROM (SELECT DISTINCT * FROM ${unnested}) AS k (tenant_id, id)
         JOIN events e ON e.tenant_id = k.tenant_id AND e.id = k.id`,
    );
  }
  // Several statements answer with one result each.
  const results = (await client.query(statements.join(';\n'))) as unknown as Array<QueryResult<HeadRow & EventRow>>;
  const headRows = results.at(keys.length > 0 ? -2 : -1)!.rows as HeadRow[];
  const heads = new Map(headRows.map((r) => [r.tenant_id, toLogHead(r)]));
  for (const id of tenantIds) {
    if (!heads.has(id)) throw new TrailkeepError('TK_ERR_TENANT_NOT_FOUND', `tenant ${id} does not exist`);
  }
  const existing = new Map<string, Map<string, StoredEvent>>(tenantIds.map((id) => [id, new Map()]));
  if (keys.length > 0) {
    for (const row of results.at(-1)!.rows as EventRow[]) existing.get(row.tenant_id)?.set(row.id, toStoredEvent(row));
  }
  return { heads, existing };
}

/** Columns of an inserted event and their types, in the order of the INSERT. */
const EVENT_INSERT_COLUMNS = [
  ['tenant_id', 'text'],
  ['seq', 'bigint'],
  ['id', 'text'],
  ['received_at', 'timestamptz'],
  ['occurred_at', 'text'],
  ['action', 'text'],
  ['category', 'text'],
  ['outcome', 'text'],
  ['severity', 'text'],
  ['actor_type', 'text'],
  ['actor_id', 'text'],
  ['target_type', 'text'],
  ['target_id', 'text'],
  ['session_id', 'text'],
  ['request_id', 'text'],
  ['ip', 'text'],
  ['vm_id', 'text'],
  ['request_digest', 'text'],
  ['body_digest', 'text'],
  ['sealed_body', 'text'],
  ['disclosures', 'text'],
  ['entry', 'text'],
  ['leaf_hash', 'text'],
  ['search', 'tsvector'],
] as const;

type InsertRecord = Record<(typeof EVENT_INSERT_COLUMNS)[number][0], string | number | null>;

/**
 * The rows travel as one JSON array expanded by json_to_recordset: JSON.stringify and PostgreSQL's
 * JSON parser are several times cheaper than pg's per-element escaping of 24 array parameters. The
 * array is dollar-quoted into the statement, so it rides in the same simple query as the rest.
 */
const insertEventsSql = (rowsJson: string): string => `
  INSERT INTO events (${EVENT_INSERT_COLUMNS.map(([name]) => name).join(', ')})
  SELECT ${EVENT_INSERT_COLUMNS.map(([name]) => `r.${name}`).join(', ')}
    FROM json_to_recordset(${dollarQuoted(rowsJson)}::json) AS r (${EVENT_INSERT_COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ')})`;

/**
 * JSON strings may carry lone surrogates, which PostgreSQL's JSON parser refuses (and UTF-8 cannot
 * encode): free-text index values are made well-formed, as a text parameter's encoding would do.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const indexText = (value: string | null): string | null =>
  value === null ? null : encodeText(value).replace(LONE_SURROGATE, '\uFFFD');

function toInsertRecord(r: NewEventRow): InsertRecord {
  const x = r.indexed;
  return {
    tenant_id: r.tenantId,
    seq: r.sequence,
    id: r.id,
    received_at: r.receivedAt,
    occurred_at: x.occurredAt,
    action: x.action,
    category: indexText(x.category),
    outcome: x.outcome,
    severity: x.severity,
    actor_type: indexText(x.actorType),
    actor_id: indexText(x.actorId),
    target_type: indexText(x.targetType),
    target_id: indexText(x.targetId),
    session_id: indexText(x.sessionId),
    request_id: indexText(x.requestId),
    ip: x.ip,
    vm_id: indexText(x.vmId),
    request_digest: r.requestDigest,
    body_digest: r.bodyDigest,
    sealed_body: r.sealedBody,
    disclosures: JSON.stringify(r.disclosures),
    entry: r.entry,
    leaf_hash: r.leafHash,
    search: toTsvectorLiteral(r.searchText),
  };
}

/**
 * The second and last round trip of an append: inserts the rows (one statement), widens each
 * (tenant, minute) they fall in, moves the heads of the tenants that received rows (the head locks
 * serialize all three), and commits.
 */
export async function finishAppend(
  client: PgClient,
  rows: readonly NewEventRow[],
  heads: readonly LogHead[],
): Promise<void> {
  const statements: string[] = [];
  if (rows.length > 0) statements.push(insertEventsSql(JSON.stringify(rows.map(toInsertRecord))));
  const spans = minuteSpans(rows);
  if (spans.length > 0) {
    const unnested = unnestLiteral(
      [spans.map((m) => m.tenantId), 'text'],
      [spans.map((m) => m.minute), 'text'],
      [spans.map((m) => m.min), 'bigint'],
      [spans.map((m) => m.max), 'bigint'],
    );
    statements.push(`INSERT INTO event_minutes (tenant_id, minute, min_seq, max_seq)
       SELECT * FROM ${unnested}
     ON CONFLICT (tenant_id, minute) DO UPDATE
       SET min_seq = least(event_minutes.min_seq, excluded.min_seq),
           max_seq = greatest(event_minutes.max_seq, excluded.max_seq)`);
  }
  if (heads.length > 0) {
    const unnested = unnestLiteral(
      [heads.map((h) => h.tenantId), 'text'],
      [heads.map((h) => h.size), 'bigint'],
      [heads.map((h) => h.headHash), 'text'],
      [heads.map((h) => h.lastReceivedAt), 'timestamptz'],
    );
    statements.push(`UPDATE log_heads h SET size = u.size, head_hash = u.head_hash, last_received_at = u.last_received_at
       FROM ${unnested} AS u (tenant_id, size, head_hash, last_received_at)
      WHERE h.tenant_id = u.tenant_id`);
  }
  statements.push('COMMIT');
  await client.query(statements.join(';\n'));
}
