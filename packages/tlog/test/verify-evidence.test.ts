/**
 * Evidence bundles (evidence-bundle.ts) and their offline verifier (verify-evidence.ts): a bundle
 * built here with the leaf-v1 functions verifies; each kind of damage fails at the right
 * sequence with its code; erased disclosures are reported, not failed.
 */
import { describe, expect, it } from 'vitest';
import {
  EvidenceVerifier,
  describeVerdict,
  formatEvidenceEvent,
  formatEvidenceTrailer,
  generateNoteKeyPair,
  inspectEvidenceEvent,
  parseSignerKey,
  parseVerifierKey,
  signCheckpoint,
  verifyEvidence,
  type EvidenceEvent,
  type JsonObject,
} from '../src/index.js';
import { ORIGIN, VERIFIER, bundle, chainEvents, checkpointOf, rootOf } from './evidence-fixture.js';

const OTHER = parseVerifierKey(generateNoteKeyPair(ORIGIN, new Uint8Array(32).fill(2)).verifierKey);

function body(i: number): JsonObject {
  return {
    id: `evt_${i}`,
    occurred_at: '2025-01-01T00:00:00.000Z',
    action: 'document.read',
    outcome: 'success',
    actor: { type: 'user', id: `u${i % 3}`, email: `u${i % 3}@example.org`, name: 'Ada' },
    context: { ip: '203.0.113.7' },
    metadata: { i },
  };
}

/** Events 1..n of a log, chained, with their leaf hashes. */
const makeEvents = (n: number, rcv = (i: number) => `2025-01-01T00:00:${String(i % 60).padStart(2, '0')}.000Z`) =>
  chainEvents(n, { body, rcv });

const N = 40;
const { events: EVENTS, leaves: LEAVES } = makeEvents(N);
const GOOD = bundle(EVENTS, LEAVES);
const verify = (lines: readonly string[], trustedCheckpoint?: string) =>
  verifyEvidence(lines, { verifiers: [VERIFIER], ...(trustedCheckpoint === undefined ? {} : { trustedCheckpoint }) });

/** Replaces event line `seq` (1-based) of the good bundle. */
function withEvent(seq: number, change: (e: EvidenceEvent) => EvidenceEvent | null): string[] {
  const lines = [...GOOD];
  const changed = change(structuredClone(EVENTS[seq - 1]!));
  if (changed === null) lines.splice(seq, 1);
  else lines[seq] = formatEvidenceEvent(changed);
  return lines;
}

describe('a good bundle', () => {
  it('verifies, counting every event, with a summary', () => {
    const verdict = verify(GOOD);
    expect(verdict).toMatchObject({ ok: true, origin: ORIGIN, treeSize: N, eventsChecked: N, failure: null });
    expect(verdict.erased.fields).toBe(0);
    expect(describeVerdict(verdict)[0]).toBe('VERIFIED');
  });

  it('verifies the same way from per-event inspections (as parallel checkers feed it)', () => {
    const verifier = new EvidenceVerifier({ verifiers: [VERIFIER] });
    verifier.push(GOOD[0]!);
    GOOD.slice(1, -1).forEach((line) => verifier.pushInspection(inspectEvidenceEvent(line, ORIGIN)));
    verifier.push(GOOD.at(-1)!);
    expect(verifier.finish()).toEqual(verify(GOOD));
  });

  it('reports erased fields as erased, not as tampering', () => {
    const lines = withEvent(7, (e) => ({ ...e, disclosures: { '/actor/name': e.disclosures['/actor/name']! } }));
    const verdict = verify(lines);
    expect(verdict.ok).toBe(true);
    expect(verdict.erased).toEqual({
      fields: 2,
      events: 1,
      byPointer: { '/actor/email': 1, '/context/ip': 1 },
      sample: [{ sequence: 7, pointers: ['/actor/email', '/context/ip'] }],
    });
  });

  it('verifies a bundle that starts after a prefix, and a trusted checkpoint inside it', () => {
    const partial = bundle(EVENTS, LEAVES, 21);
    expect(verify(partial)).toMatchObject({ ok: true, firstSequence: 21, eventsChecked: 20 });
    expect(verify(partial, checkpointOf(LEAVES.slice(0, 30)))).toMatchObject({ ok: true, trustedSize: 30 });
    expect(verify(partial, checkpointOf(LEAVES.slice(0, 10))).failure?.code).toBe('trusted-not-covered');
  });

  it('is consistent with an earlier trusted checkpoint', () => {
    expect(verify(GOOD, checkpointOf(LEAVES.slice(0, 25)))).toMatchObject({ ok: true, trustedSize: 25 });
    expect(verify(GOOD, checkpointOf(LEAVES))).toMatchObject({ ok: true, trustedSize: N });
  });
});

