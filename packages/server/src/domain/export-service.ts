/**
 * Evidence export (DESIGN §3): a tenant's log up to a signed checkpoint, as a streamed bundle an
 * auditor verifies offline (format: packages/tlog/src/evidence-bundle.ts). The export is itself
 * recorded in the tenant's log before the first byte is sent.
 */
import {
  EVIDENCE_FORMAT,
  EVIDENCE_VERSION,
  formatEvidenceEvent,
  formatEvidenceHeader,
  formatEvidenceTrailer,
  toHex,
  type EvidenceHeader,
} from '@trailkeep/tlog';
import type { AuditStore } from '../storage/port.js';
import { EXPORT_ACTION, auditEventDraft } from './audit-events.js';
import { TrailkeepError } from './errors.js';
import type { Actor } from './event.js';
import type { AppendResult } from './log-append.js';
import type { EventDraft } from './sealing.js';
import type { Tenant } from './tenancy.js';
import type { TreeReader } from './tree-reader.js';
import type { CheckpointKey, CheckpointWaiter, SignedCheckpoint } from './tree.js';

export interface ExportRequest {
  tenant: Tenant;
  /** Who exports: recorded as the actor of the export event. */
  actor: Actor;
  /** First sequence to export (default 1: the whole log). */
  fromSequence?: number;
  /** How long to wait for a checkpoint covering the events sequenced so far. */
  waitMs?: number;
}

export interface EvidenceExport {
  header: EvidenceHeader;
  /** Number of event lines the bundle carries. */
  events: number;
  /** Bundle lines (header, events, trailer), without newlines. */
  lines(): AsyncGenerator<string>;
}

const PAGE = 1000;

type ExportStore = Pick<AuditStore, 'getLogHead' | 'getLatestCheckpoint' | 'getTreeState' | 'getEventsBySequence'>;

export type ExportService = ReturnType<typeof createExportService>;

export function createExportService(deps: {
  store: ExportStore;
  tree: TreeReader;
  key: CheckpointKey;
  integrator: CheckpointWaiter;
  /** Records the export event (the ingest pipeline). */
  record: (tenantId: string, drafts: readonly EventDraft[]) => Promise<AppendResult[]>;
  now?: () => Date;
}) {
  const { store } = deps;
  const now = (): Date => (deps.now ?? (() => new Date()))();

  /** The newest checkpoint, after waiting (bounded) for one covering every event sequenced so far. */
  async function checkpointFor(tenant: Tenant, waitMs: number): Promise<SignedCheckpoint> {
    const head = await store.getLogHead(tenant.id);
    if (head !== undefined && head.size > 0) {
      const covering = await deps.integrator.waitForCheckpoint(tenant.id, head.size, waitMs).catch(() => undefined);
      if (covering !== undefined) return covering;
    }
    const latest = await store.getLatestCheckpoint(tenant.id);
    if (!latest)
      throw new TrailkeepError(
        'TK_ERR_CHECKPOINT_NOT_FOUND',
        `the log of ${tenant.id} has no checkpoint to export yet`,
      );
    return latest;
  }

  async function* lines(header: EvidenceHeader): AsyncGenerator<string> {
    yield formatEvidenceHeader(header);
    let count = 0;
    for (let from = header.prefix.size + 1; from <= header.tree_size; from += PAGE) {
      const to = Math.min(from + PAGE - 1, header.tree_size);
      for (const e of await store.getEventsBySequence(header.tenant_id, from, to)) {
        count++;
        yield formatEvidenceEvent({
          sequence: e.sequence,
          entry: e.entry,
          sealed_body: e.sealedBody,
          disclosures: e.disclosures,
        });
      }
    }
    yield formatEvidenceTrailer(count);
  }

  return {
    async open(request: ExportRequest): Promise<EvidenceExport> {
      const { tenant } = request;
      const checkpoint = await checkpointFor(tenant, request.waitMs ?? 5000);
      const from = request.fromSequence ?? 1;
      if (from < 1 || from > checkpoint.size) {
        throw new TrailkeepError('TK_ERR_INVALID_TREE_SIZE', `from_sequence must be between 1 and ${checkpoint.size}`, {
          field: 'from_sequence',
        });
      }
      const integrated = (await store.getTreeState(tenant.id))?.size ?? checkpoint.size;
      const peaks = from > 1 ? await deps.tree.compactRange(tenant.id, from - 1, integrated) : [];
      const header: EvidenceHeader = {
        format: EVIDENCE_FORMAT,
        version: EVIDENCE_VERSION,
        origin: tenant.logOrigin,
        tenant_id: tenant.id,
        exported_at: now().toISOString(),
        tree_size: checkpoint.size,
        checkpoint: checkpoint.note,
        vkey: deps.key.verifierKey(tenant.logOrigin),
        prefix: { size: from - 1, peaks: peaks.map(toHex) },
      };
      const draft = auditEventDraft({
        action: EXPORT_ACTION,
        actor: request.actor,
        summary: `Evidence export of sequences ${from}–${checkpoint.size}`,
        metadata: {
          format: `${EVIDENCE_FORMAT}/${EVIDENCE_VERSION}`,
          tree_size: checkpoint.size,
          first_sequence: from,
        },
        now: now(),
      });
      await deps.record(tenant.id, [draft]);
      return { header, events: checkpoint.size - from + 1, lines: () => lines(header) };
    },
  };
}
