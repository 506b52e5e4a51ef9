/** The compatibility surfaces and enrichment in the real `trailkeep serve` process, configured by env. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildMmdb, geoIp2City } from './helpers/mmdb-writer.js';
import { startServerProcess, tenantKey, type ServerProcess } from './helpers/server-process.js';
import { makeTempDir } from './helpers/temp-dir.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const temp = makeTempDir();
  cleanups.push(temp.remove);
  return temp.dir;
}

async function serve(env: Record<string, string>): Promise<ServerProcess> {
  const server = await startServerProcess(join(tempDir(), 'data'), env);
  cleanups.push(async () => {
    server.proc.kill('SIGTERM');
    await server.exited;
  });
  return server;
}

describe('trailkeep serve with TRAILKEEP_GEOIP_DB and TRAILKEEP_TRUST_PROXY', () => {
  it('enriches from the configured GeoIP2 file and takes the caller from a trusted proxy', async () => {
    const mmdb = join(tempDir(), 'GeoLite2-City.mmdb');
    writeFileSync(mmdb, buildMmdb({ '81.2.69.0/24': geoIp2City('London', 'GB', 'ENG', 51.5142, -0.0931) }));
    const server = await serve({ TRAILKEEP_GEOIP_DB: mmdb, TRAILKEEP_TRUST_PROXY: 'loopback' });
    const key = await tenantKey(server.url, 'acme');
    const res = await fetch(`${server.url}/api/audit-trail/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key, 'x-forwarded-for': '81.2.69.142' },
      body: JSON.stringify({ event_type: 'invoice.approved', summary: 'Approved' }),
    });
    expect(res.status).toBe(200);
    const record = (await res.json()) as { id: string; ip_address: string };
    expect(record.ip_address).toBe('81.2.69.142');
    const stored = await fetch(`${server.url}/v1/events/${record.id}`, { headers: { authorization: `Bearer ${key}` } });
    expect(((await stored.json()) as { enrichment: unknown }).enrichment).toMatchObject({
      geo: { city: 'London', region_code: 'ENG', subdivision_1_code: 'GB-ENG', country_code: 'GB' },
    });
    expect(server.output()).toContain(`Geo-IP: GeoLite2-City (${mmdb})`);
  });

  it('refuses to start when TRAILKEEP_GEOIP_DB names a file that cannot be read', async () => {
    const missing = join(tempDir(), 'nope.mmdb');
    await expect(serve({ TRAILKEEP_GEOIP_DB: missing })).rejects.toThrow(/nope\.mmdb/);
  });
});
