import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64, toBase64Url } from '../src/base64.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('base64url', () => {
  // RFC 4648 §10 test vectors; base64url without padding (§5) drops the '='.
  it.each([
    ['', ''],
    ['f', 'Zg'],
    ['fo', 'Zm8'],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg'],
    ['fooba', 'Zm9vYmE'],
    ['foobar', 'Zm9vYmFy'],
  ])('encodes %j as RFC 4648 §10 says', (text, encoded) => {
    expect(toBase64Url(bytes(text))).toBe(encoded);
    expect(fromBase64Url(encoded)).toEqual(bytes(text));
  });

  it('uses - and _ where base64 has + and /', () => {
    const b = new Uint8Array([0xfb, 0xff, 0xbf]);
    expect(toBase64(b)).toBe('+/+/');
    expect(toBase64Url(b)).toBe('-_-_');
  });

  it('agrees with Node for every length up to 64 and every byte value', () => {
    for (let length = 0; length <= 64; length++) {
      const b = new Uint8Array(randomBytes(length));
      expect(toBase64Url(b)).toBe(Buffer.from(b).toString('base64url'));
    }
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(toBase64Url(all)).toBe(Buffer.from(all).toString('base64url'));
  });
});
