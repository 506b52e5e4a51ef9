/**
 * Acceptance of the evidence export (issue 5): a real log on a real database (SQLite file and
 * PostgreSQL), exported after an attacker changed the database with plain SQL. Each kind of damage
 * makes `verify` fail naming the first bad sequence and why; the untouched export verifies, with
 * erased fields reported as erased; the browser build of packages/tlog gives the same verdict.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as tlog from '@trailkeep/tlog';
import {
  CompactRange,
  generateNoteKeyPair,
  parseNote,
  parseSignerKey,
  signNote,
  type EvidenceVerdict,
} from '@trailkeep/tlog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportToFile } from '../src/cli/evidence.commands.js';
import { loadConfig } from '../src/config/config.js';
import { verifyBundleFile } from '../src/cli/verify-bundle.js';
import { createServices } from '../src/services.js';
import { hasPostgres } from './helpers/pg-database.js';
import { BIN } from './helpers/server-process.js';
import { copyDatabase, type RawDb } from './helpers/tamper-db.js';
import { createTestApp, sampleEvent, type TestApp } from './helpers/test-app.js';
import { makeTempDir } from './helpers/temp-dir.js';
import { TEST_DRIVERS } from './helpers/test-storage.js';

type Tlog = typeof tlog;

const TLOG_ROOT = new URL('../../tlog/', import.meta.url);
const work = makeTempDir('trailkeep-evidence-');
let browser: Tlog;

beforeAll(async () => {
  // The browser build: one self-contained ES module, no Node built-ins, loaded as it is.
  const outDir = join(work.dir, 'browser');
  const built = spawnSync(process.execPath, ['scripts/build-browser.js', outDir], {
    cwd: TLOG_ROOT,
    encoding: 'utf8',
  });
  expect(built.status, built.stderr).toBe(0);
  const source = readFileSync(join(outDir, 'tlog.browser.js'), 'utf8');
  expect(source).not.toMatch(/^\s*(import|export)\s[^;]*\sfrom\s*["']|^\s*import\s*["']/m);
  expect(source).not.toMatch(/\brequire\(|\bimport\(|\bprocess\./);
  browser = (await import(pathToFileURL(join(outDir, 'tlog.browser.js')).href)) as Tlog;
}, 120_000);
afterAll(() => work.remove());

interface Fixture {
  t: TestApp;
  vkey: string;
  /** Checkpoints an auditor saw: after 30 events, and the newest (41). */
  trusted30: string;
  trusted41: string;
}

const ACTORS = ['u0', 'u1', 'u2'];

function event(i: number): Record<string, unknown> {
  const actor = ACTORS[i % 3]!;
  return sampleEvent({
    actor: { id: actor, email: `${actor}@example.org`, name: `User ${actor}` },
    context: { ip: `198.51.100.${i}`, user_agent: 'Firefox/133.0' },
    summary: `event ${i}`,
  });
}

async function ingest(t: TestApp, key: string, from: number, count: number): Promise<void> {
  const payload = { events: Array.from({ length: count }, (_, i) => event(from + i)) };
  expect((await t.call(key, { method: 'POST', url: '/v1/events/batch', payload })).statusCode).toBe(200);
}

/** 30 events, a checkpoint, 10 more, an erasure of actor u1 (event 41), a checkpoint; then closed. */
async function buildLog(driver: (typeof TEST_DRIVERS)[number]): Promise<Fixture> {
  const t = await createTestApp({}, { driver });
  const key = await t.tenantWithKey('acme');
  await ingest(t, key, 1, 30);
  const trusted30 = (await t.services.integrator.waitForCheckpoint('acme', 30, 10_000)).note;
  await ingest(t, key, 31, 10);
  const erased = await t.call(t.adminKey, {
    method: 'POST',
    url: '/v1/erasures',
    headers: { 'x-tenant-id': 'acme' },
    payload: { actor_id: 'u1' },
  });
  expect(erased.json()).toMatchObject({ events_erased: 14, fields_erased: 56, event: { sequence: 41 } });
  const trusted41 = (await t.services.integrator.waitForCheckpoint('acme', 41, 10_000)).note;
  const vkey = t.services.checkpointKey.verifierKey('localhost/t/acme');
  // Close everything but the storage, which the cases copy.
  await t.app.close();
  await t.services.sequencer.drain();
  await t.services.integrator.close();
  await t.store.close();
  return { t, vkey, trusted30, trusted41 };
}

