/**
 * Monthly partitions of the events table (by received_at, in UTC). The store creates the current
 * month and a few ahead when it opens and then hourly, so inserts find their partition already
 * there and DDL never runs on the write path. If a row still arrives for a month without a
 * partition (a clock far ahead, maintenance failing for months), it lands in events_default rather
 * than failing; the next maintenance run moves such rows into their new month's partition.
 */
import type { PgClient } from './pg-pool.js';

/**
 * Months created ahead of the current one. One is enough with an hourly check, and every empty
 * partition costs planning time on every query (the planner considers each one's indexes).
 */
export const MONTHS_AHEAD = 1;

export interface MonthRange {
  /** events_pYYYY_MM */
  name: string;
  from: string;
  to: string;
}

function monthStart(year: number, month: number): Date {
  return new Date(Date.UTC(year, month, 1));
}

/** The partition of the month containing `at`, `offset` months later. */
export function monthRange(at: Date, offset = 0): MonthRange {
  const from = monthStart(at.getUTCFullYear(), at.getUTCMonth() + offset);
  const to = monthStart(from.getUTCFullYear(), from.getUTCMonth() + 1);
  const name = `events_p${from.getUTCFullYear()}_${String(from.getUTCMonth() + 1).padStart(2, '0')}`;
  return { name, from: from.toISOString(), to: to.toISOString() };
}

/** Names of the events table's partitions. */
export async function listEventPartitions(client: PgClient): Promise<Set<string>> {
  const { rows } = await client.query<{ name: string }>(
    "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'events'::regclass",
  );
  return new Set(rows.map((r) => r.name));
}

/**
 * Creates a month whose rows already sit in the default partition: in one transaction the rows
 * move into a new table, which is then attached (PostgreSQL refuses to attach a range that the
 * default partition still holds rows of). Indexes are created on attach to match the parent's.
 *
 * Appends may be landing in the default partition all the while (that is why it has rows). The
 * transaction therefore first takes the default partition in ACCESS EXCLUSIVE mode: from before
 * the rows are read until the month is attached, no append can commit a row there, so none can
 * be left behind by the move (or be deleted without being copied) and the attach cannot find a
 * straggler. Appends wait for the lock instead (bounded by the caller's lock_timeout); those that
 * had already routed a row to the default partition get a retryable error (pg-errors.ts). ATTACH
 * takes this very lock anyway: taking it first, rather than upgrading to it, also means the
 * transaction never holds a weaker lock on the partition while waiting for the strong one, which
 * could deadlock with an append that read the partition and then wants to insert.
 */
async function createMonthFromDefault(client: PgClient, month: MonthRange): Promise<void> {
  const range = 'received_at >= $1::timestamptz AND received_at < $2::timestamptz';
  await client.query('BEGIN');
  try {
    await client.query('LOCK TABLE events_default IN ACCESS EXCLUSIVE MODE');
    await client.query(`CREATE TABLE ${month.name} (LIKE events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
    // One statement, so the rows inserted are by construction the rows deleted.
    await client.query(
      `WITH moved AS (DELETE FROM events_default WHERE ${range} RETURNING *) INSERT INTO ${month.name} SELECT * FROM moved`,
      [month.from, month.to],
    );
    await client.query(
      `ALTER TABLE events ATTACH PARTITION ${month.name} FOR VALUES FROM ('${month.from}') TO ('${month.to}')`,
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function createMonth(client: PgClient, month: MonthRange): Promise<void> {
  try {
    await client.query(
      `CREATE TABLE ${month.name} PARTITION OF events FOR VALUES FROM ('${month.from}') TO ('${month.to}')`,
    );
  } catch (error) {
    // 23514: the default partition holds rows of this month.
    if ((error as { code?: unknown }).code !== '23514') throw error;
    await createMonthFromDefault(client, month);
  }
}

/**
 * Makes sure the month of `now` and MONTHS_AHEAD more have partitions. The caller holds the schema
 * lock, so concurrent instances never race on the same DDL. Returns the partitions created.
 */
export async function ensureEventPartitions(client: PgClient, now: Date = new Date()): Promise<string[]> {
  const existing = await listEventPartitions(client);
  const created: string[] = [];
  // DDL on a partitioned table waits for running queries on it; give up quickly and retry later
  // rather than stall ingest behind a long query (the default partition covers the meantime).
  await client.query("SET lock_timeout = '2s'");
  try {
    for (let offset = 0; offset <= MONTHS_AHEAD; offset++) {
      const month = monthRange(now, offset);
      if (existing.has(month.name)) continue;
      await createMonth(client, month);
      created.push(month.name);
    }
  } finally {
    await client.query('RESET lock_timeout');
  }
  return created;
}
