/**
 * Independent verification of a tenant's stored chain, straight from PostgreSQL with node:crypto
 * and JSON.parse only: no Trailkeep code, so it checks the implementation rather than repeating
 * it. The PostgreSQL counterpart of chain-check.ts, with the same checks and messages.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { checkSealedContents, type ChainReport } from './chain-check.js';

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

interface Row {
  seq: string;
  id: string;
  sealed_body: string;
  body_digest: string;
  disclosures: unknown;
  entry: string;
  leaf_hash: string;
  received_at: string;
}

export async function verifyStoredChainPg(url: string, tenantId: string): Promise<ChainReport> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<Row>(
      `SELECT seq::text AS seq, id, sealed_body, body_digest, disclosures, entry, leaf_hash,
              to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS received_at
         FROM events e WHERE e.tenant_id = $1 ORDER BY e.seq`,
      [tenantId],
    );
    const head = await client.query<{ size: string; head_hash: string }>(
      'SELECT size::text AS size, head_hash FROM log_heads WHERE tenant_id = $1',
      [tenantId],
    );
    let prev = '0'.repeat(64);
    let lastRcv = '';
    rows.forEach((row, i) => {
      const seq = Number(row.seq);
      if (seq !== i + 1) throw new Error(`gap: expected sequence ${i + 1}, found ${seq}`);
      const leaf = sha256(Buffer.concat([Buffer.from([0]), Buffer.from(row.entry, 'utf8')]));
      if (leaf !== row.leaf_hash) throw new Error(`sequence ${seq}: stored leaf hash does not match its entry`);
      const entry = JSON.parse(row.entry) as {
        v: number;
        idx: string;
        prev: string;
        body: string;
        rcv: string;
        log: string;
      };
      if (entry.v !== 1 || entry.idx !== String(seq)) throw new Error(`sequence ${seq}: entry idx ${entry.idx}`);
      if (entry.prev !== prev) throw new Error(`sequence ${seq}: prev does not link to sequence ${seq - 1}`);
      if (entry.body !== sha256(row.sealed_body) || entry.body !== row.body_digest)
        throw new Error(`sequence ${seq}: body digest`);
      if (entry.rcv !== row.received_at || entry.rcv < lastRcv) throw new Error(`sequence ${seq}: received_at`);
      if (entry.log !== `localhost/t/${tenantId}`) throw new Error(`sequence ${seq}: origin ${entry.log}`);
      checkSealedContents(seq, row.entry, row.sealed_body, row.disclosures);
      prev = leaf;
      lastRcv = entry.rcv;
    });
    const stored = head.rows[0];
    if (!stored || Number(stored.size) !== rows.length || stored.head_hash !== prev) {
      throw new Error('log head does not match the last event');
    }
    return { size: rows.length, sequences: rows.map((r) => Number(r.seq)), ids: rows.map((r) => r.id) };
  } finally {
    await client.end();
  }
}
