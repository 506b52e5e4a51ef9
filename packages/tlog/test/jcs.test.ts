/**
 * RFC 8785 (JCS) examples, transcribed from the RFC itself (its XML source,
 * cyberphone/ietf-json-canon xmlv3/rfc8785.xml). The shared test data has no jcs-vectors folder.
 */
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { canonicalJson, toHex, utf8 } from '../src/index.js';

/** Appendix B, "ECMAScript-Compatible JSON Number Serialization Samples": IEEE 754 bits -> JSON. */
const APPENDIX_B: Array<[string, string | null]> = [
  ['0000000000000000', '0'],
  ['8000000000000000', '0'],
  ['0000000000000001', '5e-324'],
  ['8000000000000001', '-5e-324'],
  ['7fefffffffffffff', '1.7976931348623157e+308'],
  ['ffefffffffffffff', '-1.7976931348623157e+308'],
  ['4340000000000000', '9007199254740992'],
  ['c340000000000000', '-9007199254740992'],
  ['4430000000000000', '295147905179352830000'],
  ['7fffffffffffffff', null], // NaN: not permitted in JSON
  ['7ff0000000000000', null], // Infinity: not permitted in JSON
  ['44b52d02c7e14af5', '9.999999999999997e+22'],
  ['44b52d02c7e14af6', '1e+23'],
  ['44b52d02c7e14af7', '1.0000000000000001e+23'],
  ['444b1ae4d6e2ef4e', '999999999999999700000'],
  ['444b1ae4d6e2ef4f', '999999999999999900000'],
  ['444b1ae4d6e2ef50', '1e+21'],
  ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
  ['3eb0c6f7a0b5ed8d', '0.000001'],
  ['41b3de4355555553', '333333333.3333332'],
  ['41b3de4355555554', '333333333.33333325'],
  ['41b3de4355555555', '333333333.3333333'],
  ['41b3de4355555556', '333333333.3333334'],
  ['41b3de4355555557', '333333333.33333343'],
  ['becbf647612f3696', '-0.0000033333333333333333'],
  ['43143ff3c1cb0959', '1424953923781206.2'],
];

