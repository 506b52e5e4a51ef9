/**
 * Group commit (DESIGN §4): requests queue their sealed events here; one flush appends everything
 * queued, for every tenant, in one transaction, and only then are the waiting requests answered.
 * The queue is bounded: past it, submit fails with TK_ERR_OVERLOADED instead of dropping anything.
 */
import type { SealedEvent } from '../domain/event.js';
import { TrailkeepError } from '../domain/errors.js';
import type { AppendResult } from '../domain/log-append.js';
import type { AuditStore, TenantAppend } from '../storage/port.js';

export interface SequencerOptions {
  /** Most events one transaction takes (a single larger request still goes in whole). */
  maxBatchEvents: number;
  /** Most events waiting; beyond, new requests are refused with 503. */
  maxQueuedEvents: number;
  /** How long an idle sequencer waits for company before committing a lone event. */
  windowMs: number;
  /**
   * Most appends in flight at once (default 1). More only for a store that applies a later append
   * after the earlier ones, and answers it after them (StoreCapabilities.appendsInFlight).
   */
  maxInFlight?: number;
  /** Told after each commit which tenants grew, and to what size (tree integration follows). */
  onCommitted?: (grown: Array<{ tenantId: string; size: number }>) => void;
}

export interface Sequencer {
  /** Resolves with one result per item once they are durable; rejects if they are not. */
  submit(tenantId: string, items: readonly SealedEvent[]): Promise<AppendResult[]>;
  /** Number of events waiting or being committed. */
  queuedEvents(): number;
  /** Refuses new work and resolves once everything accepted so far is committed. */
  drain(): Promise<void>;
}

interface Pending {
  tenantId: string;
  items: readonly SealedEvent[];
  resolve: (results: AppendResult[]) => void;
  reject: (error: unknown) => void;
}

export function createSequencer(store: AuditStore, options: SequencerOptions): Sequencer {
  const queue: Pending[] = [];
  const maxInFlight = options.maxInFlight ?? 1;
  let queued = 0;
  let flushing = 0;
  let scheduled = false;
  let closing = false;
  const idleWaiters: Array<() => void> = [];

  function schedule(delayMs: number): void {
    if (flushing >= maxInFlight || scheduled) return;
    scheduled = true;
    const run = (): void => {
      scheduled = false;
      void flush();
    };
    if (delayMs > 0) setTimeout(run, delayMs);
    else setImmediate(run);
  }

  function takeBatch(): Pending[] {
    const taken: Pending[] = [];
    let events = 0;
    while (queue.length > 0 && (taken.length === 0 || events + queue[0]!.items.length <= options.maxBatchEvents)) {
      const next = queue.shift()!;
      events += next.items.length;
      taken.push(next);
    }
    return taken;
  }

  /** Groups by tenant, keeping arrival order within each tenant so sequences follow it. */
  function groupByTenant(taken: readonly Pending[]): { groups: TenantAppend[]; slots: Array<[number, number]> } {
    const index = new Map<string, number>();
    const groups: Array<{ tenantId: string; items: SealedEvent[] }> = [];
    const slots: Array<[number, number]> = [];
    for (const p of taken) {
      let g = index.get(p.tenantId);
      if (g === undefined) {
        g = groups.push({ tenantId: p.tenantId, items: [] }) - 1;
        index.set(p.tenantId, g);
      }
      const group = groups[g]!;
      slots.push([g, group.items.length]);
      group.items.push(...p.items);
    }
    return { groups, slots };
  }

  function notifyGrown(groups: readonly TenantAppend[], results: readonly AppendResult[][]): void {
    if (options.onCommitted === undefined) return;
    const grown: Array<{ tenantId: string; size: number }> = [];
    groups.forEach((g, i) => {
      const created = results[i]!.filter((r) => r.kind === 'created');
      if (created.length > 0) grown.push({ tenantId: g.tenantId, size: created.at(-1)!.event.sequence });
    });
    if (grown.length > 0) options.onCommitted(grown);
  }

  async function flush(): Promise<void> {
    const taken = takeBatch();
    if (taken.length === 0) return;
    flushing++;
    const { groups, slots } = groupByTenant(taken);
    try {
      const results = await store.appendBatches(groups);
      notifyGrown(groups, results);
      taken.forEach((p, i) => {
        const [g, start] = slots[i]!;
        p.resolve(results[g]!.slice(start, start + p.items.length));
      });
    } catch (error) {
      for (const p of taken) p.reject(error);
    } finally {
      for (const p of taken) queued -= p.items.length;
      flushing--;
    }
    // Whatever arrived during the commit forms the next group, without waiting for the window.
    if (queue.length > 0) schedule(0);
    else if (flushing === 0) idleWaiters.splice(0).forEach((wake) => wake());
  }

  return {
    submit(tenantId, items) {
      if (closing) return Promise.reject(new TrailkeepError('TK_ERR_SHUTTING_DOWN', undefined, { retryAfter: 1 }));
      if (queued + items.length > options.maxQueuedEvents) {
        return Promise.reject(new TrailkeepError('TK_ERR_OVERLOADED', undefined, { retryAfter: 1 }));
      }
      queued += items.length;
      return new Promise((resolve, reject) => {
        queue.push({ tenantId, items, resolve, reject });
        schedule(queued >= options.maxBatchEvents ? 0 : options.windowMs);
      });
    },
    queuedEvents: () => queued,
    drain() {
      closing = true;
      if (flushing === 0 && queue.length === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
