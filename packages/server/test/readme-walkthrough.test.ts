/**
 * The README's curl walkthrough, run as a reader would: the real server on a fresh data
 * directory, each shell block executed by bash with curl. Only what the reader fills in is
 * substituted: the printed keys for the `tk_live_...` placeholders, and the port.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from './helpers/server-process.js';
import { makeTempDir } from './helpers/temp-dir.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const walkthrough = readme.slice(readme.indexOf('## Five minutes with curl'), readme.indexOf('## Command line'));
const blocks = [...walkthrough.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);

let server: ServerProcess;
const temp = makeTempDir('trailkeep-readme-');
const env: Record<string, string> = {};

function run(block: string): string {
  const script = block
    .replaceAll('http://127.0.0.1:8080', server.url)
    .replace(/^export TK_ADMIN=tk_live_\.\.\..*$/m, `export TK_ADMIN=${env.TK_ADMIN}`)
    .replace(/^export TK_KEY=tk_live_\.\.\..*$/m, `export TK_KEY=${env.TK_KEY ?? ''}`);
  return execFileSync('bash', ['-euo', 'pipefail', '-c', script], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
}

/** Splits concatenated JSON documents (curl -s prints answers back to back). */
function jsonDocuments(text: string): Array<Record<string, any>> {
  const docs: Array<Record<string, any>> = [];
  let depth = 0;
  let start = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth === 0) docs.push(JSON.parse(text.slice(start, i + 1)) as Record<string, any>);
    }
  }
  return docs;
}

beforeAll(async () => {
  server = await startServerProcess(temp.dir, { TRAILKEEP_ADMIN_KEY: '' });
  env.TK_ADMIN = /\n\s+(tk_live_\S+)\n/.exec(server.output())![1]!;
});
afterAll(async () => {
  server.proc.kill('SIGTERM');
  await server.exited;
  temp.remove();
});

describe('README walkthrough', () => {
  it('has the blocks it describes', () => {
    expect(blocks).toHaveLength(4);
  });

  it('works verbatim against a fresh server', () => {
    const [setup, useKey, send, read] = blocks as [string, string, string, string];
    const [tenant, key] = jsonDocuments(run(setup)) as [Record<string, any>, Record<string, any>];
    expect(tenant).toMatchObject({ id: 'acme', name: 'Acme Inc' });
    expect(key.key).toMatch(/^tk_live_/);
    env.TK_KEY = key.key as string;
    run(useKey);

    const [event] = jsonDocuments(run(send)) as [Record<string, any>];
    expect(event).toMatchObject({ id: 'evt_0001', tenant_id: 'acme', sequence_number: 1, prev_hash: '0'.repeat(64) });
    expect(event.hash).toMatch(/^[0-9a-f]{64}$/);

    const [list, one] = jsonDocuments(run(read)) as [Record<string, any>, Record<string, any>];
    expect(list.data.map((e: { id: string }) => e.id)).toEqual(['evt_0001']);
    expect(list.next_cursor).toBeNull();
    expect(one).toMatchObject({ id: 'evt_0001', hash: event.hash, actor: { email: 'ada@example.org' } });
  });
});
