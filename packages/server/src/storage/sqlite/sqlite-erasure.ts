/** Erasure of a data subject on SQLite: ErasureStore. Disclosures, the ip column and full text change; leaves never. */
import type Database from 'better-sqlite3';
import type { ErasureStore } from '../port.js';
import type { SqliteGate } from './sqlite-gate.js';
import { EVENT_COLUMNS, toStoredEvent, type EventRow } from './sqlite-rows.js';

type ErasureRow = EventRow & { pk: number };
type Subject = Parameters<ErasureStore['eraseSubject']>[1];
type Plan = Parameters<ErasureStore['eraseSubject']>[2];

export function createSqliteErasure(db: Database.Database, gate: SqliteGate): ErasureStore {
  const byActor = db.prepare<[string, string], ErasureRow>(
    `SELECT e.pk, ${EVENT_COLUMNS} FROM events e WHERE e.tenant_id = ? AND e.actor_id = ? ORDER BY e.seq`,
  );
  // Emails are sealed, not indexed: erasure by email reads the tenant's disclosures (a rare admin act).
  const byEmail = db.prepare<[string, string], ErasureRow>(
    `SELECT e.pk, ${EVENT_COLUMNS} FROM events e
      WHERE e.tenant_id = ? AND json_extract(e.disclosures, '$."/actor/email".value') = ? ORDER BY e.seq`,
  );
  const update = db.prepare(
    'UPDATE events SET disclosures = ?, ip = CASE WHEN ? = 1 THEN NULL ELSE ip END WHERE pk = ?',
  );
  const deleteText = db.prepare('DELETE FROM events_fts WHERE rowid = ?');
  const insertText = db.prepare('INSERT INTO events_fts (rowid, text) VALUES (?, ?)');

  const erase = db.transaction((tenantId: string, subject: Subject, plan: Plan) => {
    const rows = 'actorId' in subject ? byActor.all(tenantId, subject.actorId) : byEmail.all(tenantId, subject.email);
    let events = 0;
    let fields = 0;
    for (const row of rows) {
      const change = plan(toStoredEvent(row));
      if (change === null) continue;
      update.run(JSON.stringify(change.disclosures), change.clearIp ? 1 : 0, row.pk);
      deleteText.run(row.pk);
      insertText.run(row.pk, change.searchText);
      events++;
      fields += change.erased.length;
    }
    return { events, fields };
  });

  return {
    eraseSubject: (tenantId, subject, plan) => gate.runDurably(() => erase.immediate(tenantId, subject, plan)),
  };
}
