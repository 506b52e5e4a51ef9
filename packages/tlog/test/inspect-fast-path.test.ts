/**
 * The verifier's shortcuts against the exact definitions they stand in for: parseEntry's plain
 * entry match against parseEntryExact, inspectPlainEvent (and so inspectEvidenceEvent) against
 * inspectEvidenceEventExact, and blocks fed as runs (inspectEvidenceLines + pushInspected)
 * against one exact inspection per line, on good and tampered bundles cut into blocks anywhere.
 */
import { describe, expect, it } from 'vitest';
import {
  EvidenceVerifier,
  ZERO_HASH_HEX,
  inspectEvidenceEvent,
  inspectEvidenceEventExact,
  inspectEvidenceLines,
  inspectPlainEvent,
  parseEntry,
  parseEntryExact,
  toHex,
  verifyEvidence,
  type Disclosures,
  type EvidenceEvent,
  type JsonObject,
} from '../src/index.js';
import { ORIGIN, VERIFIER, bundle, chainEvents, checkpointOf, type ChainOptions } from './evidence-fixture.js';

function body(i: number): JsonObject {
  return {
    id: `evt_${i}`,
    action: 'document.read',
    actor: {
      type: 'user',
      id: `u${i % 3}`,
      email: `u${i % 3}@example.org`,
      name: i % 5 === 0 ? 'Zoë "Z" \\ Ünal' : 'Ada',
    },
    context: { ip: '203.0.113.7', user_agent: i % 7 === 0 ? 'Bot 🤖/1.0' : 'Mozilla/5.0 (X11; Linux x86_64)' },
    metadata: { i, note: i % 4 === 0 ? 'line\nbreak "quoted" ✓' : 'plain' },
  };
}

const rcvOf = (i: number) =>
  `2025-01-01T00:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000Z`;

/** Events 1..n, chained, with their leaf hashes; `edit` may change an event's entry, `reseal` its body. */
const makeEvents = (n: number, edit?: ChainOptions['edit'], reseal?: ChainOptions['reseal']) =>
  chainEvents(n, { body, rcv: rcvOf, ...(edit && { edit }), ...(reseal && { reseal }) });

const N = 40;
const { events: EVENTS, leaves: LEAVES } = makeEvents(N);
const GOOD = bundle(EVENTS, LEAVES);

/** The good bundle with line `at` (the event of that sequence) changed by `change`. */
function withLine(at: number, change: (line: string) => string | null): string[] {
  const lines = [...GOOD];
  const changed = change(lines[at]!);
  if (changed === null) lines.splice(at, 1);
  else lines[at] = changed;
  return lines;
}

/** Changes the first occurrence of `from` in an event line's entry, sealed body or disclosures. */
const replaceIn = (line: string, from: string, to: string) => {
  expect(line).toContain(from);
  return line.replace(from, to);
};

function chained(edit: Parameters<typeof makeEvents>[1]): string[] {
  const { events } = makeEvents(N, edit);
  return bundle(events, LEAVES);
}

/**
 * Event `at` sealed with an odd body or disclosures by the log itself (digest, chain and checkpoint
 * all consistent): what only the structure of the body can reveal. Events whose disclosures are
 * all plain (i not a multiple of 5 or 7) take the plain-line path until the body is checked.
 */
function sealedAs(at: number, change: (sealedBody: string, disclosures: Disclosures) => [string, Disclosures]) {
  const { events, leaves } = makeEvents(N, undefined, (i, b, d) => (i === at ? change(b, d) : [b, d]));
  return bundle(events, leaves);
}

/** The `_sd` digests of a sealed body, in text order. */
const digestsOf = (sealedBody: string) => [...sealedBody.matchAll(/\{"_sd":"([0-9a-f]{64})"\}/g)].map((m) => m[1]!);

