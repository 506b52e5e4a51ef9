/**
 * Independent verification of a tenant's stored chain, straight from the SQLite file with
 * node:crypto, JSON.parse and the `canonicalize` package only: no Trailkeep code, so it checks the
 * implementation rather than repeating it.
 */
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import canonicalize from 'canonicalize';

export interface ChainReport {
  size: number;
  sequences: number[];
  ids: string[];
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The stored entry and sealed body are RFC 8785 canonical JSON (so any verifier rebuilds the same
 * bytes), and every stored disclosure opens the commitment its pointer names in the sealed body:
 * `_sd` = hex SHA-256 of JCS([salt, pointer, value]) (leaf format v1).
 */
export function checkSealedContents(seq: number, entry: string, sealedBody: string, disclosures: unknown): void {
  if (canonicalize(JSON.parse(entry)) !== entry) throw new Error(`sequence ${seq}: entry is not canonical JSON`);
  const sealed = JSON.parse(sealedBody) as Record<string, unknown>;
  if (canonicalize(sealed) !== sealedBody) throw new Error(`sequence ${seq}: sealed body is not canonical JSON`);
  const opened = (typeof disclosures === 'string' ? JSON.parse(disclosures) : disclosures) as Record<
    string,
    { salt: string; value: unknown }
  >;
  for (const [pointer, { salt, value }] of Object.entries(opened)) {
    let node: unknown = sealed;
    for (const token of pointer.slice(1).split('/')) node = (node as Record<string, unknown> | undefined)?.[token];
    const digest = (node as { _sd?: unknown } | undefined)?._sd;
    if (digest !== sha256(canonicalize([salt, pointer, value])!)) {
      throw new Error(`sequence ${seq}: disclosure ${pointer} does not open its commitment`);
    }
  }
}

export function verifyStoredChain(dbPath: string, tenantId: string): ChainReport {
  const db = new Database(dbPath, { readonly: true });
  try {
    const rows = db
      .prepare(
        'SELECT seq, id, sealed_body, body_digest, disclosures, entry, leaf_hash, received_at FROM events WHERE tenant_id = ? ORDER BY seq',
      )
      .all(tenantId) as Array<{
      seq: number;
      id: string;
      sealed_body: string;
      body_digest: string;
      disclosures: string;
      entry: string;
      leaf_hash: string;
      received_at: string;
    }>;
    const head = db.prepare('SELECT size, head_hash FROM log_heads WHERE tenant_id = ?').get(tenantId) as {
      size: number;
      head_hash: string;
    };
    let prev = '0'.repeat(64);
    let lastRcv = '';
    rows.forEach((row, i) => {
      if (row.seq !== i + 1) throw new Error(`gap: expected sequence ${i + 1}, found ${row.seq}`);
      const leaf = sha256(Buffer.concat([Buffer.from([0]), Buffer.from(row.entry, 'utf8')]));
      if (leaf !== row.leaf_hash) throw new Error(`sequence ${row.seq}: stored leaf hash does not match its entry`);
      const entry = JSON.parse(row.entry) as {
        v: number;
        idx: string;
        prev: string;
        body: string;
        rcv: string;
        log: string;
      };
      if (entry.v !== 1 || entry.idx !== String(row.seq))
        throw new Error(`sequence ${row.seq}: entry idx ${entry.idx}`);
      if (entry.prev !== prev) throw new Error(`sequence ${row.seq}: prev does not link to sequence ${row.seq - 1}`);
      if (entry.body !== sha256(row.sealed_body) || entry.body !== row.body_digest)
        throw new Error(`sequence ${row.seq}: body digest`);
      if (entry.rcv !== row.received_at || entry.rcv < lastRcv) throw new Error(`sequence ${row.seq}: received_at`);
      if (entry.log !== `localhost/t/${tenantId}`) throw new Error(`sequence ${row.seq}: origin ${entry.log}`);
      checkSealedContents(row.seq, row.entry, row.sealed_body, row.disclosures);
      prev = leaf;
      lastRcv = entry.rcv;
    });
    if (head.size !== rows.length || head.head_hash !== prev) throw new Error('log head does not match the last event');
    return { size: rows.length, sequences: rows.map((r) => r.seq), ids: rows.map((r) => r.id) };
  } finally {
    db.close();
  }
}
