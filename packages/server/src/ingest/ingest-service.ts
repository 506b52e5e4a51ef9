/** The ingest pipeline after validation: enrich and seal each draft, then hand the batch to the sequencer. */
import { DEFAULT_PERSONAL_POINTERS } from '@trailkeep/tlog';
import type { SealedEvent } from '../domain/event.js';
import type { AppendResult } from '../domain/log-append.js';
import { sealEvent, type EventDraft, type FreshlySealedEvent } from '../domain/sealing.js';
import type { Sequencer } from './sequencer.js';
import type { Enricher } from './enrichment/enricher.js';

export type DraftSealer = (draft: EventDraft) => FreshlySealedEvent;

export interface IngestService {
  /** Appends drafts to a tenant's log; resolves once they are durable, one result per draft. */
  ingest(tenantId: string, drafts: readonly EventDraft[]): Promise<AppendResult[]>;
  /** Appends events sealed already (by `sealer()` or on a worker thread with `draftSealer`). */
  appendSealed(tenantId: string, events: readonly SealedEvent[]): Promise<AppendResult[]>;
  /** The function ingest seals drafts with, once enrichment is ready. */
  sealer(): Promise<DraftSealer>;
}

/** Enriches a draft's body (geo-IP, user agent) and seals it; the enricher must be ready. */
export function draftSealer(enricher: Enricher | undefined, personalPointers: readonly string[]): DraftSealer {
  return (draft) => sealEvent(enricher ? { ...draft, body: enricher.enrich(draft.body) } : draft, personalPointers);
}

export function createIngestService(deps: {
  sequencer: Sequencer;
  personalPointers?: readonly string[];
  /** Geo-IP and user-agent enrichment, sealed with the body (DESIGN §4). */
  enricher?: Enricher;
}): IngestService {
  const { enricher, sequencer } = deps;
  const seal = draftSealer(enricher, deps.personalPointers ?? DEFAULT_PERSONAL_POINTERS);
  const submit = (tenantId: string, drafts: readonly EventDraft[]): Promise<AppendResult[]> =>
    sequencer.submit(tenantId, drafts.map(seal));
  return {
    ingest(tenantId, drafts) {
      // The geo database opens once at start; only requests arriving before that wait for it.
      if (enricher && !enricher.isReady()) return enricher.ready().then(() => submit(tenantId, drafts));
      return submit(tenantId, drafts);
    },
    appendSealed: (tenantId, events) => sequencer.submit(tenantId, events),
    sealer: async () => {
      if (enricher && !enricher.isReady()) await enricher.ready();
      return seal;
    },
  };
}
