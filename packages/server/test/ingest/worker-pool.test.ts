/**
 * The worker pool (ingest/worker-pool.ts) on real worker threads. The worker is a small module
 * given as a data: URL that serves tasks with the built serveTasks, so that it can be told to
 * answer late, throw or exit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkerPool, type WorkerPool } from '../../src/ingest/worker-pool.js';

interface Task {
  value: number;
  delayMs?: number;
  fail?: 'throw' | 'exit';
}
interface Answer {
  value: number;
  thread: number;
}

const SERVE_TASKS = new URL('../../dist/ingest/worker-pool.js', import.meta.url).href;
const WORKER = new URL(
  'data:text/javascript,' +
    encodeURIComponent(`
      import { threadId } from 'node:worker_threads';
      import { serveTasks } from ${JSON.stringify(SERVE_TASKS)};
      serveTasks(async ({ value, delayMs, fail }) => {
        if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
        if (fail === 'throw') throw new Error('task ' + value + ' failed');
        if (fail === 'exit') process.exit(3);
        return { value, thread: threadId };
      });`),
);

const pools: Array<WorkerPool<Task, Answer>> = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

function pool(size: number): WorkerPool<Task, Answer> {
  const created = createWorkerPool<Task, Answer>({ file: WORKER, size });
  pools.push(created);
  return created;
}

describe('worker pool', () => {
  it('answers every task with its own answer, spreading concurrent tasks over the workers', async () => {
    const workers = pool(2);
    const tasks = Array.from({ length: 20 }, (_, i) => ({ value: i, delayMs: 20 - i }));
    const answers = await Promise.all(tasks.map((task) => workers.run(task)));
    expect(answers.map((a) => a.value)).toEqual(tasks.map((t) => t.value));
    expect(new Set(answers.map((a) => a.thread)).size).toBe(2);
  });

  it('fails only the task whose handler throws', async () => {
    const workers = pool(1);
    const results = await Promise.allSettled([
      workers.run({ value: 1 }),
      workers.run({ value: 2, fail: 'throw' }),
      workers.run({ value: 3 }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toContain('task 2 failed');
  });

  it('fails the tasks of a worker that exits with TK_ERR_UNAVAILABLE, and replaces the worker', async () => {
    const workers = pool(1);
    const first = await workers.run({ value: 1 });
    const exiting = workers.run({ value: 2, fail: 'exit' });
    const behind = workers.run({ value: 3, delayMs: 5 });
    await expect(exiting).rejects.toMatchObject({ code: 'TK_ERR_UNAVAILABLE', retryAfter: 1 });
    await expect(behind).rejects.toMatchObject({ code: 'TK_ERR_UNAVAILABLE' });
    const next = await workers.run({ value: 4 });
    expect(next.value).toBe(4);
    expect(next.thread).not.toBe(first.thread);
  });

  it('refuses tasks once closed', async () => {
    const workers = pool(1);
    await workers.run({ value: 1 });
    await workers.close();
    await expect(workers.run({ value: 2 })).rejects.toMatchObject({ code: 'TK_ERR_SHUTTING_DOWN' });
  });
});
