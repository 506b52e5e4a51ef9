/**
 * `trailkeep verify`: reads a bundle line by line and feeds packages/tlog's EvidenceVerifier;
 * prints a summary (and a progress bar on a terminal). Exit codes: 0 verified, 1 failed,
 * 2 the inputs could not be read.
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  EvidenceVerifier,
  describeVerdict,
  parseVerifierKey,
  type EvidenceVerdict,
  type NoteVerifier,
} from '@trailkeep/tlog';
import { useNodeSha256 } from '../node-sha256.js';
import type { InspectBlock, InspectedItem } from './verify-worker.js';

export interface VerifyOptions {
  bundle: string;
  /** The vkey, or a file holding it. */
  vkey: string;
  /** File of a signed checkpoint seen earlier. */
  trustedCheckpoint?: string;
  json?: boolean;
  /** Worker threads for the per-event checks (default: every core, for bundles over 8 MiB). */
  threads?: number;
}

export interface VerifyOutput {
  stdout: (line: string) => void;
  /** The terminal for the progress bar, when there is one. */
  tty?: NodeJS.WriteStream | undefined;
}

const defaultOutput = (): VerifyOutput => ({
  stdout: (line) => console.log(line),
  tty: process.stderr.isTTY ? process.stderr : undefined,
});

/** A progress bar redrawn at most every 100 ms. */
function progressBar(tty: NodeJS.WriteStream | undefined): (checked: number, total: number | null) => void {
  if (tty === undefined) return () => {};
  const started = Date.now();
  let drawn = 0;
  return (checked, total) => {
    const now = Date.now();
    if (now - drawn < 100 || total === null || total < 10_000) return;
    drawn = now;
    const share = Math.min(1, checked / total);
    const bar = '#'.repeat(Math.round(share * 30)).padEnd(30, '.');
    const rate = Math.round(checked / Math.max(0.001, (now - started) / 1000));
    tty.write(`\r[${bar}] ${(share * 100).toFixed(0).padStart(3)}% ${checked}/${total} events, ${rate}/s `);
  };
}

function readKey(vkey: string): NoteVerifier {
  const text = existsSync(vkey) ? readFileSync(vkey, 'utf8').trim() : vkey.trim();
  return parseVerifierKey(text);
}

/** Lines of a file, split by hand: readline costs more than the checks of a short line. */
async function* readLines(path: string): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const lines = (rest + (chunk as string)).split('\n');
    rest = lines.pop() ?? '';
    yield* lines;
  }
  if (rest !== '') yield rest;
}

/** Worker threads for the per-event checks; each worker answers its blocks in order. */
class InspectorPool {
  readonly #workers: Worker[];
  readonly #queues: Array<Array<(items: InspectedItem[]) => void>>;
  #next = 0;

  constructor(size: number) {
    this.#workers = Array.from({ length: size }, () => new Worker(WORKER_FILE));
    this.#queues = this.#workers.map(() => []);
    this.#workers.forEach((w, i) => w.on('message', (items: InspectedItem[]) => this.#queues[i]!.shift()?.(items)));
  }

