import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventBody } from '../src/domain/event.js';
import { createEnricher } from '../src/ingest/enrichment/enricher.js';
import { toGeo } from '../src/ingest/enrichment/geoip.js';
import { publicAddress } from '../src/ingest/enrichment/ip-address.js';
import { parseUserAgent } from '../src/ingest/enrichment/user-agent.js';
import { buildMmdb, geoIp2City } from './helpers/mmdb-writer.js';
import { makeTempDir } from './helpers/temp-dir.js';
import { createTestApp, sampleEvent, type TestApp } from './helpers/test-app.js';

const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.127 Safari/537.36';
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

const body = (context: EventBody['context']): EventBody => ({
  id: 'e1',
  occurred_at: '2024-01-01T00:00:00.000Z',
  action: 'a.b',
  outcome: 'success',
  actor: { type: 'user', id: 'u' },
  ...(context === undefined ? {} : { context }),
});

describe('which addresses get a location', () => {
  it.each(['8.8.8.8', '81.2.69.142', '2001:4860:4860::8888', '2a02:8108::1'])('%s is public', (ip) => {
    expect(publicAddress(ip)?.address).toBe(ip);
  });

  it.each([
    '127.0.0.1',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.0.1',
    '100.64.0.1',
    '203.0.113.9',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fe80::1%eth0',
    'fd12:3456::1',
    '2001:db8::1',
    'ff02::1',
    '::ffff:10.0.0.1',
    'not-an-ip',
    '',
    '999.1.1.1',
  ])('%s is not', (ip) => {
    expect(publicAddress(ip)).toBeUndefined();
  });

  it('unwraps IPv4-mapped IPv6 addresses', () => {
    expect(publicAddress('::ffff:8.8.8.8')).toEqual({ address: '8.8.8.8', family: 4 });
    expect(publicAddress('::ffff:808:808')).toEqual({ address: '8.8.8.8', family: 4 });
  });

  it('answers the same for an address asked again, and past its cache of recent answers', () => {
    const ask = () => [publicAddress('8.8.4.4'), publicAddress('10.1.2.3'), publicAddress('::ffff:10.1.2.3')];
    const first = ask();
    for (let i = 0; i < 5000; i++) publicAddress(`11.0.${i >> 8}.${i & 255}`);
    expect(ask()).toEqual(first);
    expect(first).toEqual([{ address: '8.8.4.4', family: 4 }, undefined, undefined]);
  });
});

describe('record layouts', () => {
  it('reads DB-IP Lite flat records: the subdivision name stands in for its code', () => {
    expect(
      toGeo({ city: 'London', country_code: 'GB', state1: 'England', state2: '', latitude: 51.5, longitude: -0.09 }),
    ).toEqual({
      lat: 51.5,
      lon: -0.09,
      city: 'London',
      region_code: 'England',
      subdivision_1_code: 'England',
      country_code: 'GB',
    });
  });

  it('reads GeoIP2 City records with ISO codes', () => {
    expect(
      toGeo({
        city: { names: { en: 'Boxford' } },
        country: { iso_code: 'GB' },
        subdivisions: [{ iso_code: 'WBK' }],
        location: { latitude: 51.75, longitude: -1.25 },
      }),
    ).toEqual({
      lat: 51.75,
      lon: -1.25,
      city: 'Boxford',
      region_code: 'WBK',
      subdivision_1_code: 'GB-WBK',
      country_code: 'GB',
    });
    expect(toGeo({ country: { iso_code: 'GB' } })).toBeUndefined();
    expect(toGeo(null)).toBeUndefined();
  });
});

describe('user agents (ua-parser-js v1)', () => {
  it('names browsers with their version, OS and device', () => {
    expect(parseUserAgent(CHROME)).toEqual({ name: 'Chrome', version: '126.0.6478.127', os: 'Windows 10' });
    expect(parseUserAgent(IPHONE)).toEqual({
      name: 'Mobile Safari',
      version: '17.5',
      os: 'iOS 17.5',
      device: 'Apple iPhone',
    });
  });

  it('names API clients by their product token, and nothing for noise', () => {
    expect(parseUserAgent('curl/8.5.0')).toEqual({ name: 'curl', version: '8.5.0' });
    expect(parseUserAgent('python-requests/2.31.0')).toEqual({ name: 'python-requests', version: '2.31.0' });
    expect(parseUserAgent('???')).toBeUndefined();
  });
});

describe('the bundled DB-IP Lite City database', () => {
  const enricher = createEnricher();

  it('locates public addresses (city, region, coordinates) and not private or loopback ones', async () => {
    await enricher.ready();
    expect(enricher.geoSource()).toMatch(/DB-IP/);
    const london = enricher.enrich(body({ ip: '81.2.69.142' })).enrichment?.geo;
    expect(london).toMatchObject({ country_code: 'GB', city: expect.any(String), region_code: expect.any(String) });
    expect(london!.lat).toBeGreaterThan(49);
    expect(london!.lat).toBeLessThan(59);
    expect(london!.lon).toEqual(expect.any(Number));
    const google = enricher.enrich(body({ ip: '8.8.8.8' })).enrichment?.geo;
    expect(google).toMatchObject({ country_code: 'US', city: expect.any(String), region_code: expect.any(String) });
    expect(enricher.enrich(body({ ip: '2001:4860:4860::8888' })).enrichment?.geo?.country_code).toEqual(
      expect.any(String),
    );
    for (const ip of ['127.0.0.1', '10.0.0.1', '::1', 'garbage']) {
      expect(enricher.enrich(body({ ip })).enrichment, ip).toBeUndefined();
    }
  });

  it('leaves bodies without ip or user agent as they are', async () => {
    await enricher.ready();
    const plain = body(undefined);
    expect(enricher.enrich(plain)).toBe(plain);
    expect(enricher.enrich(body({ user_agent: CHROME, ip: '10.0.0.1' })).enrichment).toEqual({
      user_agent: { name: 'Chrome', version: '126.0.6478.127', os: 'Windows 10' },
    });
  });
});