describe('a damaged bundle fails at the first bad sequence', () => {
  const cases: Array<[string, () => string[], number | null, string]> = [
    [
      'a changed byte of a sealed body',
      () => withEvent(12, (e) => ({ ...e, sealed_body: e.sealed_body.replace('document.read', 'document.reaD') })),
      12,
      'body-digest',
    ],
    [
      'a changed body digest in an entry',
      // Another first hex digit than the one there (salts are random, so the digest is too).
      () =>
        withEvent(12, (e) => ({
          ...e,
          entry: e.entry.replace(/"body":"(.)/, (_, c: string) => `"body":"${c === 'f' ? 'e' : 'f'}`),
        })),
      12,
      'body-digest',
    ],
    [
      'a changed receive time (the next link breaks)',
      () => withEvent(12, (e) => ({ ...e, entry: e.entry.replace(':12.000Z', ':12.001Z') })),
      13,
      'entry-prev',
    ],
    [
      'an entry of another log',
      () => withEvent(5, (e) => ({ ...e, entry: e.entry.replace('/t/acme', '/t/acmf') })),
      5,
      'entry-log',
    ],
    [
      'an entry not in JCS form',
      () => withEvent(5, (e) => ({ ...e, entry: e.entry.replace('{"body"', '{ "body"') })),
      5,
      'entry-format',
    ],
    ['a deleted event', () => withEvent(20, () => null), 20, 'event-missing'],
    [
      'two events swapped',
      () => {
        const l = [...GOOD];
        [l[8], l[9]] = [l[9]!, l[8]!];
        return l;
      },
      8,
      'event-missing',
    ],
    [
      'two events swapped under each other’s sequence',
      () => {
        const l = [...GOOD];
        l[8] = formatEvidenceEvent({ ...EVENTS[8]!, sequence: 8 });
        l[9] = formatEvidenceEvent({ ...EVENTS[7]!, sequence: 9 });
        return l;
      },
      8,
      'entry-idx',
    ],
    [
      'a disclosure whose value changed',
      () =>
        withEvent(3, (e) => ({
          ...e,
          disclosures: {
            ...e.disclosures,
            '/actor/email': { ...e.disclosures['/actor/email']!, value: 'eve@example.org' },
          },
        })),
      3,
      'disclosure-mismatch',
    ],
    [
      'a disclosure moved to another field',
      () =>
        withEvent(3, (e) => ({
          ...e,
          disclosures: { ...e.disclosures, '/actor/name': e.disclosures['/actor/email']! },
        })),
      3,
      'disclosure-mismatch',
    ],
    [
      'a disclosure without a commitment',
      () =>
        withEvent(3, (e) => ({
          ...e,
          disclosures: { ...e.disclosures, '/summary': { salt: 'AAAAAAAAAAAAAAAAAAAAAA', value: 'x' } },
        })),
      3,
      'disclosure-mismatch',
    ],
    ['the newest events cut off with the trailer', () => GOOD.slice(0, 31), 31, 'event-missing'],
    ['a missing trailer', () => GOOD.slice(0, -1), null, 'bundle-format'],
    [
      'a trailer with the wrong count',
      () => [...GOOD.slice(0, -1), formatEvidenceTrailer(N - 1)],
      null,
      'bundle-format',
    ],
    [
      'an event beyond the checkpoint',
      () => {
        const { events } = makeEvents(N + 1);
        return [...GOOD.slice(0, -1), formatEvidenceEvent(events[N]!), formatEvidenceTrailer(N + 1)];
      },
      N + 1,
      'event-unexpected',
    ],
    [
      'an event line that is not JSON',
      () => {
        const l = [...GOOD];
        l[4] = '{"sequence":4,';
        return l;
      },
      4,
      'bundle-format',
    ],
    [
      'a replaced checkpoint signature',
      () => {
        const l = [...GOOD];
        l[0] = l[0]!.replace(/(— \S+ )(.)/, (_, a: string, c: string) => a + (c === 'A' ? 'B' : 'A'));
        return l;
      },
      null,
      'checkpoint-signature',
    ],
    [
      'a header of another format version',
      () => {
        const l = [...GOOD];
        l[0] = l[0]!.replace('"version":1', '"version":2');
        return l;
      },
      null,
      'unsupported-version',
    ],
    ['not a bundle at all', () => ['{"hello":"world"}'], null, 'bundle-format'],
    ['an empty file', () => [], null, 'bundle-format'],
  ];

  it.each(cases)('%s', (_name, lines, sequence, code) => {
    const verdict = verify(lines());
    expect(verdict.ok).toBe(false);
    expect(verdict.failure).toMatchObject({ sequence, code });
    expect(describeVerdict(verdict).at(-1)).toContain(`[${code}]`);
  });

  it('fails with root-mismatch when a rewritten, re-chained log is not the signed tree', () => {
    const rewritten = makeEvents(N);
    const lines = [GOOD[0]!, ...rewritten.events.map(formatEvidenceEvent), formatEvidenceTrailer(N)];
    expect(verify(lines).failure).toMatchObject({ sequence: null, code: 'root-mismatch' });
  });

  it('rejects a checkpoint signed by another key', () => {
    const verdict = verifyEvidence(GOOD, { verifiers: [OTHER] });
    expect(verdict.failure?.code).toBe('checkpoint-signature');
  });
});

describe('a trusted checkpoint', () => {
  it('detects a log cut back below it (truncation)', () => {
    const cut = bundle(EVENTS.slice(0, 30), LEAVES.slice(0, 30));
    expect(verify(cut).ok).toBe(true);
    expect(verify(cut, checkpointOf(LEAVES)).failure).toMatchObject({ sequence: 31, code: 'truncated' });
  });

  it('detects a log rewritten before it', () => {
    const forked = makeEvents(N);
    expect(verify(GOOD, checkpointOf(forked.leaves.slice(0, 20))).failure).toMatchObject({
      sequence: 20,
      code: 'trusted-inconsistent',
    });
  });

  it('must itself verify with the key', () => {
    const foreign = signCheckpoint({ origin: ORIGIN, size: 3, rootHash: rootOf(LEAVES.slice(0, 3)), extensions: [] }, [
      parseSignerKey(generateNoteKeyPair(ORIGIN, new Uint8Array(32).fill(2)).signerKey),
    ]);
    expect(verify(GOOD, foreign).failure?.code).toBe('trusted-checkpoint');
  });
});