type Tamper = (db: RawDb, f: Fixture) => Promise<void>;

async function editEvent(db: RawDb, seq: number, column: string, edit: (value: string) => string): Promise<void> {
  const [row] = await db.all<Record<string, string>>(
    `SELECT ${column} FROM events WHERE tenant_id = 'acme' AND seq = ?`,
    [seq],
  );
  await db.run(`UPDATE events SET ${column} = ? WHERE tenant_id = 'acme' AND seq = ?`, [edit(row![column]!), seq]);
}

/** Swaps what two events hold, each keeping its place (sequence). */
async function swapEvents(db: RawDb, a: number, b: number): Promise<void> {
  const cols = ['id', 'sealed_body', 'disclosures', 'entry', 'leaf_hash', 'body_digest'];
  const read = async (seq: number) =>
    (
      await db.all<Record<string, string>>(
        `SELECT ${cols.join(', ')} FROM events WHERE tenant_id = 'acme' AND seq = ?`,
        [seq],
      )
    )[0]!;
  const [ra, rb] = [await read(a), await read(b)];
  // Ids are unique per tenant: free a's id first, then move b's content to a last.
  await db.run(`UPDATE events SET id = ? WHERE tenant_id = 'acme' AND seq = ?`, [`${ra.id}-swap`, a]);
  const set = cols.map((c) => `${c} = ?`).join(', ');
  await db.run(`UPDATE events SET ${set} WHERE tenant_id = 'acme' AND seq = ?`, [...cols.map((c) => ra[c]), b]);
  await db.run(`UPDATE events SET ${set} WHERE tenant_id = 'acme' AND seq = ?`, [...cols.map((c) => rb[c]), a]);
}

/** Cuts the log back to `size` everywhere, as a careful attacker would: events, head, tree, checkpoints. */
async function rollBack(db: RawDb, size: number): Promise<void> {
  const rows = await db.all<{ leaf_hash: string; received_at: string }>(
    `SELECT leaf_hash, received_at FROM events WHERE tenant_id = 'acme' AND seq <= ? ORDER BY seq`,
    [size],
  );
  const range = new CompactRange();
  for (const r of rows) range.append(Buffer.from(r.leaf_hash, 'hex'));
  const last = rows.at(-1)!;
  await db.run(`DELETE FROM events WHERE tenant_id = 'acme' AND seq > ?`, [size]);
  await db.run(`DELETE FROM checkpoints WHERE tenant_id = 'acme' AND size > ?`, [size]);
  await db.run(`UPDATE tree_state SET size = ?, peaks = ? WHERE tenant_id = 'acme'`, [
    size,
    Buffer.concat(range.peaks()),
  ]);
  await db.run(`UPDATE log_heads SET size = ?, head_hash = ?, last_received_at = ? WHERE tenant_id = 'acme'`, [
    size,
    last.leaf_hash,
    new Date(last.received_at).toISOString(),
  ]);
}

/** Replaces the newest checkpoint's signature with one by another key under the same name. */
async function resign(db: RawDb): Promise<void> {
  const [row] = await db.all<{ note: string; size: string }>(
    `SELECT note, size FROM checkpoints WHERE tenant_id = 'acme' ORDER BY size DESC LIMIT 1`,
  );
  const forger = parseSignerKey(generateNoteKeyPair('localhost/t/acme').signerKey);
  const forged = signNote(parseNote(row!.note).text, [forger]);
  await db.run(`UPDATE checkpoints SET note = ? WHERE tenant_id = 'acme' AND size = ?`, [forged, Number(row!.size)]);
}

