import { describe, expect, it } from 'vitest';
import { normalizeTimestamp } from '../src/domain/time.js';

describe('normalizeTimestamp', () => {
  it('keeps timestamps already in the stored form', () => {
    expect(normalizeTimestamp('2026-12-02T10:11:12.345Z')).toBe('2026-12-02T10:11:12.345Z');
    expect(normalizeTimestamp('2024-02-29T23:59:59.999Z')).toBe('2024-02-29T23:59:59.999Z');
    expect(normalizeTimestamp('0000-01-01T00:00:00.000Z')).toBe('0000-01-01T00:00:00.000Z');
  });

  it('refuses impossible dates written in the stored form', () => {
    for (const text of [
      '2023-02-29T00:00:00.000Z',
      '2026-02-30T00:00:00.000Z',
      '2026-04-31T00:00:00.000Z',
      '2026-13-01T00:00:00.000Z',
      '2026-12-02T24:00:00.000Z',
      '2026-12-02T23:60:00.000Z',
      '2026-12-02T23:59:60.000Z',
    ]) {
      expect(normalizeTimestamp(text), text).toBeUndefined();
    }
  });

  it('normalizes the other RFC 3339 forms to UTC milliseconds', () => {
    expect(normalizeTimestamp('2026-12-02t10:11:12.345z')).toBe('2026-12-02T10:11:12.345Z');
    expect(normalizeTimestamp('2026-12-02T10:11:12Z')).toBe('2026-12-02T10:11:12.000Z');
    expect(normalizeTimestamp('2026-12-02T10:11:12.3456789Z')).toBe('2026-12-02T10:11:12.345Z');
    expect(normalizeTimestamp('2026-12-02T12:11:12.345+02:00')).toBe('2026-12-02T10:11:12.345Z');
    expect(normalizeTimestamp('2026-12-02T10:11:12.345+24:00')).toBeUndefined();
    expect(normalizeTimestamp('2026-12-02 10:11:12.345Z')).toBeUndefined();
    expect(normalizeTimestamp('yesterday')).toBeUndefined();
  });
});
