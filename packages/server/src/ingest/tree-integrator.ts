/**
 * Runs tree integration (domain/tree-integration.ts) behind the sequencer (DESIGN §4): after each
 * commit the sequencer reports the tenants that grew; a round shortly after integrates every such
 * tenant in one store transaction, so a burst of commits costs one integration, not one each. Lag
 * (commit → integrated) is bounded by the interval plus a round, and measured. Work left by a
 * stopped process is resumed on start from the stored compact ranges.
 */
import { TrailkeepError } from '../domain/errors.js';
import { createTreeIntegrationStep } from '../domain/tree-integration.js';
import type {
  CheckpointKey,
  CheckpointWaiter,
  SignedCheckpoint,
  TreeIntegrationOutcome,
  TreeIntegrationResult,
} from '../domain/tree.js';
import type { AuditStore } from '../storage/port.js';

export interface TreeIntegratorOptions {
  key: CheckpointKey;
  /** Wait after a commit before integrating, gathering more leaves per round. */
  intervalMs: number;
  /** False: integrate nothing (to measure ingest without it); checkpoints are then never signed. */
  enabled: boolean;
  maxLeavesPerTenant?: number;
  maxTenantsPerRound?: number;
  /** How often to look for work other processes left (default 30 s). */
  sweepIntervalMs?: number;
  checkpointIntervalMs?: number;
  onError?: (error: unknown, tenantId: string | null) => void;
}

/** Commit-to-integration lag over the last samples, in milliseconds. */
export interface IntegrationStats {
  samples: number;
  p50: number;
  p99: number;
  max: number;
  rounds: number;
  pendingTenants: number;
}

/** Also a CheckpointWaiter: waits for checkpoints, and tells who wrote a tenant's tree (onIntegrated). */
export interface TreeIntegrator extends CheckpointWaiter {
  /** Told by the sequencer after each commit: tenants that grew and their new log sizes. */
  notify(grown: ReadonlyArray<{ tenantId: string; size: number }>): void;
  /** Runs a round now for these tenants (default: every tenant with pending work in the store). */
  integrateNow(tenantIds?: readonly string[]): Promise<TreeIntegrationResult[]>;
  /** Resumes work a stopped process left. */
  start(): Promise<void>;
  /** Stops scheduling, finishes the running round, then integrates what is pending (bounded). */
  close(): Promise<void>;
  stats(): IntegrationStats;
}

interface Waiter {
  size: number;
  resolve: (checkpoint: SignedCheckpoint) => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
}

