/**
 * Evidence bundles built for tests with the leaf-v1 functions: events 1..n of one log, chained,
 * and the bundle lines around them (header with a signed checkpoint, events, trailer).
 */
import {
  CompactRange,
  DEFAULT_PERSONAL_POINTERS,
  ZERO_HASH_HEX,
  buildEntry,
  canonicalJson,
  entryLeafHash,
  formatEvidenceEvent,
  formatEvidenceHeader,
  formatEvidenceTrailer,
  generateNoteKeyPair,
  parseSignerKey,
  parseVerifierKey,
  sealBody,
  sha256Hex,
  signCheckpoint,
  toHex,
  type Disclosures,
  type EvidenceEvent,
  type JsonObject,
  type NoteSigner,
} from '../src/index.js';

export const ORIGIN = 'audit.example/t/acme';
export const KEYS = generateNoteKeyPair(ORIGIN, new Uint8Array(32).fill(1));
export const SIGNER = parseSignerKey(KEYS.signerKey);
export const VERIFIER = parseVerifierKey(KEYS.verifierKey);

/** What an event's entry says beyond its body digest and prev; `edit` may change it. */
export interface EntryParts {
  rcv: string;
  log: string;
  idx: number;
}

export interface ChainOptions {
  body: (i: number) => JsonObject;
  rcv: (i: number) => string;
  edit?: (i: number, parts: EntryParts) => void;
  /** The sealed body text and disclosures event i is logged with (as sealed, by default). */
  reseal?: (i: number, sealedBody: string, disclosures: Disclosures) => [string, Disclosures];
}

/** Events 1..n of the log, chained, with their leaf hashes. */
export function chainEvents(n: number, options: ChainOptions) {
  const events: EvidenceEvent[] = [];
  const leaves: Uint8Array[] = [];
  let prev = ZERO_HASH_HEX;
  for (let i = 1; i <= n; i++) {
    const sealed = sealBody(options.body(i), DEFAULT_PERSONAL_POINTERS);
    const text = canonicalJson(sealed.sealed);
    const [sealedBody, disclosures] = options.reseal?.(i, text, sealed.disclosures) ?? [text, sealed.disclosures];
    const parts = { rcv: options.rcv(i), log: ORIGIN, idx: i };
    options.edit?.(i, parts);
    const entry = buildEntry({
      log: parts.log,
      sequence: parts.idx,
      prev,
      receivedAt: parts.rcv,
      body: sha256Hex(sealedBody),
    });
    leaves.push(entryLeafHash(entry));
    prev = toHex(leaves[i - 1]!);
    events.push({ sequence: i, entry, sealed_body: sealedBody, disclosures });
  }
  return { events, leaves };
}

export function rootOf(leaves: readonly Uint8Array[]): Uint8Array {
  const range = new CompactRange();
  leaves.forEach((l) => range.append(l));
  return range.root();
}

export function checkpointOf(leaves: readonly Uint8Array[], signer: NoteSigner = SIGNER): string {
  return signCheckpoint({ origin: ORIGIN, size: leaves.length, rootHash: rootOf(leaves), extensions: [] }, [signer]);
}

/** Bundle lines: header, events `from` on (the leaves before them as the prefix), trailer. */
export function bundle(events: readonly EvidenceEvent[], leaves: readonly Uint8Array[], from = 1): string[] {
  const prefix = new CompactRange();
  leaves.slice(0, from - 1).forEach((l) => prefix.append(l));
  const shown = events.slice(from - 1);
  return [
    formatEvidenceHeader({
      format: 'trailkeep-evidence',
      version: 1,
      origin: ORIGIN,
      tenant_id: 'acme',
      exported_at: '2025-01-02T00:00:00.000Z',
      tree_size: leaves.length,
      checkpoint: checkpointOf(leaves),
      vkey: KEYS.verifierKey,
      prefix: { size: from - 1, peaks: prefix.peaks().map(toHex) },
    }),
    ...shown.map(formatEvidenceEvent),
    formatEvidenceTrailer(shown.length),
  ];
}
