/**
 * Several servers, one database (DESIGN §4): two real `trailkeep serve` processes on one
 * PostgreSQL database take concurrent sync writes for the same tenant for several seconds, with
 * retries of acknowledged ids sent to the other server. The stored log must be one chain:
 * sequences 1..N without gaps, every acknowledged event exactly once at the sequence it was
 * acknowledged with, every link verified from the stored bytes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { hasPostgres } from './helpers/pg-database.js';
import { api, startServerProcess, tenantKey, type ServerProcess } from './helpers/server-process.js';
import { createTestStorage, type TestStorage } from './helpers/test-storage.js';

const LOAD_MS = 5000;
const WRITERS_PER_SERVER = 16;

interface Ack {
  id: string;
  sequence: number;
}

/** Writers on one server; every 10th request retries an id acknowledged earlier, on the other server. */
function hammer(servers: ServerProcess[], key: string) {
  const acks: Ack[] = [];
  const retries: Array<{ id: string; status: number; sequence: number; expected: number }> = [];
  const deadline = Date.now() + LOAD_MS;
  const writer = async (s: number, w: number): Promise<void> => {
    for (let n = 0; Date.now() < deadline; n++) {
      const previous = acks[acks.length - 1];
      if (n % 10 === 9 && previous) {
        const res = await api(servers[1 - s]!.url, key, 'POST', '/v1/events?sync=true', {
          id: previous.id,
          action: 'load.test',
          actor: { id: previous.id.split('_')[1]! },
        });
        retries.push({
          id: previous.id,
          status: res.status,
          sequence: res.json?.sequence_number,
          expected: previous.sequence,
        });
        continue;
      }
      const id = `s${s}_w${w}_${n}`;
      const res = await api(servers[s]!.url, key, 'POST', '/v1/events?sync=true', {
        id,
        action: 'load.test',
        actor: { id: `w${w}` },
      });
      if (res.status === 201) acks.push({ id, sequence: res.json.sequence_number });
      else throw new Error(`server ${s}: HTTP ${res.status} ${JSON.stringify(res.json)}`);
    }
  };
  const done = Promise.all(
    servers.flatMap((_, s) => Array.from({ length: WRITERS_PER_SERVER }, (__, w) => writer(s, w))),
  );
  return { acks, retries, done };
}

describe.skipIf(!hasPostgres())('several servers on one PostgreSQL database', () => {
  let storage: TestStorage | undefined;
  const servers: ServerProcess[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) if (s.proc.exitCode === null) s.proc.kill('SIGKILL');
    await storage?.remove();
  });

  it('two processes hammering one tenant produce one gapless chain with every acknowledged event once', async () => {
    storage = await createTestStorage('postgres');
    // The second server starts on the first one's data directory, as instances share their configuration.
    servers.push(await startServerProcess(storage));
    servers.push(await startServerProcess(storage));
    const key = await tenantKey(servers[0]!.url, 'acme');

    const load = hammer(servers, key);
    await load.done;
    for (const s of servers) s.proc.kill('SIGTERM');
    expect(await Promise.all(servers.map((s) => s.exited))).toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);

    const fromEach = [0, 1].map((s) => load.acks.filter((a) => a.id.startsWith(`s${s}_`)).length);
    expect(Math.min(...fromEach)).toBeGreaterThan(100);
    // Retries on the other server answer 200 with the original sequence, never a second copy.
    expect(load.retries.length).toBeGreaterThan(10);
    expect(load.retries.filter((r) => r.status !== 200 || r.sequence !== r.expected)).toEqual([]);

    const report = await storage.verifyChain('acme');
    expect(report.sequences).toEqual(Array.from({ length: report.size }, (_, i) => i + 1));
    expect(report.size).toBe(load.acks.length);
    const stored = new Map(report.ids.map((id, i) => [id, report.sequences[i]!]));
    expect(stored.size).toBe(report.size);
    expect(load.acks.filter((a) => stored.get(a.id) !== a.sequence)).toEqual([]);
  }, 60_000);
});
