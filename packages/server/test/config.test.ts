import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/config.js';

describe('configuration', () => {
  it('has zero-configuration defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      dataDir: './data',
      logOrigin: 'localhost',
      logLevel: 'info',
    });
    expect(config.adminKey).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads TRAILKEEP_* variables, and flags win over them', () => {
    const env = { TRAILKEEP_PORT: '9000', TRAILKEEP_DATA_DIR: '/var/lib/tk', TRAILKEEP_HOST: '::1' };
    expect(loadConfig(env)).toMatchObject({ port: 9000, dataDir: '/var/lib/tk', host: '::1' });
    expect(loadConfig(env, { port: '9001' }).port).toBe(9001);
  });

  it('ignores empty variables', () => {
    expect(loadConfig({ TRAILKEEP_ADMIN_KEY: '', TRAILKEEP_PORT: '' })).toMatchObject({ port: 8080 });
  });

  it.each([
    [{ TRAILKEEP_PORT: 'eighty' }, /TRAILKEEP_PORT/],
    [{ TRAILKEEP_PORT: '70000' }, /TRAILKEEP_PORT/],
    [{ TRAILKEEP_ADMIN_KEY: 'short' }, /TRAILKEEP_ADMIN_KEY/],
    [{ TRAILKEEP_LOG_LEVEL: 'loud' }, /TRAILKEEP_LOG_LEVEL/],
    [{ TRAILKEEP_LOG_ORIGIN: 'https://audit.example.com' }, /TRAILKEEP_LOG_ORIGIN/],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
