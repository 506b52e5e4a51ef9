/**
 * POST /v1/erasures: erases a data subject's personal values across a tenant (DESIGN §3) and
 * records the erasure in the tenant's log. Proofs stay valid: only disclosures, the ip column and
 * full text change (domain/erasure.ts).
 */
import type { AuditStore } from '../storage/port.js';
import { ERASURE_ACTION, auditEventDraft } from './audit-events.js';
import { planEventErasure, type ErasureSubject } from './erasure.js';
import type { Actor } from './event.js';
import type { AppendResult } from './log-append.js';
import type { EventDraft } from './sealing.js';
import type { Tenant } from './tenancy.js';

export interface ErasureResult {
  events: number;
  fields: number;
  /** The event recording the erasure. */
  recorded: AppendResult;
}

export type ErasureService = ReturnType<typeof createErasureService>;

export function createErasureService(deps: {
  store: Pick<AuditStore, 'eraseSubject'>;
  record: (tenantId: string, drafts: readonly EventDraft[]) => Promise<AppendResult[]>;
  now?: () => Date;
}) {
  return {
    /** Erases the subject's values; the caller has checked the actor may administer the tenant. */
    async erase(tenant: Tenant, subject: ErasureSubject, actor: Actor): Promise<ErasureResult> {
      const { events, fields } = await deps.store.eraseSubject(tenant.id, subject, planEventErasure);
      // The erasure event names the subject by actor id only: an erased email must not reappear here.
      const byActor = 'actorId' in subject;
      const draft = auditEventDraft({
        action: ERASURE_ACTION,
        actor,
        target: byActor ? { type: 'data_subject', id: subject.actorId } : { type: 'data_subject' },
        summary: `Erased the personal values of a data subject (${fields} fields in ${events} events)`,
        metadata: { matched_by: byActor ? 'actor_id' : 'email', events_erased: events, fields_erased: fields },
        now: (deps.now ?? (() => new Date()))(),
      });
      const [recorded] = await deps.record(tenant.id, [draft]);
      return { events, fields, recorded: recorded! };
    },
  };
}
