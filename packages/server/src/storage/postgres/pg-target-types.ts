/** Stable per-tenant numbers of target types (seed 003's content_type) on PostgreSQL: TargetTypeStore. */
import type { TargetTypeStore } from '../port.js';
import { inTransaction, withClient, type PgPool } from './pg-pool.js';
import { decodeText, encodeText } from './pg-rows.js';

export function createPgTargetTypes(pool: PgPool): TargetTypeStore {
  return {
    numberTargetTypes: (tenantId, types) =>
      inTransaction(pool, async (client) => {
        // Numbers are max + 1: a per-tenant transaction lock makes servers number one at a time,
        // so two of them never hand out the same number to different types.
        await client.query("SELECT pg_advisory_xact_lock(hashtextextended('trailkeep:target_types:' || $1, 0))", [
          tenantId,
        ]);
        const numbers = new Map<string, number>();
        for (const type of types) {
          if (numbers.has(type)) continue;
          const { rows } = await client.query<{ number: number }>(
            `WITH inserted AS (
               INSERT INTO target_types (tenant_id, type, number)
               SELECT $1, $2, coalesce(max(number), 0) + 1 FROM target_types WHERE tenant_id = $1
               ON CONFLICT (tenant_id, type) DO NOTHING RETURNING number)
             SELECT number FROM inserted UNION ALL SELECT number FROM target_types WHERE tenant_id = $1 AND type = $2`,
            [tenantId, encodeText(type)],
          );
          if (rows[0]) numbers.set(type, rows[0].number);
        }
        return numbers;
      }),
    targetTypeByNumber: (tenantId, number) =>
      withClient(pool, async (client) => {
        const { rows } = await client.query<{ type: string }>(
          'SELECT type FROM target_types WHERE tenant_id = $1 AND number = $2',
          [tenantId, number],
        );
        return rows[0] && decodeText(rows[0].type);
      }),
  };
}
