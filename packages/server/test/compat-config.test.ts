import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/config.js';
import { trustProxyOption } from '../src/http/trust-proxy.js';

describe('TRAILKEEP_TRUST_PROXY and TRAILKEEP_GEOIP_DB', () => {
  it('trusts no proxy by default and uses the bundled geo database', () => {
    const config = loadConfig({});
    expect(trustProxyOption(config.trustProxy)).toBe(false);
    expect(config.geoipDb).toBeUndefined();
  });

  it('reads true, or a list of proxy addresses and CIDRs, as Fastify trustProxy', () => {
    expect(trustProxyOption(loadConfig({ TRAILKEEP_TRUST_PROXY: 'true' }).trustProxy)).toBe(true);
    expect(trustProxyOption(loadConfig({ TRAILKEEP_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1' }).trustProxy)).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      '::1',
    ]);
    expect(trustProxyOption('loopback')).toEqual(['loopback']);
  });

  it('refuses a malformed proxy list naming the variable, and takes a geo database path or off', () => {
    expect(() => loadConfig({ TRAILKEEP_TRUST_PROXY: 'yes please' })).toThrow(ConfigError);
    expect(() => loadConfig({ TRAILKEEP_TRUST_PROXY: 'yes please' })).toThrow(/TRAILKEEP_TRUST_PROXY/);
    expect(loadConfig({ TRAILKEEP_GEOIP_DB: '/srv/GeoLite2-City.mmdb' }).geoipDb).toBe('/srv/GeoLite2-City.mmdb');
    expect(loadConfig({ TRAILKEEP_GEOIP_DB: 'off' }).geoipDb).toBe('off');
  });
});