function fromIeee754(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe('RFC 8785 Appendix B number serialization', () => {
  it.each(APPENDIX_B)('%s -> %s', (bits, expected) => {
    const value = fromIeee754(bits);
    if (expected === null) {
      expect(() => canonicalJson(value)).toThrow();
      expect(() => canonicalJson({ n: value })).toThrow();
    } else {
      expect(canonicalJson(value)).toBe(expected);
      expect(canonicalJson([value])).toBe(`[${expected}]`);
    }
  });
});

describe('RFC 8785 §3.2 example', () => {
  // §3.2.2 input, §3.2.3 canonical output, §3.2.4 UTF-8 bytes.
  const input = String.raw`{
    "numbers": [333333333.33333329, 1E30, 4.50,
                2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  }`;
  const expected = String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`;
  const bytes =
    '7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72 75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a ' +
    '5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31 65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37 ' +
    '5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30 30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d';

  it('canonicalizes to the RFC text and UTF-8 bytes', () => {
    const out = canonicalJson(JSON.parse(input));
    expect(out).toBe(expected);
    expect(toHex(utf8(out))).toBe(bytes.replace(/ /g, ''));
  });
});

describe('RFC 8785 §3.2.3 property sorting by UTF-16 code units', () => {
  const input = String.raw`{
    "\u20ac": "Euro Sign",
    "\r": "Carriage Return",
    "\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\ud83d\ude00": "Emoji: Grinning Face",
    "\u0080": "Control",
    "\u00f6": "Latin Small Letter O With Diaeresis"
  }`;

  it('orders the values as the RFC lists them', () => {
    const out = canonicalJson(JSON.parse(input));
    const values = [...out.matchAll(/:"([^"]*)"/g)].map((m) => m[1]);
    expect(values).toEqual([
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
  });

  it('rejects lone surrogates (RFC 8785 §3.2.2.2)', () => {
    expect(() => canonicalJson({ s: '\udead' })).toThrow();
  });
});

/**
 * canonicalJson writes plain JSON data with the native JSON.stringify once its members are in
 * canonical order; `canonicalize` is the reference it must match on every value, including the
 * member names JavaScript reorders (integer-like ones) and the numbers of Appendix B.
 */
describe('canonicalJson agrees with the canonicalize reference', () => {
  // mulberry32: a fixed seed makes every run check the same values.
  let seed = 0x8785;
  const random = (): number => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const NAMES = [
    'a',
    'b',
    'B',
    '',
    '0',
    '1',
    '9',
    '10',
    '01',
    '-1',
    '1.5',
    '4294967295',
    '€',
    '\u0080',
    '\r',
    'ö',
    '😀',
    'דּ',
    'toJSON',
    '_sd',
    'a b',
    'z',
  ];
  const STRINGS = [
    '',
    'plain',
    'quote " and \\ backslash',
    'line\nbreak\ttab',
    '\u0000\u001f\u007f',
    '€😀ö',
    '</script>',
    '\u2028\u2029',
  ];
  const NUMBERS = [
    0,
    -0,
    1,
    -1,
    0.1,
    1e21,
    1e-7,
    5e-324,
    1.7976931348623157e308,
    2 ** 53 + 2,
    Number('333333333.33333329'),
    ...APPENDIX_B.filter(([, out]) => out !== null).map(([bits]) => fromIeee754(bits)),
  ];

  function randomValue(depth: number): unknown {
    const kind = depth > 3 ? Math.floor(random() * 5) : Math.floor(random() * 7);
    if (kind === 0) return pick(STRINGS);
    if (kind === 1) return random() < 0.5 ? pick(NUMBERS) : (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20);
    if (kind === 2) return random() < 0.5;
    if (kind === 3) return null;
    if (kind === 4) return pick(NAMES);
    if (kind === 5) return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(depth + 1));
    const object: Record<string, unknown> = {};
    const size = Math.floor(random() * 6);
    for (let i = 0; i < size; i++) object[pick(NAMES)] = randomValue(depth + 1);
    return object;
  }

  it('on 5,000 random values and their JSON round trips', () => {
    for (let i = 0; i < 5000; i++) {
      const value = randomValue(0);
      const reference = canonicalize(value);
      expect(canonicalJson(value)).toBe(reference);
      expect(canonicalJson(JSON.parse(JSON.stringify(value)))).toBe(reference);
    }
  });

  it('on objects with integer-like member names, undefined members and shared subtrees', () => {
    const shared = { z: 1, a: [2, { y: 3, b: 4 }] };
    const cases: unknown[] = [
      { b: 1, 10: 2, 9: 3, a: 4 },
      { 1: 'one', '€': 'euro' },
      { a: undefined, b: 1 },
      [undefined, 1],
      { x: shared, y: shared },
      { nested: { deeper: { b: 1, a: 2 } }, a: 0 },
      Object.assign(Object.create(null) as object, { b: 1, a: 2 }),
    ];
    for (const value of cases) expect(canonicalJson(value)).toBe(canonicalize(value));
  });

  it('hands non-plain objects to the reference: toJSON is honoured', () => {
    const value = { when: new Date(Date.UTC(2025, 0, 2)), custom: { toJSON: () => ({ b: 1, a: 2 }) } };
    expect(canonicalJson(value)).toBe('{"custom":{"a":2,"b":1},"when":"2025-01-02T00:00:00.000Z"}');
  });

  it('refuses what JSON.stringify would accept but JCS forbids', () => {
    for (const bad of [{ n: Infinity }, [NaN], { '\ud800': 1 }, { s: 'x\udc00' }, [{ deep: [-Infinity] }]]) {
      expect(() => canonicalJson(bad)).toThrow(TypeError);
    }
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });
});
