/**
 * Worker of `trailkeep verify`: decodes blocks of whole bundle lines and inspects them with tlog's
 * inspectEvidenceLines (the per-event checks that need no other event, and the links between
 * consecutive events of the block), so they run on every core while the main thread keeps the
 * checks that need the verifier's state. The answers are compact, mostly one run per block whose
 * leaf hashes travel in one transferred buffer, because cloning an object per event back to the
 * main thread cost it more than its own checks. The verdict is the same as in one thread.
 */
import { isAscii } from 'node:buffer';
import { parentPort } from 'node:worker_threads';
import { inspectEvidenceLines, type InspectedLine } from '@trailkeep/tlog';
import { useNodeSha256 } from '../node-sha256.js';

/** A block of whole lines (each ending in a newline), as raw UTF-8. */
export interface InspectBlock {
  origin: string;
  block: Uint8Array;
}

/** The answers for a block, in line order (see EvidenceVerifier.pushInspected). */
export type InspectedItem = InspectedLine;

useNodeSha256();

/**
 * The block's lines, as the one-thread reader decodes them (UTF-8; invalid bytes become U+FFFD, a
 * BOM is kept and fails its line). The block is decoded as latin1, which gives one character per
 * byte at half the cost of UTF-8 decoding and is the same text for ASCII; the few lines that are
 * not ASCII are decoded again from their bytes as UTF-8. A newline byte never occurs inside a
 * UTF-8 sequence, so decoding line by line gives the same lines as decoding the whole block.
 */
export function blockLines(block: Uint8Array): string[] {
  const bytes = Buffer.from(block.buffer, block.byteOffset, block.byteLength);
  const text = bytes.toString('latin1');
  const ascii = isAscii(bytes);
  const lines: string[] = [];
  // An indexOf loop: String.split's array of a block's lines costs more.
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = bytes.subarray(start, end);
    lines.push(ascii || isAscii(line) ? text.slice(start, end) : line.toString('utf8'));
    start = end + 1;
  }
  return lines;
}

/** The buffers of the answers' leaf hashes, to transfer (the runs of a block share one). */
function transferables(items: readonly InspectedItem[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const item of items) if ('leafHashes' in item) buffers.add(item.leafHashes.buffer as ArrayBuffer);
  return [...buffers];
}

parentPort?.on('message', ({ origin, block }: InspectBlock) => {
  const items = inspectEvidenceLines(blockLines(block), origin);
  parentPort!.postMessage(items, transferables(items));
});
