/**
 * Worker of `trailkeep verify`: decodes blocks of whole bundle lines and inspects each event line
 * with tlog's inspectEvidenceEvent (the per-event checks that need no other event), so they run on
 * every core while the main thread keeps the order-dependent checks. Trailer lines come back as
 * they are, for the main thread's verifier. The verdict is the same as in one thread.
 */
import { parentPort } from 'node:worker_threads';
import { inspectEvidenceEvent, type EventInspection } from '@trailkeep/tlog';
import { useNodeSha256 } from '../node-sha256.js';

/** A block of whole lines (each ending in a newline), as raw UTF-8. */
export interface InspectBlock {
  origin: string;
  block: Uint8Array;
}

/** An event line's inspection, or a line the main thread reads itself (a trailer). */
export type InspectedItem = EventInspection | { line: string };

useNodeSha256();

const decoder = new TextDecoder();

parentPort?.on('message', ({ origin, block }: InspectBlock) => {
  const items: InspectedItem[] = [];
  for (const line of decoder.decode(block).split('\n')) {
    if (line.trim() === '') continue;
    items.push(line.startsWith('{"end"') ? { line } : inspectEvidenceEvent(line, origin));
  }
  parentPort!.postMessage(items);
});
