/**
 * scanCommitments against the definition it stands in for, findCommitments(JSON.parse(text)):
 * the same commitments on every canonical body, and null (never a different answer) on any
 * other text, including every single-character change of canonical bodies.
 */
import { describe, expect, it } from 'vitest';
import { scanCommitments, scanSealedBody, type FoundCommitment } from '../src/commitment-scan.js';
import {
  DEFAULT_PERSONAL_POINTERS,
  canonicalJson,
  findCommitments,
  getAtPointer,
  sealBody,
  type JsonObject,
} from '../src/index.js';

type Commitment = Pick<FoundCommitment, 'pointer' | 'sd'>;

/** What the verifier's exact path finds: the parsed body's commitments and their digests. */
function exactCommitments(text: string): Commitment[] | 'not JSON' {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'not JSON';
  return findCommitments(body).map((pointer) => ({
    pointer,
    sd: (getAtPointer(body as JsonObject, pointer) as { _sd: string })._sd,
  }));
}

const byPointer = (list: readonly Commitment[]) =>
  list.map(({ pointer, sd }) => ({ pointer, sd })).sort((a, b) => (a.pointer < b.pointer ? -1 : 1));

const sealed = (body: JsonObject) => canonicalJson(sealBody(body, DEFAULT_PERSONAL_POINTERS).sealed);

const SD = 'a'.repeat(64);

/** Canonical bodies (checked below): sealed events, and the shapes a commitment can and cannot take. */
const CANONICAL = [
  sealed({
    id: 'evt_1',
    action: 'document.read',
    actor: { type: 'user', id: 'u1', email: 'u1@example.org', name: 'Zoë "Z" \\ Ünal' },
    context: { ip: '203.0.113.7', user_agent: 'Bot 🤖/1.0', session_id: 's1' },
    metadata: { i: 1, note: 'line\nbreak "quoted" ✓\u0001', list: [1, -0.5, 2e-7, true, null, {}, []] },
  }),
  sealed({ id: 'evt_2', action: 'a.b', actor: { type: 'user', id: 'u2' }, outcome: 'success' }),
  `{"a":{"_sd":"${SD}"},"b":{"c":{"_sd":"${SD.replace('a', 'b')}"},"d":[{"_sd":"${SD}"}]}}`,
  `{"_sd":"${SD}"}`,
  `{"a":{"_sd":"${SD}","e":1},"b":{"_sd":5},"c":{"_sd":{"_sd":"x"}},"d":{"_sd":null}}`,
  `{"10":{"_sd":"x"},"9":{"_sd":"y"},"__proto__":{"_sd":"p"},"a/b":{"~":{"_sd":"z"}}}`,
  `{"x":{"y":{"z":{"_sd":""}}},"y":[[{"a":{"_sd":"q"}}]],"z":{}}`,
];

/** Not JCS, but the structure the scanner reads: values may be spelled any way JSON allows. */
const SPELLED_OTHERWISE = [
  `{"n":[0,-0,1,-1,10,1.5,1e5,1E+5,1e-5,-12.25e10],"s":"\\u00e9\\/\\b\\f\\n\\r\\t\\"\\\\","t":true}`,
];

describe('scanCommitments', () => {
  it('finds exactly the commitments JSON.parse and findCommitments find, in canonical bodies', () => {
    for (const text of [...CANONICAL, ...SPELLED_OTHERWISE]) {
      if (CANONICAL.includes(text)) expect(canonicalJson(JSON.parse(text)), text).toBe(text);
      const scanned = scanCommitments(text);
      expect(scanned, text).not.toBeNull();
      expect(byPointer(scanned!)).toEqual(byPointer(exactCommitments(text) as Commitment[]));
    }
    expect(
      scanCommitments(CANONICAL[0]!)!
        .map((c) => c.pointer)
        .sort(),
    ).toEqual(['/actor/email', '/actor/name', '/context/ip', '/context/user_agent'].sort());
    expect(byPointer(scanCommitments(CANONICAL[5]!)!).map((c) => c.pointer)).toEqual([
      '/10',
      '/9',
      '/__proto__',
      '/a~1b/~0',
    ]);
  });

  it('tells where each commitment and each top-level member is in the text', () => {
    for (const text of [...CANONICAL, ...SPELLED_OTHERWISE]) {
      const scanned = scanSealedBody(text)!;
      expect(scanned.commitments).toEqual(scanCommitments(text));
      let previousEnd = 0;
      for (const c of scanned.commitments) {
        expect(c.start, text).toBeGreaterThanOrEqual(previousEnd);
        expect(JSON.parse(text.slice(c.start, c.end)), text).toEqual({ _sd: c.sd });
        previousEnd = c.end;
      }
      const parsed = JSON.parse(text) as Record<string, unknown>;
      expect([...scanned.members.keys()], text).toEqual(Object.keys(parsed).sort());
      for (const [name, { start, end }] of scanned.members) {
        expect(JSON.parse(text.slice(start, end)), `${text} ${name}`).toEqual(parsed[name]);
      }
    }
    expect(scanSealedBody('{"a":1}}')).toBeNull();
  });

  it('answers null for JSON that is not in canonical form, and for what is not JSON', () => {
    const other = [
      `{ "a":{"_sd":"${SD}"}}`,
      `{"b":1,"a":{"_sd":"${SD}"}}`,
      `{"a":{"_sd":"x"},"a":{"_sd":"y"}}`,
      `{"\\u0061":{"_sd":"x"}}`,
      `{"a":{"_sd":"\\u0078"}}`,
      `{"a":1}\n`,
      '[{"a":{"_sd":"x"}}]',
      '"text"',
      '',
      '{',
      '{"a":01}',
      '{"a":1.}',
      '{"a":.5}',
      '{"a":+1}',
      '{"a":tru}',
      '{"a":"\t"}',
      '{"a":"\\x"}',
      '{"a":"\\u12g4"}',
      '{"a":[1,]}',
      '{"a":1,}',
      '{"a":1}}',
      `${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}`,
    ];
    for (const text of other) expect(scanCommitments(text), text.slice(0, 40)).toBeNull();
  });

  it('never answers other than the definition on any single-character change of a canonical body', () => {
    let answered = 0;
    for (const text of CANONICAL.slice(0, 3)) {
      for (let i = 0; i <= text.length; i++) {
        for (const c of ['x', '"', '\\', '0', '-', 'e', '.', '{', '}', '[', ']', ',', ':', ' ', '\u0000', '~', '/']) {
          for (const changed of [text.slice(0, i) + c + text.slice(i + 1), text.slice(0, i) + c + text.slice(i)]) {
            const scanned = scanCommitments(changed);
            if (scanned === null) continue;
            answered++;
            const exact = exactCommitments(changed);
            expect(exact, changed).not.toBe('not JSON');
            expect(byPointer(scanned), changed).toEqual(byPointer(exact as Commitment[]));
          }
        }
      }
    }
    // Many changes keep the text canonical (a changed letter or digit), and those are answered.
    expect(answered).toBeGreaterThan(1000);
  });
});