describe('a user’s own GeoIP2 / GeoLite2 City file (TRAILKEEP_GEOIP_DB)', () => {
  const temp = makeTempDir();
  const path = join(temp.dir, 'GeoLite2-City-test.mmdb');
  writeFileSync(
    path,
    buildMmdb({
      '81.2.69.0/24': geoIp2City('London', 'GB', 'ENG', 51.5142, -0.0931),
      '2a02:8108::/32': geoIp2City('Berlin', 'DE', 'BE', 52.52, 13.405),
    }),
  );

  it('reads GeoIP2 records for IPv4 and IPv6 addresses', async () => {
    const enricher = createEnricher({ geoDatabase: path });
    await enricher.ready();
    expect(enricher.geoSource()).toContain('GeoLite2-City');
    expect(enricher.enrich(body({ ip: '81.2.69.142' })).enrichment?.geo).toEqual({
      lat: 51.5142,
      lon: -0.0931,
      city: 'London',
      region_code: 'ENG',
      subdivision_1_code: 'GB-ENG',
      country_code: 'GB',
    });
    expect(enricher.enrich(body({ ip: '2a02:8108::1' })).enrichment?.geo?.city).toBe('Berlin');
    expect(enricher.enrich(body({ ip: '8.8.8.8' })).enrichment).toBeUndefined();
  });

  it('answers each address alike when asked again, and past its cache of recent answers', async () => {
    const enricher = createEnricher({ geoDatabase: path });
    await enricher.ready();
    const ask = () =>
      ['81.2.69.142', '8.8.8.8', '2a02:8108::1'].map((ip) => enricher.enrich(body({ ip })).enrichment?.geo);
    const first = ask();
    expect(first.map((geo) => geo?.city)).toEqual(['London', undefined, 'Berlin']);
    expect(ask()).toEqual(first);
    for (let i = 0; i < 12_000; i++) enricher.enrich(body({ ip: `81.2.69.${i & 255}` }));
    for (let i = 0; i < 12_000; i++) enricher.enrich(body({ ip: `11.0.${i >> 8}.${i & 255}` }));
    expect(ask()).toEqual(first);
  });

  it('fails to start on a file that is not there, and turns geo off with "off"', async () => {
    await expect(createEnricher({ geoDatabase: join(temp.dir, 'missing.mmdb') }).ready()).rejects.toThrow(/ENOENT/);
    const off = createEnricher({ geoDatabase: 'off' });
    await off.ready();
    expect(off.geoSource()).toBeUndefined();
    expect(off.enrich(body({ ip: '81.2.69.142', user_agent: 'curl/8.5.0' })).enrichment).toEqual({
      user_agent: { name: 'curl', version: '8.5.0' },
    });
  });
});

describe('enrichment at ingest, sealed with the event', () => {
  let t: TestApp;
  let key: string;
  beforeEach(async () => {
    t = await createTestApp();
    key = await t.tenantWithKey('acme');
  });
  afterEach(() => t.close());

  it('enriches native single and batch ingest; the enrichment is sealed in clear, ip and user agent as commitments', async () => {
    const single = await t.call(key, {
      method: 'POST',
      url: '/v1/events?sync=true',
      payload: sampleEvent({ id: 'one', context: { ip: '81.2.69.142', user_agent: CHROME } }),
    });
    expect(single.json().enrichment).toMatchObject({
      geo: { country_code: 'GB' },
      user_agent: { name: 'Chrome', version: '126.0.6478.127' },
    });
    const batch = await t.call(key, {
      method: 'POST',
      url: '/v1/events/batch',
      payload: {
        events: [
          sampleEvent({ id: 'public', context: { ip: '8.8.8.8' } }),
          sampleEvent({ id: 'loopback', context: { ip: '127.0.0.1' } }),
          sampleEvent({ id: 'private', context: { ip: '10.0.0.1', user_agent: IPHONE } }),
        ],
      },
    });
    const [pub, loop, priv] = batch.json().results.map((r: { event: Record<string, unknown> }) => r.event);
    expect(pub.enrichment.geo).toMatchObject({ country_code: 'US', lat: expect.any(Number), lon: expect.any(Number) });
    expect(loop.enrichment).toBeUndefined();
    expect(priv.enrichment).toEqual({
      user_agent: expect.objectContaining({ name: 'Mobile Safari', version: '17.5' }),
    });

    const stored = await t.store.getEventById('acme', 'one');
    const sealed = JSON.parse(stored!.sealedBody);
    expect(sealed.enrichment.user_agent.name).toBe('Chrome');
    expect(sealed.enrichment.geo.country_code).toBe('GB');
    expect(sealed.context.ip).toEqual({ _sd: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(sealed.context.user_agent).toEqual({ _sd: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });
});
