/**
 * The Merkle tree on PostgreSQL: TreeStore. An integration round is one transaction; each
 * tenant's tree_state row is locked (SELECT … FOR UPDATE) from reading the state to writing the
 * plan, in ascending tenant order, so several servers never integrate or sign one tenant at once
 * and never deadlock. A tenant whose plan fails is rolled back to its savepoint; the others commit.
 */
import { TrailkeepError } from '../../domain/errors.js';
import { peaksFromBytes, peaksToBytes } from '../tree-encoding.js';
import { TILE_WIDTH } from '../../domain/tree-tiles.js';
import type {
  SignedCheckpoint,
  TreeIntegrationInput,
  TreeIntegrationPlan,
  TreeIntegrationResult,
  TreeIntegrationStep,
  TreeState,
  TreeTile,
} from '../../domain/tree.js';
import type { TreeStore } from '../port.js';
import { translatePgError } from './pg-errors.js';
import { inTransaction, withClient, type PgClient, type PgPool } from './pg-pool.js';

interface CheckpointRow {
  tenant_id: string;
  size: number;
  root_hash: Buffer;
  note: string;
  signed_at: Date;
  milestone: boolean;
}

const CHECKPOINT_COLUMNS = 'tenant_id, size, root_hash, note, signed_at, milestone';

function toCheckpoint(row: CheckpointRow): SignedCheckpoint {
  return {
    tenantId: row.tenant_id,
    size: row.size,
    rootHash: new Uint8Array(row.root_hash),
    note: row.note,
    signedAt: row.signed_at.toISOString(),
    milestone: row.milestone,
  };
}

async function latestCheckpoint(client: PgClient, tenantId: string): Promise<SignedCheckpoint | undefined> {
  const { rows } = await client.query<CheckpointRow>(
    `SELECT ${CHECKPOINT_COLUMNS} FROM checkpoints WHERE tenant_id = $1 ORDER BY size DESC LIMIT 1`,
    [tenantId],
  );
  return rows[0] && toCheckpoint(rows[0]);
}

/** Leaf hashes of [from, to]; a missing sequence would misplace every later leaf, so it stops integration. */
async function leafRange(client: PgClient, tenantId: string, from: number, to: number): Promise<Uint8Array[]> {
  if (to < from) return [];
  const { rows } = await client.query<{ seq: number; leaf_hash: string }>(
    'SELECT seq, leaf_hash FROM events WHERE tenant_id = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq',
    [tenantId, from, to],
  );
  rows.forEach((row, i) => {
    if (row.seq !== from + i) throw new Error(`event ${from + i} of tenant ${tenantId} is missing`);
  });
  if (rows.length !== to - from + 1) throw new Error(`event ${from + rows.length} of tenant ${tenantId} is missing`);
  return rows.map((r) => new Uint8Array(Buffer.from(r.leaf_hash, 'hex')));
}

async function readInput(client: PgClient, tenantId: string, step: TreeIntegrationStep): Promise<TreeIntegrationInput> {
  await client.query(
    `INSERT INTO tree_state (tenant_id, size, peaks, updated_at) SELECT id, 0, '\\x', now() FROM tenants WHERE id = $1
     ON CONFLICT (tenant_id) DO NOTHING`,
    [tenantId],
  );
  const { rows } = await client.query<{ size: number; peaks: Buffer; log_origin: string; log_size: number }>(
    `SELECT s.size, s.peaks, t.log_origin, h.size AS log_size FROM tree_state s
       JOIN tenants t ON t.id = s.tenant_id JOIN log_heads h ON h.tenant_id = s.tenant_id
      WHERE s.tenant_id = $1 FOR UPDATE OF s`,
    [tenantId],
  );
  const row = rows[0];
  if (!row) throw new TrailkeepError('TK_ERR_TENANT_NOT_FOUND', `tenant ${tenantId} does not exist`);
  const state: TreeState = { size: row.size, peaks: peaksFromBytes(row.peaks) };
  const to = Math.min(row.log_size, state.size + step.maxLeaves);
  const leavesFrom = to > state.size ? state.size - (state.size % TILE_WIDTH) + 1 : state.size + 1;
  const wanted = step.edgeTiles(state.size);
  const edgeTiles = wanted.length === 0 ? [] : await readTiles(client, tenantId, wanted);
  return {
    tenantId,
    origin: row.log_origin,
    state,
    logSize: row.log_size,
    leavesFrom,
    leafHashes: await leafRange(client, tenantId, leavesFrom, to),
    edgeTiles,
    latestCheckpoint: await latestCheckpoint(client, tenantId),
  };
}

async function readTiles(
  client: PgClient,
  tenantId: string,
  ids: readonly { level: number; index: number }[],
): Promise<TreeTile[]> {
  if (ids.length === 0) return [];
  const { rows } = await client.query<{ level: number; idx: number; hashes: Buffer; subtree_hashes: Buffer | null }>(
    `SELECT t.level, t.idx, t.hashes, t.subtree_hashes FROM tree_tiles t
       JOIN unnest($2::int[], $3::bigint[]) AS w (level, idx) ON t.level = w.level AND t.idx = w.idx
      WHERE t.tenant_id = $1`,
    [tenantId, ids.map((i) => i.level), ids.map((i) => i.index)],
  );
  return rows.map((r) => {
    const tile: TreeTile = { level: r.level, index: r.idx, hashes: new Uint8Array(r.hashes) };
    if (r.subtree_hashes) tile.subtreeHashes = new Uint8Array(r.subtree_hashes);
    return tile;
  });
}

