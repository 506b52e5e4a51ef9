/** The tree-head cache: kept until invalidated or too old, and never keeping a read older than an invalidation. */
import { describe, expect, it } from 'vitest';
import { createTreeHeadCache, type TreeHead } from '../src/domain/tree-head-cache.js';

function counting(options: { maxAgeMs: number; maxTenants?: number }) {
  let clock = 0;
  const loads: string[] = [];
  let size = 1;
  const cache = createTreeHeadCache(
    async (tenantId): Promise<TreeHead> => {
      loads.push(tenantId);
      return { integrated: size, checkpoint: undefined };
    },
    { ...options, now: () => clock },
  );
  return {
    cache,
    loads,
    grow: () => size++,
    tick: (ms: number) => (clock += ms),
  };
}

describe('tree head cache', () => {
  it('keeps a head until it is older than maxAgeMs', async () => {
    const c = counting({ maxAgeMs: 300 });
    expect((await c.cache.get('acme')).integrated).toBe(1);
    c.grow();
    c.tick(299);
    expect((await c.cache.get('acme')).integrated).toBe(1);
    c.tick(1);
    expect((await c.cache.get('acme')).integrated).toBe(2);
    expect(c.loads).toEqual(['acme', 'acme']);
  });

  it('reads again after invalidate, and on fresh', async () => {
    const c = counting({ maxAgeMs: 10_000 });
    await c.cache.get('acme');
    c.grow();
    c.cache.invalidate('acme');
    expect((await c.cache.get('acme')).integrated).toBe(2);
    c.grow();
    expect((await c.cache.fresh('acme')).integrated).toBe(3);
    expect((await c.cache.get('acme')).integrated).toBe(3);
    expect(c.loads).toHaveLength(3);
  });

  it('does not keep a read that was under way when the tenant was invalidated', async () => {
    let release: (head: TreeHead) => void = () => {};
    let loads = 0;
    const cache = createTreeHeadCache(
      (): Promise<TreeHead> => {
        loads++;
        return new Promise((resolve) => (release = resolve));
      },
      { maxAgeMs: 10_000 },
    );
    const early = cache.get('acme');
    cache.invalidate('acme');
    release({ integrated: 1, checkpoint: undefined });
    expect((await early).integrated).toBe(1);
    const late = cache.get('acme');
    expect(loads).toBe(2);
    release({ integrated: 2, checkpoint: undefined });
    expect((await late).integrated).toBe(2);
    expect((await cache.get('acme')).integrated).toBe(2);
    expect(loads).toBe(2);
  });

  it('keeps at most maxTenants heads, dropping the oldest', async () => {
    const c = counting({ maxAgeMs: 10_000, maxTenants: 2 });
    for (const id of ['a', 'b', 'c', 'b', 'a']) await c.cache.get(id);
    expect(c.loads).toEqual(['a', 'b', 'c', 'a']);
  });
});
