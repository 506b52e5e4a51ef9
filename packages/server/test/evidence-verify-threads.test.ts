/**
 * `trailkeep verify` in worker threads against one thread, on a bundle of several 1 MiB blocks:
 * the same output, good or tampered, including damage in the first line of a block (where a run
 * of events joins the verifier's state) and inside a block. Also the worker's line decoding
 * against the one-thread reader's (UTF-8, invalid bytes, a BOM).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blockLines } from '../src/cli/verify-worker.js';
import { BIN } from './helpers/server-process.js';
import { makeTempDir } from './helpers/temp-dir.js';
// The tlog package's bundle builder: the same leaf-v1 chain its own verifier tests use.
import { KEYS, bundle, chainEvents } from '../../tlog/test/evidence-fixture.js';

const work = makeTempDir('trailkeep-verify-threads-');
/** A bundle of n events (about 0.7 KB a line); some disclosures are not plain, one is erased. */
function bundleLines(n: number): string[] {
  const { events, leaves } = chainEvents(n, {
    body: (i) => ({
      id: `evt_${i}`,
      action: 'document.read',
      actor: { type: 'user', id: `u${i % 3}`, email: `u${i}@example.org`, name: i % 50 === 0 ? 'Zoë "Z"' : 'Ada' },
      context: {
        ip: '203.0.113.7',
        user_agent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
      },
      metadata: { i, note: 'quarterly budget draft shared with the finance team for review, "final" ✓' },
    }),
    rcv: (i) => new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString(),
    reseal: (i, sealedBody, disclosures) => {
      if (i === 777) delete disclosures['/context/ip'];
      return [sealedBody, disclosures];
    },
  });
  return bundle(events, leaves);
}

const LINES = bundleLines(4000);

/** The index of the first line of the second block the reader sends (blocks of 1 MiB of whole lines). */
function secondBlockStart(lines: readonly string[]): number {
  let bytes = 0;
  for (let i = 0; i < lines.length; i++) {
    bytes += Buffer.byteLength(lines[i]!) + 1;
    if (bytes > 1 << 20) return i;
  }
  throw new Error('the bundle is one block');
}

/** Changes the first hex digit of the entry's prev (salts are random, so it may already be an f). */
const setPrev = (line: string) =>
  line.replace(/(\\"prev\\":\\")(.)/, (_, key: string, c: string) => `${key}${c === 'f' ? '0' : 'f'}`);
const setRcv = (line: string) => line.replace(/(\\"rcv\\":\\")2025/, (_, key: string) => `${key}2024`);

describe('trailkeep verify in worker threads', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  const at = secondBlockStart(LINES);
  const cases: Record<string, (lines: string[]) => void> = {
    good: () => {},
    'a changed sealed body inside a block': (l) => (l[1500] = l[1500]!.replace('evt_1500', 'evt_1501')),
    'a wrong prev at a block start': (l) => (l[at] = setPrev(l[at]!)),
    'a wrong prev inside a block': (l) => (l[at + 5] = setPrev(l[at + 5]!)),
    'an earlier rcv at a block start': (l) => (l[at] = setRcv(l[at]!)),
    'an earlier rcv inside a block': (l) => (l[30] = setRcv(l[30]!)),
    'a reordered pair across a block start': (l) => ([l[at - 1], l[at]] = [l[at]!, l[at - 1]!]),
    'a changed disclosure': (l) => (l[2000] = l[2000]!.replace('u2000@example.org', 'u2001@example.org')),
    'an event missing at a block start': (l) => l.splice(at, 1),
  };

  it.each(Object.keys(cases))('gives the one-thread output: %s', (name) => {
    const lines = [...LINES];
    cases[name]!(lines);
    const file = join(work.dir, `${name.replace(/\W+/g, '-')}.jsonl`);
    writeFileSync(file, lines.join('\n'));
    const single = cli('verify', file, '--vkey', KEYS.verifierKey, '--threads', '0');
    const threaded = cli('verify', file, '--vkey', KEYS.verifierKey, '--threads', '2');
    expect(single.stdout, single.stderr).toMatch(name === 'good' ? /^VERIFIED\n/ : /^FAILED\n/);
    expect([threaded.status, threaded.stdout]).toEqual([single.status, single.stdout]);
  });

  it('reports the erased field found in a run', () => {
    const file = join(work.dir, 'good.jsonl');
    writeFileSync(file, LINES.join('\n'));
    const json = JSON.parse(cli('verify', file, '--vkey', KEYS.verifierKey, '--threads', '2', '--json').stdout);
    expect(json).toMatchObject({
      ok: true,
      eventsChecked: 4000,
      erased: { sample: [{ sequence: 777, pointers: ['/context/ip'] }] },
    });
  });
});

describe('the worker decoding a block', () => {
  it('gives the lines the one-thread reader gives', () => {
    const text = Buffer.from(LINES.join('\n'));
    const tricky = Buffer.concat([
      Buffer.from('a\xff\xfeb\n\xe2\x82\nc\xe2\x82\xac\n\n', 'latin1'),
      Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x0a, 0xf0, 0x9f, 0xa4, 0x96]),
    ]);
    for (const bytes of [text, tricky, Buffer.from('plain\nascii\n')]) {
      const expected = bytes.toString('utf8').split('\n');
      if (expected.at(-1) === '') expected.pop();
      expect(blockLines(new Uint8Array(bytes))).toEqual(expected);
    }
  });
});