async function writePlan(client: PgClient, tenantId: string, plan: TreeIntegrationPlan): Promise<void> {
  if (plan.tiles.length > 0) {
    await client.query(
      `INSERT INTO tree_tiles (tenant_id, level, idx, hashes, subtree_hashes)
       SELECT $1, * FROM unnest($2::int[], $3::bigint[], $4::bytea[], $5::bytea[])
       ON CONFLICT (tenant_id, level, idx)
       DO UPDATE SET hashes = excluded.hashes, subtree_hashes = excluded.subtree_hashes`,
      [
        tenantId,
        plan.tiles.map((t) => t.level),
        plan.tiles.map((t) => t.index),
        plan.tiles.map((t) => Buffer.from(t.hashes)),
        plan.tiles.map((t) => (t.subtreeHashes ? Buffer.from(t.subtreeHashes) : null)),
      ],
    );
  }
  if (plan.state) {
    await client.query('UPDATE tree_state SET size = $1, peaks = $2, updated_at = now() WHERE tenant_id = $3', [
      plan.state.size,
      peaksToBytes(plan.state.peaks),
      tenantId,
    ]);
  }
  const c = plan.checkpoint;
  if (c) {
    await client.query(`INSERT INTO checkpoints (${CHECKPOINT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`, [
      tenantId,
      c.size,
      Buffer.from(c.rootHash),
      c.note,
      c.signedAt,
      c.milestone,
    ]);
  }
  if (plan.pruneCheckpointSize !== undefined) {
    await client.query('DELETE FROM checkpoints WHERE tenant_id = $1 AND size = $2 AND NOT milestone', [
      tenantId,
      plan.pruneCheckpointSize,
    ]);
  }
}

async function integrateOne(
  client: PgClient,
  tenantId: string,
  step: TreeIntegrationStep,
): Promise<TreeIntegrationResult> {
  await client.query('SAVEPOINT tenant_tree');
  let planning = false;
  try {
    const input = await readInput(client, tenantId, step);
    planning = true;
    const plan = step.plan(input);
    planning = false;
    await writePlan(client, tenantId, plan);
    await client.query('RELEASE SAVEPOINT tenant_tree');
    return plan.outcome;
  } catch (error) {
    await client.query('ROLLBACK TO SAVEPOINT tenant_tree');
    // The plan's errors are the domain's own (a missing tile, a tree that does not fit); anything
    // else came from pg and is translated like every driver error, so no pg type leaves here.
    return { tenantId, error: planning ? error : translatePgError(error) };
  }
}

export function createPgTree(pool: PgPool): TreeStore {
  const one = <R extends object>(sql: string, values: unknown[]) =>
    withClient(pool, async (client) => (await client.query<R>(sql, values)).rows);
  return {
    integrateTrees: (tenantIds, step) =>
      inTransaction(pool, async (client) => {
        const results = new Map<string, TreeIntegrationResult>();
        for (const tenantId of [...new Set(tenantIds)].sort()) {
          results.set(tenantId, await integrateOne(client, tenantId, step));
        }
        return tenantIds.map((id) => results.get(id)!);
      }),
    getTreeState: async (tenantId) => {
      const [row] = await one<{ size: number; peaks: Buffer }>(
        'SELECT size, peaks FROM tree_state WHERE tenant_id = $1',
        [tenantId],
      );
      return row && { size: row.size, peaks: peaksFromBytes(row.peaks) };
    },
    getTreeTiles: (tenantId, ids) => withClient(pool, (client) => readTiles(client, tenantId, ids)),
    getLeafHashes: async (tenantId, from, to) =>
      (
        await one<{ leaf_hash: string }>(
          'SELECT leaf_hash FROM events WHERE tenant_id = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq',
          [tenantId, from, to],
        )
      ).map((r) => new Uint8Array(Buffer.from(r.leaf_hash, 'hex'))),
    getLogEntries: async (tenantId, from, to) =>
      (
        await one<{ seq: number; entry: string; leaf_hash: string }>(
          'SELECT seq, entry, leaf_hash FROM events WHERE tenant_id = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq',
          [tenantId, from, to],
        )
      ).map((r) => ({ sequence: r.seq, entry: r.entry, leafHash: r.leaf_hash })),
    getLatestCheckpoint: (tenantId) => withClient(pool, (client) => latestCheckpoint(client, tenantId)),
    getCheckpoint: async (tenantId, size) => {
      const [row] = await one<CheckpointRow>(
        `SELECT ${CHECKPOINT_COLUMNS} FROM checkpoints WHERE tenant_id = $1 AND size = $2`,
        [tenantId, size],
      );
      return row && toCheckpoint(row);
    },
    listTenantsToIntegrate: async () =>
      (
        await one<{ tenant_id: string }>(
          `SELECT h.tenant_id FROM log_heads h LEFT JOIN tree_state s ON s.tenant_id = h.tenant_id
            WHERE h.size > coalesce(s.size, 0)
               OR coalesce(s.size, 0) > coalesce((SELECT max(c.size) FROM checkpoints c WHERE c.tenant_id = h.tenant_id), 0)
            ORDER BY h.tenant_id`,
          [],
        )
      ).map((r) => r.tenant_id),
  };
}
