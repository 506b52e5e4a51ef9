/**
 * The Merkle tree on SQLite: TreeStore. Integration runs in one IMMEDIATE transaction, which holds
 * SQLite's single write lock from reading a tenant's tree state to writing its plan, so processes
 * sharing the file (the server and an offline `trailkeep export`) never integrate or sign one
 * tenant at once. Its commit does not fsync (synchronous=NORMAL for that transaction only).
 */
import type Database from 'better-sqlite3';
import { peaksFromBytes, peaksToBytes } from '../tree-encoding.js';
import { TrailkeepError } from '../../domain/errors.js';
import { TILE_WIDTH } from '../../domain/tree-tiles.js';
import type {
  SignedCheckpoint,
  TreeIntegrationInput,
  TreeIntegrationPlan,
  TreeIntegrationResult,
  TreeIntegrationStep,
  TreeState,
} from '../../domain/tree.js';
import type { TreeStore } from '../port.js';
import type { SqliteGate } from './sqlite-gate.js';

interface StateRow {
  size: number;
  peaks: Buffer;
  log_origin: string;
  log_size: number;
}

interface CheckpointRow {
  tenant_id: string;
  size: number;
  root_hash: Buffer;
  note: string;
  signed_at: string;
  milestone: number;
}

function toCheckpoint(row: CheckpointRow): SignedCheckpoint {
  return {
    tenantId: row.tenant_id,
    size: row.size,
    rootHash: new Uint8Array(row.root_hash),
    note: row.note,
    signedAt: row.signed_at,
    milestone: row.milestone === 1,
  };
}

function prepare(db: Database.Database) {
  const checkpointColumns = 'tenant_id, size, root_hash, note, signed_at, milestone';
  return {
    ensureState: db.prepare(
      "INSERT OR IGNORE INTO tree_state (tenant_id, size, peaks, updated_at) SELECT id, 0, x'', ? FROM tenants WHERE id = ?",
    ),
    state: db.prepare<[string], StateRow>(
      `SELECT s.size, s.peaks, t.log_origin, h.size AS log_size FROM tree_state s
         JOIN tenants t ON t.id = s.tenant_id JOIN log_heads h ON h.tenant_id = s.tenant_id WHERE s.tenant_id = ?`,
    ),
    leaves: db.prepare<[string, number, number], { seq: number; leaf_hash: string }>(
      'SELECT seq, leaf_hash FROM events WHERE tenant_id = ? AND seq BETWEEN ? AND ? ORDER BY seq',
    ),
    entries: db.prepare<[string, number, number], { seq: number; entry: string; leaf_hash: string }>(
      'SELECT seq, entry, leaf_hash FROM events WHERE tenant_id = ? AND seq BETWEEN ? AND ? ORDER BY seq',
    ),
    tile: db.prepare<[string, number, number], { hashes: Buffer; subtree_hashes: Buffer | null }>(
      'SELECT hashes, subtree_hashes FROM tree_tiles WHERE tenant_id = ? AND level = ? AND idx = ?',
    ),
    latest: db.prepare<[string], CheckpointRow>(
      `SELECT ${checkpointColumns} FROM checkpoints WHERE tenant_id = ? ORDER BY size DESC LIMIT 1`,
    ),
    bySize: db.prepare<[string, number], CheckpointRow>(
      `SELECT ${checkpointColumns} FROM checkpoints WHERE tenant_id = ? AND size = ?`,
    ),
    putTile: db.prepare(
      `INSERT INTO tree_tiles (tenant_id, level, idx, hashes, subtree_hashes) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (tenant_id, level, idx) DO UPDATE SET hashes = excluded.hashes, subtree_hashes = excluded.subtree_hashes`,
    ),
    putState: db.prepare('UPDATE tree_state SET size = ?, peaks = ?, updated_at = ? WHERE tenant_id = ?'),
    insertCheckpoint: db.prepare(`INSERT INTO checkpoints (${checkpointColumns}) VALUES (?, ?, ?, ?, ?, ?)`),
    deleteCheckpoint: db.prepare('DELETE FROM checkpoints WHERE tenant_id = ? AND size = ? AND milestone = 0'),
    toIntegrate: db.prepare<[], { tenant_id: string }>(
      `SELECT h.tenant_id FROM log_heads h LEFT JOIN tree_state s ON s.tenant_id = h.tenant_id
        WHERE h.size > coalesce(s.size, 0)
           OR coalesce(s.size, 0) > coalesce((SELECT max(c.size) FROM checkpoints c WHERE c.tenant_id = h.tenant_id), 0)
        ORDER BY h.tenant_id`,
    ),
  };
}