  /** Sends a block of whole lines (its memory is transferred, not copied). */
  inspect(origin: string, block: Uint8Array): Promise<InspectedItem[]> {
    const i = this.#next++ % this.#workers.length;
    return new Promise((resolve) => {
      this.#queues[i]!.push(resolve);
      this.#workers[i]!.postMessage({ origin, block } satisfies InspectBlock, [block.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}

const WORKER_FILE = new URL('./verify-worker.js', import.meta.url);
const NEWLINE = 0x0a;
/** Bundles above this size are checked on every core. */
const PARALLEL_FROM_BYTES = 8 << 20;

function threadsFor(path: string, asked: number | undefined): number {
  if (asked !== undefined) return asked;
  if (statSync(path).size < PARALLEL_FROM_BYTES || !existsSync(WORKER_FILE)) return 0;
  return Math.min(8, availableParallelism());
}

function openVerifier(options: VerifyOptions): EvidenceVerifier {
  return new EvidenceVerifier({
    verifiers: [readKey(options.vkey)],
    ...(options.trustedCheckpoint === undefined
      ? {}
      : { trustedCheckpoint: readFileSync(options.trustedCheckpoint, 'utf8') }),
  });
}

type Progress = (checked: number, total: number | null) => void;

/** One thread: every line through verifier.push. */
async function verifyInThread(path: string, verifier: EvidenceVerifier, onProgress: Progress): Promise<void> {
  let count = 0;
  for await (const line of readLines(path)) {
    if (!verifier.push(line)) break;
    if (++count % 1000 === 0) onProgress(verifier.progress().checked, verifier.progress().total);
  }
}

/**
 * The file in blocks of whole lines (the last block may lack its newline), each in a buffer of
 * its own that can be transferred to a worker: read straight into it, with the partial line the
 * previous read ended in copied to its start, rather than concatenated and copied again.
 */
async function* lineBlocks(path: string, size: number): AsyncGenerator<Uint8Array> {
  const file = await open(path, 'r');
  try {
    let carry = new Uint8Array(0);
    for (;;) {
      const buffer = new Uint8Array(carry.length + size);
      buffer.set(carry);
      const { bytesRead } = await file.read(buffer, carry.length, size, null);
      const filled = carry.length + bytesRead;
      if (bytesRead === 0) {
        if (filled > 0) yield buffer.subarray(0, filled);
        return;
      }
      const last = buffer.lastIndexOf(NEWLINE, filled - 1);
      carry = buffer.slice(last + 1, filled);
      if (last >= 0) yield buffer.subarray(0, last + 1);
    }
  } finally {
    await file.close();
  }
}

/** Bytes read and sent to a worker at a time. */
const BLOCK_BYTES = 1 << 20;

/**
 * Several threads: the header is read here; then the file goes in blocks of whole lines, as raw
 * bytes, to the workers, which decode, split and inspect them (inspectEvidenceLines) and hand back
 * runs of events that passed, single inspections, and trailer lines as they are; this thread
 * feeds them to the verifier in file order.
 */
async function verifyInWorkers(path: string, verifier: EvidenceVerifier, threads: number, onProgress: Progress) {
  const pool = new InspectorPool(threads);
  const inFlight: Array<Promise<InspectedItem[]>> = [];
  const feed = async (): Promise<void> => {
    for (const item of await inFlight.shift()!) if (!verifier.pushInspected(item)) break;
    onProgress(verifier.progress().checked, verifier.progress().total);
  };
  try {
    for await (let block of lineBlocks(path, BLOCK_BYTES)) {
      if (verifier.failed) break;
      if (verifier.origin === null) {
        const end = block.indexOf(NEWLINE);
        const header = Buffer.from(block.buffer, block.byteOffset, end < 0 ? block.length : end);
        if (!verifier.push(header.toString('utf8'))) break;
        if (end < 0) continue;
        block = block.subarray(end + 1);
      }
      if (block.length === 0) continue;
      inFlight.push(pool.inspect(verifier.origin!, block));
      if (inFlight.length > 2 * threads) await feed();
    }
    while (inFlight.length > 0 && !verifier.failed) await feed();
  } finally {
    await pool.close();
  }
}

/**
 * Verifies the bundle file; resolves with the verdict (the same in one thread or several). Throws
 * if the files cannot be read.
 */
export async function verifyBundleFile(
  options: VerifyOptions,
  onProgress: Progress = () => {},
): Promise<EvidenceVerdict> {
  useNodeSha256();
  const verifier = openVerifier(options);
  const threads = threadsFor(options.bundle, options.threads);
  if (threads > 0) await verifyInWorkers(options.bundle, verifier, threads, onProgress);
  else await verifyInThread(options.bundle, verifier, onProgress);
  return verifier.finish();
}

/** Runs `trailkeep verify`: prints the verdict and returns the exit code. */
export async function runVerify(options: VerifyOptions, output: VerifyOutput = defaultOutput()): Promise<number> {
  let verdict: EvidenceVerdict;
  try {
    verdict = await verifyBundleFile(options, progressBar(output.tty));
  } catch (error) {
    output.stdout(`cannot verify: ${(error as Error).message}`);
    return 2;
  } finally {
    output.tty?.write('\r\x1b[K');
  }
  if (options.json === true) output.stdout(JSON.stringify(verdict, null, 2));
  else for (const line of describeVerdict(verdict)) output.stdout(line);
  return verdict.ok ? 0 : 1;
}
