/**
 * Trailkeep evidence bundle, format version 1: a tenant's log exported for offline verification,
 * as JSON Lines (UTF-8, one JSON object per line, `\n` separated) so it can be written and
 * checked as a stream of any length:
 *
 *   line 1      header   {"format":"trailkeep-evidence","version":1,"origin",…,"checkpoint",…}
 *   lines 2..   events   {"sequence":s,"entry":"<JCS entry>","sealed_body":"<JCS sealed body>","disclosures":{…}}
 *   last line   trailer  {"end":{"events":n}}
 *
 * Entries and sealed bodies are carried as strings, byte for byte as they were hashed, never
 * rebuilt. Events run from `prefix.size + 1` to `tree_size` in order; `prefix` is the compact range
 * (RFC 9162 perfect-subtree roots, largest first) of the leaves before the first exported event,
 * empty for a whole-log export, so the root can be rebuilt from the bundle alone. The trailer
 * tells a bundle cut short in transit from a log that ends early.
 */
import type { Disclosures } from './leaf-v1.js';

/** `format` of every evidence bundle header. */
export const EVIDENCE_FORMAT = 'trailkeep-evidence';

/** The bundle format version this package writes and reads. */
export const EVIDENCE_VERSION = 1;

/** First line of a bundle. */
export interface EvidenceHeader {
  format: typeof EVIDENCE_FORMAT;
  version: typeof EVIDENCE_VERSION;
  /** The log origin; equals the signed checkpoint's origin. */
  origin: string;
  tenant_id: string;
  /** When the bundle was written (RFC 3339); informational. */
  exported_at: string;
  /** Size of the tree the checkpoint signs; the last exported sequence. */
  tree_size: number;
  /** The signed checkpoint note (C2SP tlog-checkpoint in a C2SP signed note), verbatim. */
  checkpoint: string;
  /** The log's verifier key as the exporter knows it. Informational: verify with a key you trust. */
  vkey: string;
  /** Compact range of leaves [0, prefix.size): hex perfect-subtree roots, largest first. */
  prefix: { size: number; peaks: string[] };
}

/** One event line: its place, its entry and sealed body as hashed, and the surviving disclosures. */
export interface EvidenceEvent {
  sequence: number;
  entry: string;
  sealed_body: string;
  disclosures: Disclosures;
}

/** Last line of a bundle. */
export interface EvidenceTrailer {
  end: { events: number };
}

/** Serializes the header line (without the newline). */
export function formatEvidenceHeader(header: EvidenceHeader): string {
  return JSON.stringify(header);
}

/** Serializes one event line (without the newline). */
export function formatEvidenceEvent(event: EvidenceEvent): string {
  return JSON.stringify({
    sequence: event.sequence,
    entry: event.entry,
    sealed_body: event.sealed_body,
    disclosures: event.disclosures,
  });
}

/** Serializes the trailer line (without the newline). */
export function formatEvidenceTrailer(events: number): string {
  return JSON.stringify({ end: { events } } satisfies EvidenceTrailer);
}
