/** The ingest pipeline after validation: seal each draft, then hand the batch to the sequencer. */
import { DEFAULT_PERSONAL_POINTERS } from '@trailkeep/tlog';
import type { AppendResult } from '../domain/log-append.js';
import { sealEvent, type EventDraft } from '../domain/sealing.js';
import type { Sequencer } from './sequencer.js';

export interface IngestService {
  /** Appends drafts to a tenant's log; resolves once they are durable, one result per draft. */
  ingest(tenantId: string, drafts: readonly EventDraft[]): Promise<AppendResult[]>;
}

export function createIngestService(deps: {
  sequencer: Sequencer;
  personalPointers?: readonly string[];
}): IngestService {
  const pointers = deps.personalPointers ?? DEFAULT_PERSONAL_POINTERS;
  return {
    ingest(tenantId, drafts) {
      return deps.sequencer.submit(
        tenantId,
        drafts.map((d) => sealEvent(d, pointers)),
      );
    },
  };
}
