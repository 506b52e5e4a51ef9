/**
 * The rule that decides where the test run gets PostgreSQL from. vitest.config.ts (is there a
 * `postgres` project?) and the global setup (what does it start?) both call postgresSource, so a
 * machine without a usable server leaves the project out and skips loudly instead of failing.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findPostgresBin, postgresSource } from './helpers/pg-server.js';
import { makeTempDir } from './helpers/temp-dir.js';

const temps: Array<() => void> = [];
afterEach(() => temps.splice(0).forEach((remove) => remove()));

/** A fake /usr/lib/postgresql with the given version folders and the tools each one has. */
function fakeRoot(versions: Record<string, string[]>): string {
  const temp = makeTempDir('trailkeep-pgroot-');
  temps.push(temp.remove);
  for (const [version, tools] of Object.entries(versions)) {
    const bin = join(temp.dir, version, 'bin');
    mkdirSync(bin, { recursive: true });
    for (const tool of tools) {
      writeFileSync(join(bin, tool), '#!/bin/sh\n');
      chmodSync(join(bin, tool), 0o755);
    }
  }
  return temp.dir;
}

describe('where PostgreSQL tests get their server', () => {
  it('needs initdb and pg_ctl in a numeric version folder, and takes the newest such', () => {
    const root = fakeRoot({
      '13': ['initdb', 'pg_ctl'],
      '16': ['initdb'], // a half-installed server: no pg_ctl
      '9': ['initdb', 'pg_ctl'],
      latest: ['initdb', 'pg_ctl'], // not a version folder
    });
    expect(findPostgresBin(root)).toBe(join(root, '13', 'bin'));
    expect(postgresSource({}, root)).toEqual({ kind: 'bin', bin: join(root, '13', 'bin') });
  });

  it('reports none (so the postgres project is left out) when initdb exists but pg_ctl does not', () => {
    const root = fakeRoot({ '15': ['initdb'], current: ['initdb', 'pg_ctl'] });
    expect(findPostgresBin(root)).toBeUndefined();
    expect(postgresSource({}, root)).toMatchObject({ kind: 'none', why: expect.stringContaining('pg_ctl') });
    expect(postgresSource({}, join(root, 'missing'))).toMatchObject({ kind: 'none' });
  });

  it('TRAILKEEP_TEST_PG_BIN must hold both tools too; TRAILKEEP_TEST_PG_URL wins over everything', () => {
    const root = fakeRoot({ '15': ['initdb', 'pg_ctl'], half: ['initdb'] });
    const half = join(root, 'half', 'bin');
    expect(postgresSource({ TRAILKEEP_TEST_PG_BIN: half }, root)).toMatchObject({
      kind: 'none',
      why: expect.stringContaining(half),
    });
    expect(postgresSource({ TRAILKEEP_TEST_PG_BIN: join(root, '15', 'bin') }, root)).toEqual({
      kind: 'bin',
      bin: join(root, '15', 'bin'),
    });
    const url = 'postgres://postgres@db.example:5432/postgres';
    expect(postgresSource({ TRAILKEEP_TEST_PG_URL: url, TRAILKEEP_TEST_PG_BIN: half }, root)).toEqual({
      kind: 'url',
      url,
    });
  });
});