interface Case {
  name: string;
  tamper?: Tamper;
  trusted?: (f: Fixture) => string;
  expect: Omit<Partial<EvidenceVerdict>, 'failure'> & { failure: { sequence: number | null; code: string } | null };
}

const CASES: Case[] = [
  { name: 'the untouched export verifies', expect: { ok: true, eventsChecked: 41, failure: null } },
  {
    name: 'the untouched export is consistent with a trusted earlier checkpoint',
    trusted: (f) => f.trusted30,
    expect: { ok: true, trustedSize: 30, failure: null },
  },
  {
    name: 'one byte of a stored event body changed',
    tamper: (db) => editEvent(db, 17, 'sealed_body', (b) => b.replace('document.update', 'document.updatE')),
    expect: { ok: false, failure: { sequence: 17, code: 'body-digest' } },
  },
  {
    name: 'one byte of a stored entry changed',
    tamper: (db) =>
      editEvent(db, 23, 'entry', (e) => e.replace(/"body":"(.)/, (_, c: string) => `"body":"${c === 'a' ? 'b' : 'a'}`)),
    expect: { ok: false, failure: { sequence: 23, code: 'body-digest' } },
  },
  {
    name: 'an event deleted in the middle',
    tamper: (db) => db.run(`DELETE FROM events WHERE tenant_id = 'acme' AND seq = 20`),
    expect: { ok: false, failure: { sequence: 20, code: 'event-missing' } },
  },
  {
    name: 'the newest events deleted',
    tamper: (db) => db.run(`DELETE FROM events WHERE tenant_id = 'acme' AND seq >= 35`),
    expect: { ok: false, failure: { sequence: 35, code: 'event-missing' } },
  },
  {
    name: 'the log rolled back to an older checkpoint, caught by a trusted newer one',
    tamper: (db) => rollBack(db, 30),
    trusted: (f) => f.trusted41,
    expect: { ok: false, failure: { sequence: 31, code: 'truncated' } },
  },
  {
    name: 'two events reordered',
    tamper: (db) => swapEvents(db, 10, 11),
    expect: { ok: false, failure: { sequence: 10, code: 'entry-idx' } },
  },
  {
    name: 'the checkpoint signature replaced',
    tamper: (db) => resign(db),
    expect: { ok: false, failure: { sequence: null, code: 'checkpoint-signature' } },
  },
  {
    name: 'a disclosed value changed',
    tamper: (db) => editEvent(db, 2, 'disclosures', (d) => d.replace('u2@example.org', 'eve@example.org')),
    expect: { ok: false, failure: { sequence: 2, code: 'disclosure-mismatch' } },
  },
];

for (const driver of TEST_DRIVERS) {
  describe.skipIf(driver === 'postgres' && !hasPostgres())(`evidence export and verify (${driver})`, () => {
    let f: Fixture;
    beforeAll(async () => {
      f = await buildLog(driver);
    }, 60_000);
    afterAll(() => f?.t.storage.remove());

    /** Exports from a damaged copy (tree integration off: nothing may be signed over the damage). */
    async function exportCopy(tamper: Tamper | undefined, out: string): Promise<void> {
      const copy = await copyDatabase(f.t.storage);
      try {
        if (tamper !== undefined) {
          const db = await copy.raw();
          await tamper(db, f).finally(() => db.close());
        }
        const store = await copy.openStore();
        const config = { ...loadConfig({}, { dataDir: f.t.dataDir }), treeIntegration: false };
        const services = createServices(store, config);
        await exportToFile(services, { tenant: 'acme', out }).finally(async () => {
          await services.sequencer.drain();
          await store.close();
        });
      } finally {
        await copy.remove();
      }
    }

    it.each(CASES)('$name', async (c) => {
      const out = join(work.dir, `${driver}-${CASES.indexOf(c)}.jsonl`);
      await exportCopy(c.tamper, out);
      const trusted = c.trusted?.(f);
      const trustedFile = join(work.dir, `${driver}-${CASES.indexOf(c)}.checkpoint`);
      if (trusted !== undefined) writeFileSync(trustedFile, trusted);
      const verdict = await verifyBundleFile({
        bundle: out,
        vkey: f.vkey,
        threads: 0,
        ...(trusted === undefined ? {} : { trustedCheckpoint: trustedFile }),
      });
      expect(verdict).toMatchObject(c.expect);
      if (verdict.ok) {
        // u1's 14 events lost email, name, ip and user agent to the erasure: erased, not tampered.
        expect(verdict.erased).toMatchObject({ fields: 56, events: 14 });
        expect(verdict.erased.byPointer).toEqual({
          '/actor/email': 14,
          '/actor/name': 14,
          '/context/ip': 14,
          '/context/user_agent': 14,
        });
      }
      const lines = readFileSync(out, 'utf8').split('\n');
      const options = {
        verifiers: [browser.parseVerifierKey(f.vkey)],
        ...(trusted === undefined ? {} : { trustedCheckpoint: trusted }),
      };
      expect(browser.verifyEvidence(lines, options)).toEqual(verdict);
    });
  });
}

describe('the trailkeep export and verify commands', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await buildLog('sqlite');
  }, 60_000);
  afterAll(() => f?.t.storage.remove());

  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args], {
      encoding: 'utf8',
      env: { ...process.env, TRAILKEEP_LOG_LEVEL: 'warn' },
    });

  it('exports offline and verifies: exit 0 with a summary; exit 1 naming the first bad sequence', async () => {
    const out = join(work.dir, 'cli.jsonl');
    const exported = cli('export', '--tenant', 'acme', '--out', out, '--data-dir', f.t.dataDir);
    expect(exported.status, exported.stderr).toBe(0);
    expect(exported.stdout).toContain('Exported sequences 1–41 of localhost/t/acme (41 events)');
    const good = cli('verify', out, '--vkey', f.vkey);
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(/^VERIFIED\n/);
    expect(good.stdout).toContain('events checked: 41');
    expect(good.stdout).toContain('erased fields: 56 in 14 events');

    const damaged = join(work.dir, 'cli-damaged.jsonl');
    const lines = readFileSync(out, 'utf8').split('\n');
    lines[5] = lines[5]!.replace('event 5', 'event 6');
    writeFileSync(damaged, lines.join('\n'));
    const bad = cli('verify', damaged, '--vkey', f.vkey);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/^FAILED\n/);
    expect(bad.stdout).toContain(
      "first failure: sequence 5: the sealed body does not match the entry's body digest [body-digest]",
    );

    // Worker threads (the default for large bundles) give the same verdict, line for line.
    for (const bundle of [out, damaged]) {
      const threaded = cli('verify', bundle, '--vkey', f.vkey, '--threads', '2');
      const single = cli('verify', bundle, '--vkey', f.vkey, '--threads', '0');
      expect([threaded.status, threaded.stdout]).toEqual([single.status, single.stdout]);
    }

    const json = cli('verify', out, '--vkey', f.vkey, '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, eventsChecked: 41 });
    expect(cli('verify', out, '--vkey', 'not-a-key').status).toBe(2);
  });

  it('records every export in the tenant log', async () => {
    const store = await f.t.storage.openStore();
    try {
      const head = (await store.getLogHead('acme'))!;
      const events = await store.getEventsBySequence('acme', 42, head.size);
      expect(events.length).toBeGreaterThanOrEqual(1);
      expect(events.every((e) => e.sealedBody.includes('"action":"trailkeep.log.export"'))).toBe(true);
    } finally {
      await store.close();
    }
  });
});