/** Bundles that must fail (or, some, pass) exactly as before, at the same sequence and reason. */
const CASES: Record<string, () => string[]> = {
  good: () => GOOD,
  'a changed byte in an entry': () => withLine(5, (l) => replaceIn(l, '\\"idx\\":\\"5\\"', '\\"idx\\":\\"6\\"')),
  'an entry digit changed': () => withLine(9, (l) => replaceIn(l, '00:00:09.000Z', '00:00:09.001Z')),
  'a changed byte in a sealed body': () => withLine(12, (l) => replaceIn(l, 'evt_12', 'evt_13')),
  'a changed disclosure value': () => withLine(14, (l) => replaceIn(l, 'u2@example.org', 'u3@example.org')),
  'a changed salt': () => withLine(15, (l) => l.replace(/"salt":"(.)/, '"salt":"$1$1')),
  'an erased disclosure': () =>
    withLine(16, (l) => l.replace(/"\/actor\/email":\{"salt":"[^"]*","value":"[^"]*"\},/, '')),
  'every disclosure erased': () => withLine(17, (l) => l.replace(/"disclosures":\{.*\}\}$/, '"disclosures":{}}')),
  'a disclosure repeated': () =>
    withLine(18, (l) => l.replace(/("\/actor\/email":\{"salt":"[^"]*","value":"[^"]*"\},)/, '$1$1')),
  'a non-string disclosure value': () => withLine(19, (l) => l.replace(/"value":"203\.0\.113\.7"/, '"value":203')),
  'a disclosure without commitment': () =>
    withLine(20, (l) => l.replace('"disclosures":{', '"disclosures":{"/x":{"salt":"a","value":"b"},')),
  'a reordered pair': () => {
    const lines = [...GOOD];
    [lines[10], lines[11]] = [lines[11]!, lines[10]!];
    return lines;
  },
  'a missing event': () => withLine(21, () => null),
  'an event repeated': () => {
    const lines = [...GOOD];
    lines.splice(22, 0, lines[22]!);
    return lines;
  },
  'wrong prev in the middle': () =>
    withLine(23, (l) => l.replace(/(\\"prev\\":\\")(.)/, (_, key: string, c: string) => key + (c === '0' ? '1' : '0'))),
  'an earlier rcv, re-chained': () => chained((i, e) => (i === 23 ? (e.rcv = rcvOf(22)) : undefined)),
  'wrong idx': () => chained((i, e) => (i === 24 ? (e.idx = 25) : undefined)),
  'rcv earlier than the one before': () => chained((i, e) => (i === 25 ? (e.rcv = rcvOf(3)) : undefined)),
  'rcv not a time': () => chained((i, e) => (i === 26 ? (e.rcv = '2025-13-01T00:00:26.000Z') : undefined)),
  'rcv in another form': () => chained((i, e) => (i === 27 ? (e.rcv = '2025-01-01T00:00:27Z') : undefined)),
  'a log with escapes': () => chained((i, e) => (i === 28 ? (e.log = 'audit.example/t/"acme"') : undefined)),
  'another log': () => chained((i, e) => (i === 29 ? (e.log = 'audit.example/t/other') : undefined)),
  'an entry not in JCS form': () => withLine(30, (l) => replaceIn(l, '{\\"body\\"', '{ \\"body\\"')),
  'whitespace in a line': () => withLine(31, (l) => l.replace('{"sequence":', '{ "sequence": ')),
  'keys in another order': () =>
    withLine(32, (l) => {
      const e = JSON.parse(l) as EvidenceEvent;
      return JSON.stringify({
        entry: e.entry,
        sequence: e.sequence,
        sealed_body: e.sealed_body,
        disclosures: e.disclosures,
      });
    }),
  'a line that is not JSON': () => withLine(33, (l) => l.slice(0, -1)),
  'a line with a trailing CR': () => withLine(34, (l) => `${l}\r`),
  'blank lines': () => withLine(35, (l) => `${l}\n\n   `),
  'an event after the trailer': () => [...GOOD, GOOD[3]!],
  'more events than the checkpoint': () => {
    const lines = [...GOOD];
    lines[0] = bundle(EVENTS.slice(0, 30), LEAVES.slice(0, 30))[0]!;
    return lines;
  },
  'no trailer': () => GOOD.slice(0, -1),
  'two commitments swapped, as sealed': () =>
    sealedAs(6, (b, d) => {
      const [first, second] = digestsOf(b);
      return [b.replace(first!, 'X').replace(second!, first!).replace('X', second!), d];
    }),
  'a commitment inside an array, as sealed': () =>
    sealedAs(8, (b, d) => {
      const [first] = digestsOf(b);
      return [b.replace(`{"_sd":"${first}"}`, `[{"_sd":"${first}"}]`), d];
    }),
  'a sealed body that is not JSON, as sealed': () => sealedAs(9, (b, d) => [`${b} and more`, d]),
  'a sealed body that is not an object, as sealed': () => sealedAs(11, (b, d) => [`[${b}]`, d]),
  'a __proto__ disclosure, as sealed': () =>
    sealedAs(12, (b, d) => [b, { ...d, ['__proto__']: { salt: 'c2FsdA', value: 'v' } }]),
};

function options(trustedCheckpoint?: string) {
  return { verifiers: [VERIFIER], ...(trustedCheckpoint === undefined ? {} : { trustedCheckpoint }) };
}

/** The verdict with every event line inspected by the exact definition (what push did before). */
function exactVerdict(lines: readonly string[], trusted?: string) {
  const verifier = new EvidenceVerifier(options(trusted));
  let trailer = false;
  for (const line of lines) {
    if (line.trim() === '') continue;
    trailer ||= line.startsWith('{"end"');
    const ok =
      verifier.origin !== null && !trailer
        ? verifier.pushInspection(inspectEvidenceEventExact(line, ORIGIN))
        : verifier.push(line);
    if (!ok) break;
  }
  return verifier.finish();
}

/** The verdict with the lines after the header fed in blocks of `size` lines through inspectEvidenceLines. */
function blockVerdict(lines: readonly string[], size: number, trusted?: string) {
  const verifier = new EvidenceVerifier(options(trusted));
  verifier.push(lines[0]!);
  outer: for (let i = 1; i < lines.length; i += size) {
    for (const item of inspectEvidenceLines(lines.slice(i, i + size), ORIGIN)) {
      if (!verifier.pushInspected(item)) break outer;
    }
  }
  return verifier.finish();
}

describe('runs of events (inspectEvidenceLines + pushInspected)', () => {
  const trusted = [
    undefined,
    checkpointOf(LEAVES.slice(0, 20)),
    checkpointOf(makeEvents(25, (i, e) => (i === 3 ? (e.rcv = rcvOf(2)) : undefined)).leaves),
  ];
  for (const [name, make] of Object.entries(CASES)) {
    it(`give the exact verdict: ${name}`, () => {
      const lines = make();
      for (const t of trusted) {
        const expected = exactVerdict(lines, t);
        expect(verifyEvidence(lines, options(t))).toEqual(expected);
        for (const size of [1, 2, 3, 7, 10, 11, 16, 1000]) expect(blockVerdict(lines, size, t)).toEqual(expected);
      }
    });
  }

  it('fail bodies sealed with misplaced, hidden or malformed commitments at their sequence', () => {
    const sealed = Object.entries(CASES).filter(([name]) => name.endsWith(', as sealed'));
    expect(sealed).toHaveLength(5);
    for (const [name, make] of sealed) {
      const verdict = verifyEvidence(make(), options());
      expect({ name, ok: verdict.ok, code: verdict.failure?.code }).toEqual({
        name,
        ok: false,
        code: expect.stringMatching(/^(disclosure-mismatch|body-format)$/),
      });
      expect(verdict.failure?.sequence).toBeGreaterThanOrEqual(6);
    }
  });

  it('come as one run for a good block, with the erasures of each event', () => {
    const lines = CASES['an erased disclosure']!();
    const items = inspectEvidenceLines(lines.slice(1, -1), ORIGIN);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ first: 1, count: N, erased: [{ offset: 15, pointers: ['/actor/email'] }] });
    expect(exactVerdict(lines).erased.sample).toEqual([{ sequence: 16, pointers: ['/actor/email'] }]);
  });

  it('are checked where they join: a wrong prev, idx or rcv at a block boundary', () => {
    for (const name of ['wrong prev in the middle', 'wrong idx', 'rcv earlier than the one before', 'rcv not a time']) {
      const lines = CASES[name]!();
      const expected = exactVerdict(lines);
      expect(expected.failure?.sequence, name).toBeGreaterThan(1);
      // Blocks that start exactly at the bad event (lines[0] is the header).
      const at = expected.failure!.sequence!;
      const verifier = new EvidenceVerifier(options());
      verifier.push(lines[0]!);
      for (const block of [lines.slice(1, at), lines.slice(at)]) {
        for (const item of inspectEvidenceLines(block, ORIGIN)) if (!verifier.pushInspected(item)) break;
      }
      expect(verifier.finish()).toEqual(expected);
    }
  });
});

describe('inspectPlainEvent and inspectEvidenceEvent', () => {
  const lines = Object.values(CASES).flatMap((make) => make().slice(1));

  it('agree with the exact inspection on every line of every case', () => {
    for (const line of lines) {
      const exact = inspectEvidenceEventExact(line, ORIGIN);
      expect(inspectEvidenceEvent(line, ORIGIN)).toEqual(exact);
      const plain = inspectPlainEvent(line, ORIGIN);
      if (plain === null) continue;
      expect(exact).toMatchObject({ failure: null, erased: [], idx: plain.idx, prev: plain.prev, rcv: plain.rcv });
      expect(toHex(exact.leafHash!)).toBe(plain.leafHex);
    }
  });

  it('take the shortcut for plain lines only', () => {
    expect(inspectPlainEvent(GOOD[1]!, ORIGIN)).not.toBeNull();
    expect(inspectPlainEvent(GOOD[4]!, ORIGIN)).not.toBeNull(); // a note with a newline, quotes and ✓ in the body
    expect(inspectPlainEvent(GOOD[5]!, ORIGIN)).toBeNull(); // a disclosed name with quotes and a backslash
    expect(inspectPlainEvent(GOOD[7]!, ORIGIN)).toBeNull(); // a user agent with a surrogate pair
    expect(inspectPlainEvent(GOOD[1]!, 'audit.example/t/other')).toBeNull();
  });

  it('agree with the exact inspection on every single-character change of a line', () => {
    for (const line of [GOOD[1]!, GOOD[4]!]) {
      for (let i = 0; i < line.length; i++) {
        for (const c of ['x', '"', '\\', '0', '}', ' ']) {
          const changed = line.slice(0, i) + c + line.slice(i + 1);
          expect(inspectEvidenceEvent(changed, ORIGIN)).toEqual(inspectEvidenceEventExact(changed, ORIGIN));
        }
      }
    }
  });
});

describe('parseEntry', () => {
  const outcome = (parse: (entry: string) => unknown, entry: string) => {
    try {
      return { value: parse(entry) };
    } catch (error) {
      return { error: (error as Error).message };
    }
  };

  it('agrees with parseEntryExact on every single-character change of an entry', () => {
    for (const entry of [EVENTS[0]!.entry, EVENTS[9]!.entry]) {
      for (let i = 0; i < entry.length; i++) {
        for (const c of ['x', '"', '\\', '0', 'A', '}', ' ', '\u0000', '\ud800', 'é']) {
          const changed = entry.slice(0, i) + c + entry.slice(i + 1);
          expect(outcome(parseEntry, changed)).toEqual(outcome(parseEntryExact, changed));
        }
      }
    }
  });

  it('agrees with parseEntryExact on entries with escapes, other forms and other shapes', () => {
    const base = { body: 'a'.repeat(64), idx: '7', log: ORIGIN, prev: ZERO_HASH_HEX, rcv: rcvOf(7), v: 1 };
    const variants: unknown[] = [
      base,
      { ...base, log: 'a"b' },
      { ...base, log: 'a\\b' },
      { ...base, log: 'tab\there' },
      { ...base, log: 'é🤖' },
      { ...base, log: '\ud800' },
      { ...base, rcv: '\u2028' },
      { ...base, idx: '07' },
      { ...base, idx: 7 },
      { ...base, v: '1' },
      { ...base, body: 'A'.repeat(64) },
      { ...base, extra: 1 },
    ];
    const jcs = (v: JsonObject) => {
      const { body: b, idx, log, prev, rcv, v: version, ...rest } = v;
      const str = JSON.stringify;
      return `{"body":${str(b)},"idx":${str(idx)},"log":${str(log)},"prev":${str(prev)},"rcv":${str(rcv)},"v":${str(version)}${Object.keys(rest).length > 0 ? ',"x":1' : ''}}`;
    };
    const texts = variants.flatMap((v) => [jcs(v as JsonObject), JSON.stringify(v), JSON.stringify(v, null, 1)]);
    for (const text of texts) expect(outcome(parseEntry, text)).toEqual(outcome(parseEntryExact, text));
  });
});