const LAG_SAMPLES = 100_000;
const RETRY_AFTER_ERROR_MS = 1000;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function createTreeIntegrator(
  store: Pick<AuditStore, 'integrateTrees' | 'getLatestCheckpoint' | 'listTenantsToIntegrate'>,
  options: TreeIntegratorOptions,
): TreeIntegrator {
  const step = createTreeIntegrationStep({
    key: options.key,
    maxLeaves: options.maxLeavesPerTenant ?? 50_000,
    checkpointIntervalMs: options.checkpointIntervalMs ?? 1000,
  });
  const maxTenants = options.maxTenantsPerRound ?? 2000;
  const onError =
    options.onError ??
    ((error: unknown, tenantId: string | null) =>
      console.error(`tree integration failed${tenantId === null ? '' : ` for tenant ${tenantId}`}:`, error));
  const dirty = new Set<string>();
  const commits = new Map<string, Array<[size: number, at: number]>>();
  const waiters = new Map<string, Waiter[]>();
  const integrated: Array<(tenantId: string) => void> = [];
  const lags: number[] = [];
  let lagNext = 0;
  let rounds = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let closed = false;
  let sweeper: NodeJS.Timeout | undefined;

  async function sweep(): Promise<void> {
    try {
      for (const id of await store.listTenantsToIntegrate()) dirty.add(id);
      schedule(0);
    } catch (error) {
      onError(error, null);
    }
  }

  function schedule(delayMs: number): void {
    if (closed || running !== undefined || timer !== undefined || dirty.size === 0) return;
    timer = setTimeout(() => {
      timer = undefined;
      void round([...dirty].slice(0, maxTenants));
    }, delayMs);
    timer.unref();
  }

  function markDirtyAt(tenantId: string, at: number): void {
    const t = setTimeout(
      () => {
        dirty.add(tenantId);
        schedule(0);
      },
      Math.max(0, at - Date.now()),
    );
    t.unref();
  }

  function recordLag(outcome: TreeIntegrationOutcome, now: number): void {
    const pending = commits.get(outcome.tenantId);
    if (pending === undefined) return;
    let done = 0;
    while (done < pending.length && pending[done]![0] <= outcome.size) {
      lags[lagNext] = now - pending[done]![1];
      lagNext = (lagNext + 1) % LAG_SAMPLES;
      done++;
    }
    pending.splice(0, done);
    if (pending.length === 0) commits.delete(outcome.tenantId);
  }

  async function settleWaiters(outcome: TreeIntegrationOutcome): Promise<void> {
    const list = waiters.get(outcome.tenantId);
    if (list === undefined || !list.some((w) => w.size <= outcome.checkpointSize)) return;
    const checkpoint = outcome.checkpoint ?? (await store.getLatestCheckpoint(outcome.tenantId));
    if (checkpoint === undefined) return;
    const [ready, waiting] = [
      list.filter((w) => w.size <= checkpoint.size),
      list.filter((w) => w.size > checkpoint.size),
    ];
    if (waiting.length > 0) waiters.set(outcome.tenantId, waiting);
    else waiters.delete(outcome.tenantId);
    for (const w of ready) {
      clearTimeout(w.timer);
      w.resolve(checkpoint);
    }
  }

  async function handle(results: readonly TreeIntegrationResult[]): Promise<void> {
    const now = Date.now();
    for (const result of results) {
      if ('error' in result) {
        onError(result.error, result.tenantId);
        markDirtyAt(result.tenantId, now + RETRY_AFTER_ERROR_MS);
        continue;
      }
      for (const listener of integrated) listener(result.tenantId);
      recordLag(result, now);
      if (result.pendingLeaves > 0) dirty.add(result.tenantId);
      if (result.checkpointDueAt !== undefined) markDirtyAt(result.tenantId, result.checkpointDueAt);
      await settleWaiters(result);
    }
  }

  /** One integration round (after the one in progress, if any); errors are reported and retried. */
  async function round(tenantIds: readonly string[]): Promise<TreeIntegrationResult[]> {
    while (running !== undefined) await running;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    for (const id of tenantIds) dirty.delete(id);
    let results: TreeIntegrationResult[] = [];
    running = (async () => {
      try {
        if (tenantIds.length > 0) results = await store.integrateTrees(tenantIds, step);
        rounds++;
        await handle(results);
      } catch (error) {
        onError(error, null);
        for (const id of tenantIds) markDirtyAt(id, Date.now() + RETRY_AFTER_ERROR_MS);
      } finally {
        running = undefined;
      }
    })();
    await running;
    // A backlog (a tenant's leaf limit reached) goes on at once; fresh commits wait for the interval.
    schedule(results.some((r) => !('error' in r) && r.pendingLeaves > 0) ? 0 : options.intervalMs);
    return results;
  }

  return {
    notify(grown) {
      if (!options.enabled || closed) return;
      const now = Date.now();
      for (const { tenantId, size } of grown) {
        dirty.add(tenantId);
        const list = commits.get(tenantId);
        if (list === undefined) commits.set(tenantId, [[size, now]]);
        else list.push([size, now]);
      }
      schedule(options.intervalMs);
    },

    async integrateNow(tenantIds) {
      if (!options.enabled) return [];
      return round(tenantIds ?? (await store.listTenantsToIntegrate()));
    },

    async waitForCheckpoint(tenantId, size, timeoutMs) {
      const latest = await store.getLatestCheckpoint(tenantId);
      if (latest !== undefined && latest.size >= size) return latest;
      if (!options.enabled) {
        throw new TrailkeepError('TK_ERR_UNAVAILABLE', 'tree integration is disabled on this server');
      }
      return new Promise<SignedCheckpoint>((resolve, reject) => {
        const timer = setTimeout(() => {
          const list = waiters.get(tenantId) ?? [];
          waiters.set(
            tenantId,
            list.filter((w) => w.timer !== timer),
          );
          reject(new TrailkeepError('TK_ERR_UNAVAILABLE', 'no checkpoint covers the event yet', { retryAfter: 1 }));
        }, timeoutMs);
        timer.unref();
        const list = waiters.get(tenantId) ?? [];
        list.push({ size, resolve, reject, timer });
        waiters.set(tenantId, list);
        dirty.add(tenantId);
        schedule(0);
      });
    },

    onIntegrated(listener) {
      integrated.push(listener);
    },

    async start() {
      if (!options.enabled) return;
      await sweep();
      // Another process on the same database may stop between a commit and its round: sweep now
      // and then for work nobody announced to this process.
      sweeper = setInterval(() => void sweep(), options.sweepIntervalMs ?? 30_000);
      sweeper.unref();
    },

    async close() {
      closed = true;
      clearInterval(sweeper);
      // Integrate what was acknowledged before shutdown, in a bounded number of rounds.
      for (let i = 0; i < 10 && options.enabled && dirty.size > 0; i++) await round([...dirty].slice(0, maxTenants));
      while (running !== undefined) await running;
      for (const list of waiters.values()) {
        for (const w of list) {
          clearTimeout(w.timer);
          w.reject(new TrailkeepError('TK_ERR_SHUTTING_DOWN', undefined, { retryAfter: 1 }));
        }
      }
      waiters.clear();
    },

    stats() {
      const sorted = lags.slice().sort((a, b) => a - b);
      return {
        samples: sorted.length,
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        max: sorted.at(-1) ?? 0,
        rounds,
        pendingTenants: dirty.size,
      };
    },
  };
}
