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
import { copyFromStdinSql, copyText, queryWithCopy, type CopyValue } from './pg-copy.js';
import { arrayLiteral, beginSql, unnestLiteral, type PgClient } from './pg-pool.js';
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

/**
 * JSON strings may carry lone surrogates, which UTF-8 cannot encode: free-text index values are
 * made well-formed, as a text parameter's encoding would do. (The sealed body and disclosures are
 * JSON text, whose serializer escapes them.)
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const indexText = (value: string | null): string | null =>
  value === null ? null : encodeText(value).replace(LONE_SURROGATE, '\uFFFD');

/** The columns an append writes, in COPY order, and how each is read off a planned row. */
const EVENT_WRITE_COLUMNS: ReadonlyArray<readonly [string, (r: NewEventRow) => CopyValue]> = [
  ['tenant_id', (r) => r.tenantId],
  ['seq', (r) => r.sequence],
  ['id', (r) => r.id],
  ['received_at', (r) => r.receivedAt],
  ['occurred_at', (r) => r.indexed.occurredAt],
  ['action', (r) => r.indexed.action],
  ['category', (r) => indexText(r.indexed.category)],
  ['outcome', (r) => r.indexed.outcome],
  ['severity', (r) => r.indexed.severity],
  ['actor_type', (r) => indexText(r.indexed.actorType)],
  ['actor_id', (r) => indexText(r.indexed.actorId)],
  ['target_type', (r) => indexText(r.indexed.targetType)],
  ['target_id', (r) => indexText(r.indexed.targetId)],
  ['session_id', (r) => indexText(r.indexed.sessionId)],
  ['request_id', (r) => indexText(r.indexed.requestId)],
  ['ip', (r) => r.indexed.ip],
  ['vm_id', (r) => indexText(r.indexed.vmId)],
  ['request_digest', (r) => r.requestDigest],
  ['body_digest', (r) => r.bodyDigest],
  ['sealed_body', (r) => r.sealedBody],
  ['disclosures', (r) => JSON.stringify(r.disclosures)],
  ['entry', (r) => r.entry],
  ['leaf_hash', (r) => r.leafHash],
  ['search', (r) => toTsvectorLiteral(r.searchText)],
];
const EVENT_WRITE_NAMES = EVENT_WRITE_COLUMNS.map(([name]) => name);

/**
 * The second and last round trip of an append, one simple query: copies the rows in (pg-copy.ts),
 * widens each (tenant, minute) they fall in, moves the heads of the tenants that received rows (the
 * head locks serialize all three), and commits.
 */
export async function finishAppend(
  client: PgClient,
  rows: readonly NewEventRow[],
  heads: readonly LogHead[],
): Promise<void> {
  const statements: string[] = [];
  if (rows.length > 0) statements.push(copyFromStdinSql('events', EVENT_WRITE_NAMES));
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
  const sql = statements.join(';\n');
  if (rows.length === 0) await client.query(sql);
  else await queryWithCopy(client, sql, copyText(rows.map((r) => EVENT_WRITE_COLUMNS.map(([, read]) => read(r)))));
}