export function createSqliteTree(db: Database.Database, gate: SqliteGate): TreeStore {
  const stmt = prepare(db);

  /** Leaf hashes of [from, to]; a missing sequence would misplace every later leaf, so it stops integration. */
  function leafRange(tenantId: string, from: number, to: number): Uint8Array[] {
    if (to < from) return [];
    const rows = stmt.leaves.all(tenantId, from, to);
    rows.forEach((row, i) => {
      if (row.seq !== from + i) throw new Error(`event ${from + i} of tenant ${tenantId} is missing`);
    });
    if (rows.length !== to - from + 1) throw new Error(`event ${from + rows.length} of tenant ${tenantId} is missing`);
    return rows.map((r) => Buffer.from(r.leaf_hash, 'hex'));
  }

  function readInput(tenantId: string, step: TreeIntegrationStep, now: string): TreeIntegrationInput {
    stmt.ensureState.run(now, tenantId);
    const row = stmt.state.get(tenantId);
    if (!row) throw new TrailkeepError('TK_ERR_TENANT_NOT_FOUND', `tenant ${tenantId} does not exist`);
    const state: TreeState = { size: row.size, peaks: peaksFromBytes(row.peaks) };
    const to = Math.min(row.log_size, state.size + step.maxLeaves);
    const leavesFrom = to > state.size ? state.size - (state.size % TILE_WIDTH) + 1 : state.size + 1;
    const edgeTiles = step.edgeTiles(state.size).flatMap((id) => {
      const tile = stmt.tile.get(tenantId, id.level, id.index);
      return tile ? [{ ...id, hashes: new Uint8Array(tile.hashes) }] : [];
    });
    const latest = stmt.latest.get(tenantId);
    return {
      tenantId,
      origin: row.log_origin,
      state,
      logSize: row.log_size,
      leavesFrom,
      leafHashes: leafRange(tenantId, leavesFrom, to),
      edgeTiles,
      latestCheckpoint: latest && toCheckpoint(latest),
    };
  }

  function write(tenantId: string, plan: TreeIntegrationPlan, now: string): void {
    for (const t of plan.tiles) stmt.putTile.run(tenantId, t.level, t.index, t.hashes, t.subtreeHashes ?? null);
    if (plan.state) stmt.putState.run(plan.state.size, peaksToBytes(plan.state.peaks), now, tenantId);
    const c = plan.checkpoint;
    if (c) stmt.insertCheckpoint.run(tenantId, c.size, c.rootHash, c.note, c.signedAt, c.milestone ? 1 : 0);
    if (plan.pruneCheckpointSize !== undefined) stmt.deleteCheckpoint.run(tenantId, plan.pruneCheckpointSize);
  }

  const integrate = db.transaction((tenantIds: readonly string[], step: TreeIntegrationStep) => {
    const now = new Date().toISOString();
    const results = new Map<string, TreeIntegrationResult>();
    for (const tenantId of [...new Set(tenantIds)].sort()) {
      let plan: TreeIntegrationPlan;
      try {
        plan = step.plan(readInput(tenantId, step, now));
      } catch (error) {
        results.set(tenantId, { tenantId, error });
        continue;
      }
      write(tenantId, plan, now);
      results.set(tenantId, plan.outcome);
    }
    return tenantIds.map((id) => results.get(id)!);
  });

  return {
    integrateTrees: (tenantIds, step) =>
      gate.run(() => {
        // The tree is derived from events that were durable before it read them, and a root is a
        // function of its leaves: a round lost to a power cut is redone identically (Ed25519
        // signatures are deterministic too). So its commit need not wait for an fsync, which would
        // only take turns away from the ingest commits that must.
        const previous = db.pragma('synchronous', { simple: true }) as number;
        db.pragma('synchronous = NORMAL');
        try {
          return integrate.immediate(tenantIds, step);
        } finally {
          db.pragma(`synchronous = ${previous}`);
        }
      }),
    getTreeState: (tenantId) =>
      gate.run(() => {
        const row = stmt.state.get(tenantId);
        return row && { size: row.size, peaks: peaksFromBytes(row.peaks) };
      }),
    getTreeTiles: (tenantId, ids) =>
      gate.run(() =>
        ids.flatMap((id) => {
          const tile = stmt.tile.get(tenantId, id.level, id.index);
          if (!tile) return [];
          const { level, index } = id;
          // better-sqlite3 answers a fresh Buffer per blob: a Uint8Array already, no copy needed.
          const hashes = tile.hashes;
          return [
            tile.subtree_hashes
              ? { level, index, hashes, subtreeHashes: tile.subtree_hashes }
              : { level, index, hashes },
          ];
        }),
      ),
    getLeafHashes: (tenantId, from, to) =>
      gate.run(() => stmt.leaves.all(tenantId, from, to).map((r) => new Uint8Array(Buffer.from(r.leaf_hash, 'hex')))),
    getLogEntries: (tenantId, from, to) =>
      gate.run(() =>
        stmt.entries.all(tenantId, from, to).map((r) => ({ sequence: r.seq, entry: r.entry, leafHash: r.leaf_hash })),
      ),
    getLatestCheckpoint: (tenantId) =>
      gate.run(() => {
        const row = stmt.latest.get(tenantId);
        return row && toCheckpoint(row);
      }),
    getCheckpoint: (tenantId, size) =>
      gate.run(() => {
        const row = stmt.bySize.get(tenantId, size);
        return row && toCheckpoint(row);
      }),
    listTenantsToIntegrate: () => gate.run(() => stmt.toIntegrate.all().map((r) => r.tenant_id)),
  };
}
