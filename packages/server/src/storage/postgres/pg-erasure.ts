/** Erasure of a data subject on PostgreSQL: ErasureStore. Disclosures, the ip column and full text change; leaves never. */
import type { Disclosures } from '@trailkeep/tlog';
import type { ErasureStore } from '../port.js';
import { inTransaction, type PgClient, type PgPool } from './pg-pool.js';
import { EVENT_COLUMNS, encodeText, toStoredEvent, type EventRow } from './pg-rows.js';
import { toTsvectorLiteral } from './pg-search.js';

type Subject = Parameters<ErasureStore['eraseSubject']>[1];

/** Escapes LIKE wildcards (backslash is PostgreSQL's LIKE escape). */
const likeLiteral = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The subject's events, in sequence order. Emails are sealed, not indexed: erasure by email scans
 * the tenant's disclosures text for the JSON form of the address, then checks each candidate
 * exactly after parsing (a rare admin act, as in SQLite).
 */
async function subjectRows(client: PgClient, tenantId: string, subject: Subject): Promise<EventRow[]> {
  if ('actorId' in subject) {
    const { rows } = await client.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events e WHERE e.tenant_id = $1 AND e.actor_id = $2 ORDER BY e.seq`,
      [tenantId, encodeText(subject.actorId)],
    );
    return rows;
  }
  const { rows } = await client.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM events e WHERE e.tenant_id = $1 AND e.disclosures LIKE $2 ORDER BY e.seq`,
    [tenantId, `%${likeLiteral(JSON.stringify(subject.email).slice(1, -1))}%`],
  );
  return rows.filter((r) => (JSON.parse(r.disclosures) as Disclosures)['/actor/email']?.value === subject.email);
}

export function createPgErasure(pool: PgPool): ErasureStore {
  return {
    eraseSubject: (tenantId, subject, plan) =>
      inTransaction(pool, async (client) => {
        let events = 0;
        let fields = 0;
        for (const row of await subjectRows(client, tenantId, subject)) {
          const change = plan(toStoredEvent(row));
          if (change === null) continue;
          // received_at names the partition, so the update touches one partition's index only.
          await client.query(
            `UPDATE events SET disclosures = $1, search = $2::tsvector, ip = CASE WHEN $3 THEN NULL ELSE ip END
              WHERE tenant_id = $4 AND seq = $5 AND received_at = $6`,
            [
              JSON.stringify(change.disclosures),
              toTsvectorLiteral(change.searchText),
              change.clearIp,
              tenantId,
              row.seq,
              row.received_at,
            ],
          );
          events++;
          fields += change.erased.length;
        }
        return { events, fields };
      }),
  };
}
