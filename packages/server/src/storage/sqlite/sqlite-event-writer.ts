/** Prepared statements for the write path of an append transaction. */
import type Database from 'better-sqlite3';
import type { SealedEvent, StoredEvent } from '../../domain/event.js';
import type { LogHead, NewEventRow } from '../../domain/log-append.js';
import { minuteSpans } from '../event-minutes.js';
import { EVENT_COLUMNS, toStoredEvent, type EventRow } from './sqlite-rows.js';

export function createEventWriter(db: Database.Database) {
  const insertEvent = db.prepare(
    `INSERT INTO events (tenant_id, seq, id, received_at, occurred_at, action, category, outcome, severity,
       actor_type, actor_id, target_type, target_id, session_id, request_id, ip, vm_id,
       request_digest, body_digest, sealed_body, disclosures, entry, leaf_hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertText = db.prepare('INSERT INTO events_fts (rowid, text) VALUES (?, ?)');
  const widenMinute = db.prepare(
    `INSERT INTO event_minutes (tenant_id, minute, min_seq, max_seq) VALUES (?, ?, ?, ?)
     ON CONFLICT (tenant_id, minute) DO UPDATE
       SET min_seq = min(min_seq, excluded.min_seq), max_seq = max(max_seq, excluded.max_seq)`,
  );
  const updateHead = db.prepare(
    'UPDATE log_heads SET size = ?, head_hash = ?, last_received_at = ? WHERE tenant_id = ?',
  );
  const byId = db.prepare<[string, string], EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM events e WHERE e.tenant_id = ? AND e.id = ?`,
  );

  return {
    /** Stored events that share an id with client-identified items (server ids are fresh UUIDv7s). */
    findExisting(tenantId: string, items: readonly SealedEvent[]): Map<string, StoredEvent> {
      const found = new Map<string, StoredEvent>();
      for (const item of items) {
        if (!item.clientId || found.has(item.id)) continue;
        const row = byId.get(tenantId, item.id);
        if (row) found.set(item.id, toStoredEvent(row));
      }
      return found;
    },
    insertRows(rows: readonly NewEventRow[]): void {
      for (const r of rows) {
        const x = r.indexed;
        const { lastInsertRowid } = insertEvent.run(
          r.tenantId,
          r.sequence,
          r.id,
          r.receivedAt,
          x.occurredAt,
          x.action,
          x.category,
          x.outcome,
          x.severity,
          x.actorType,
          x.actorId,
          x.targetType,
          x.targetId,
          x.sessionId,
          x.requestId,
          x.ip,
          x.vmId,
          r.requestDigest,
          r.bodyDigest,
          r.sealedBody,
          JSON.stringify(r.disclosures),
          r.entry,
          r.leafHash,
        );
        insertText.run(lastInsertRowid, r.searchText);
      }
      for (const span of minuteSpans(rows)) widenMinute.run(span.tenantId, span.minute, span.min, span.max);
    },
    updateHead(head: LogHead): void {
      updateHead.run(head.size, head.headHash, head.lastReceivedAt, head.tenantId);
    },
  };
}
