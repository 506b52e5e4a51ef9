/**
 * A throwaway PostgreSQL server from the machine's binaries (/usr/lib/postgresql/<version>/bin):
 * initdb into a temp directory, pg_ctl start on a loopback port with fsync on (durability is
 * what the tests prove), pg_ctl stop and remove at the end. initdb refuses to run as root, so as
 * root every command runs as the `postgres` user (runuser), which then owns the directory.
 * The directory records the test run's pid (owner.pid): a server whose run was killed before its
 * teardown is stopped by the next run (reapOrphans).
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PG_ROOT = '/usr/lib/postgresql';

export interface ThrowawayPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  version: string;
  stop(): Promise<void>;
  /** Stops at once, synchronously: for process exit and signals. */
  stopNow(): void;
}

const PREFIX = 'trailkeep-pg-';
const OWNER_FILE = 'owner.pid';

function commandFor(bin: string, tool: string, args: string[]): [string, string[]] {
  return userInfo().uid === 0
    ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]]
    : [join(bin, tool), args];
}

function stopSync(bin: string, dir: string): void {
  try {
    execFileSync(...commandFor(bin, 'pg_ctl', ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']), {
      stdio: 'ignore',
    });
  } catch {
    // not running
  }
  rmSync(dir, { recursive: true, force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Stops and removes throwaway servers whose test run is gone (killed before its teardown). */
export function reapOrphans(bin: string): string[] {
  const reaped: string[] = [];
  for (const name of readdirSync(tmpdir())) {
    const dir = join(tmpdir(), name);
    if (!name.startsWith(PREFIX) || !existsSync(join(dir, OWNER_FILE))) continue;
    const owner = Number(readFileSync(join(dir, OWNER_FILE), 'utf8'));
    if (Number.isInteger(owner) && owner > 0 && !alive(owner)) {
      stopSync(bin, dir);
      reaped.push(dir);
    }
  }
  return reaped;
}

/** A bin directory a throwaway server can be run from: it has both initdb and pg_ctl. */
export function isUsableBin(bin: string): boolean {
  return existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'));
}

/** bin directory of the newest installed PostgreSQL (a numeric version folder) with initdb and pg_ctl, if any. */
export function findPostgresBin(root = PG_ROOT): string | undefined {
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v) && isUsableBin(join(root, v, 'bin')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

export type PostgresSource =
  { kind: 'url'; url: string } | { kind: 'bin'; bin: string } | { kind: 'none'; why: string };

/**
 * Where the test run gets PostgreSQL from: TRAILKEEP_TEST_PG_URL, else TRAILKEEP_TEST_PG_BIN (a
 * bin directory elsewhere: Homebrew, /usr/local/pgsql), else the newest /usr/lib/postgresql/<n>/bin.
 * The one rule for both vitest.config.ts (whether the `postgres` project runs) and the global
 * setup (what it starts), so the two cannot disagree.
 */
export function postgresSource(env: NodeJS.ProcessEnv = process.env, root = PG_ROOT): PostgresSource {
  if (env.TRAILKEEP_TEST_PG_URL) return { kind: 'url', url: env.TRAILKEEP_TEST_PG_URL };
  const explicit = env.TRAILKEEP_TEST_PG_BIN;
  if (explicit) {
    return isUsableBin(explicit)
      ? { kind: 'bin', bin: explicit }
      : { kind: 'none', why: `no initdb and pg_ctl in TRAILKEEP_TEST_PG_BIN=${explicit}` };
  }
  const found = findPostgresBin(root);
  return found === undefined
    ? { kind: 'none', why: `no initdb and pg_ctl under ${root}/<version>/bin and TRAILKEEP_TEST_PG_URL is not set` }
    : { kind: 'bin', bin: found };
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

export async function startThrowawayPostgres(bin: string): Promise<ThrowawayPostgres> {
  const asRoot = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), PREFIX));
  writeFileSync(join(dir, OWNER_FILE), String(process.pid));
  if (asRoot) {
    const { uid, gid } = await postgresIds();
    chownSync(dir, uid, gid);
  }
  const exec = (tool: string, args: string[]) => run(...commandFor(bin, tool, args));
  const data = join(dir, 'data');
  try {
    // --no-sync: initdb's own fsyncs are pointless for a throwaway cluster; the server runs with fsync=on.
    await exec('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    const port = await freeLoopbackPort();
    const settings = [
      `-p ${port}`,
      '-c listen_addresses=127.0.0.1',
      `-c unix_socket_directories=${dir}`,
      '-c fsync=on',
      '-c max_connections=300',
      '-c shared_buffers=128MB',
    ];
    await exec('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'server.log'),
      '-w',
      '-t',
      '60',
      '-o',
      settings.join(' '),
      'start',
    ]);
    const { stdout } = await exec('pg_ctl', ['--version']);
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      version: stdout.trim(),
      async stop() {
        await exec('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      },
      stopNow: () => stopSync(bin, dir),
    };
  } catch (error) {
    stopSync(bin, dir);
    throw error;
  }
}
