/** The ingest pipeline after validation: enrich and seal each draft, then hand the batch to the sequencer. */
import { DEFAULT_PERSONAL_POINTERS } from '@trailkeep/tlog';
import type { AppendResult } from '../domain/log-append.js';
import { sealEvent, type EventDraft } from '../domain/sealing.js';
import type { Sequencer } from './sequencer.js';
import type { Enricher } from './enrichment/enricher.js';

export interface IngestService {
  /** Appends drafts to a tenant's log; resolves once they are durable, one result per draft. */
  ingest(tenantId: string, drafts: readonly EventDraft[]): Promise<AppendResult[]>;
}

export function createIngestService(deps: {
  sequencer: Sequencer;
  personalPointers?: readonly string[];
  /** Geo-IP and user-agent enrichment, sealed with the body (DESIGN §4). */
  enricher?: Enricher;
}): IngestService {
  const pointers = deps.personalPointers ?? DEFAULT_PERSONAL_POINTERS;
  const { enricher } = deps;
  const submit = (tenantId: string, drafts: readonly EventDraft[]): Promise<AppendResult[]> =>
    deps.sequencer.submit(
      tenantId,
      drafts.map((d) => sealEvent(enricher ? { ...d, body: enricher.enrich(d.body) } : d, pointers)),
    );
  return {
    ingest(tenantId, drafts) {
      // The geo database opens once at start; only requests arriving before that wait for it.
      if (enricher && !enricher.isReady()) return enricher.ready().then(() => submit(tenantId, drafts));
      return submit(tenantId, drafts);
    },
  };
}
