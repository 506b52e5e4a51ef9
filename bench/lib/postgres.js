/**
 * BENCH_STORAGE=postgres: a throwaway PostgreSQL server for the run, started from the machine's
 * binaries as the tests do (initdb + pg_ctl in a temp directory, loopback port, fsync on; as root
 * the commands run as the `postgres` user), or BENCH_PG_URL (a superuser URL) if set. Each data
 * directory a scenario starts Trailkeep on gets a database of its own, so a restarted server (the
 * query scenarios) finds the data it loaded.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const PG_ROOT = '/usr/lib/postgresql';

/**
 * Settings of the throwaway server: durable (fsync, synchronous_commit and full_page_writes stay
 * on), sized for this machine's memory, with the WAL large enough that loading a million events
 * does not checkpoint every few seconds, and JIT off (it costs more than it saves on short queries).
 */
const SETTINGS = {
  fsync: 'on',
  synchronous_commit: 'on',
  max_connections: '200',
  shared_buffers: '2GB',
  effective_cache_size: '4GB',
  work_mem: '16MB',
  maintenance_work_mem: '256MB',
  max_wal_size: '8GB',
  checkpoint_timeout: '15min',
  random_page_cost: '1.1',
  jit: 'off',
};

let server;
const databases = new Map();

function findBin() {
  if (!existsSync(PG_ROOT)) return undefined;
  const version = readdirSync(PG_ROOT)
    .filter((v) => existsSync(join(PG_ROOT, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))[0];
  return version && join(PG_ROOT, version, 'bin');
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function startServer() {
  const bin = findBin();
  if (!bin)
    throw new Error(
      'BENCH_STORAGE=postgres: no /usr/lib/postgresql/*/bin/initdb; install postgresql or set BENCH_PG_URL',
    );
  const asRoot = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), 'trailkeep-bench-pg-'));
  if (asRoot) {
    const id = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, id('-u'), id('-g'));
  }
  const run = (tool, args) =>
    execFileSync(
      asRoot ? 'runuser' : join(bin, tool),
      asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args,
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  const data = join(dir, 'data');
  const stop = () => {
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // not running
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // Synchronous, so it also runs from the 'exit' event when the run fails or is interrupted.
  process.on('exit', stop);
  return { bin, dir, data, run, stop };
}

/** Starts the server (once); resolves with its superuser URL. */
async function ensureServer() {
  if (process.env.BENCH_PG_URL) return process.env.BENCH_PG_URL;
  if (server) return server.url;
  const s = startServer();
  s.run('initdb', ['-D', s.data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${s.dir}`,
    ...Object.entries(SETTINGS).map(([k, v]) => `-c ${k}=${v}`),
  ];
  s.run('pg_ctl', ['-D', s.data, '-l', join(s.dir, 'server.log'), '-w', '-t', '60', '-o', options.join(' '), 'start']);
  const version = execFileSync(join(s.bin, 'postgres'), ['--version'], { encoding: 'utf8' }).trim();
  server = { ...s, url: `postgres://postgres@127.0.0.1:${port}/postgres` };
  console.log(
    `  PostgreSQL: ${version} on 127.0.0.1:${port} (${Object.entries(SETTINGS)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')})`,
  );
  return server.url;
}

async function adminQuery(sql) {
  const client = new pg.Client({ connectionString: await ensureServer() });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The environment that points a Trailkeep process on `dataDir` at its own database. */
export async function postgresEnv(dataDir) {
  let name = databases.get(dataDir);
  if (!name) {
    name = `bench_${databases.size + 1}_${Date.now().toString(36)}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    databases.set(dataDir, name);
  }
  const url = new URL(await ensureServer());
  url.pathname = `/${name}`;
  return { TRAILKEEP_DATABASE_URL: url.toString() };
}

/** Size on disk of the database a data directory uses. */
export async function postgresBytes(dataDir) {
  const name = databases.get(dataDir);
  if (!name) return 0;
  const { rows } = await adminQuery(`SELECT pg_database_size('${name}') AS bytes`);
  return Number(rows[0].bytes);
}
