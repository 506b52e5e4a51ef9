/**
 * A few worker threads for the CPU-heavy part of requests, so that the event loop keeps to HTTP
 * and storage. Each task goes to the worker with the fewest tasks in flight; a worker answers its
 * tasks in the order it got them.
 *
 * Workers start on first use, and hold the process open only while they have tasks. A worker that
 * fails or exits fails the tasks it held with TK_ERR_UNAVAILABLE (nothing of them was stored, so
 * the client may retry) and is replaced by a new one for the next task. A task or answer that
 * structured clone cannot copy fails that task alone.
 */
import { parentPort, Worker } from 'node:worker_threads';
import { TrailkeepError } from '../domain/errors.js';

export interface WorkerPool<Task, Answer> {
  readonly size: number;
  run(task: Task): Promise<Answer>;
  /** Stops every worker; tasks still in flight fail. */
  close(): Promise<void>;
}

type Reply<Answer> = { ok: true; value: Answer } | { ok: false; message: string };

interface Slot<Answer> {
  worker: Worker;
  pending: Array<{ resolve: (answer: Answer) => void; reject: (error: unknown) => void }>;
}

export function createWorkerPool<Task, Answer>(options: {
  file: URL;
  size: number;
  workerData?: unknown;
}): WorkerPool<Task, Answer> {
  const slots: Array<Slot<Answer> | undefined> = new Array<Slot<Answer> | undefined>(options.size).fill(undefined);
  let closed = false;

  function start(index: number): Slot<Answer> {
    const worker = new Worker(options.file, { workerData: options.workerData });
    worker.unref();
    const slot: Slot<Answer> = { worker, pending: [] };
    worker.on('message', (reply: Reply<Answer>) => {
      const task = slot.pending.shift();
      if (slot.pending.length === 0) worker.unref();
      if (task === undefined) return;
      if (reply.ok) task.resolve(reply.value);
      else task.reject(new Error(`worker task failed: ${reply.message}`));
    });
    const fail = (cause: unknown): void => {
      if (slots[index] === slot) slots[index] = undefined;
      const error = new TrailkeepError('TK_ERR_UNAVAILABLE', 'a worker thread stopped; retry the request', {
        retryAfter: 1,
        cause,
      });
      for (const task of slot.pending.splice(0)) task.reject(error);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`worker exited with code ${code}`)));
    return slot;
  }

  function leastBusy(): Slot<Answer> {
    let best = 0;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i];
      if (slot === undefined) return (slots[i] = start(i));
      if (slot.pending.length < slots[best]!.pending.length) best = i;
    }
    return slots[best]!;
  }

  return {
    size: options.size,
    run(task) {
      if (closed) return Promise.reject(new TrailkeepError('TK_ERR_SHUTTING_DOWN', undefined, { retryAfter: 1 }));
      const slot = leastBusy();
      return new Promise<Answer>((resolve, reject) => {
        // Throws (and so rejects) for what structured clone cannot copy, e.g. 5,000 levels of nesting.
        slot.worker.postMessage(task);
        if (slot.pending.push({ resolve, reject }) === 1) slot.worker.ref();
      });
    },
    async close() {
      closed = true;
      await Promise.all(slots.map(async (slot) => slot?.worker.terminate()));
    },
  };
}

/**
 * The worker side: answers each task with `handle`, one at a time and in order. A handler that
 * throws fails only its own task.
 */
export function serveTasks<Task, Answer>(handle: (task: Task) => Answer | Promise<Answer>): void {
  const port = parentPort;
  if (port === null) throw new Error('serveTasks runs in a worker thread');
  let previous: Promise<unknown> = Promise.resolve();
  port.on('message', (task: Task) => {
    previous = previous.then(async () => {
      const failed = (error: unknown): Reply<Answer> => ({
        ok: false,
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
      let reply: Reply<Answer>;
      try {
        reply = { ok: true, value: await handle(task) };
      } catch (error) {
        reply = failed(error);
      }
      try {
        port.postMessage(reply);
      } catch (error) {
        port.postMessage(failed(error)); // an answer structured clone cannot copy
      }
    });
  });
}
