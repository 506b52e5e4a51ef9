import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/domain/errors.js';
import { HTTP_STATUS } from '../src/http/problem.js';

const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
const documented = new Map(
  [...doc.matchAll(/^\| `(TK_ERR_[A-Z_]+)` \| (\d{3}) \| (.+) \|$/gm)].map((m) => [
    m[1]!,
    { status: Number(m[2]), title: m[3]! },
  ]),
);

describe('error registry', () => {
  it('documents every code with its status and title, and nothing else', () => {
    expect([...documented.keys()].sort()).toEqual(Object.keys(ERROR_CODES).sort());
    for (const [code, title] of Object.entries(ERROR_CODES)) {
      expect(documented.get(code)).toEqual({ status: HTTP_STATUS[code as keyof typeof ERROR_CODES], title });
    }
  });

  it('maps only server-side failures to 5xx', () => {
    const fiveHundreds = Object.entries(HTTP_STATUS)
      .filter(([, s]) => s >= 500)
      .map(([c]) => c)
      .sort();
    expect(fiveHundreds).toEqual([
      'TK_ERR_INTERNAL',
      'TK_ERR_OVERLOADED',
      'TK_ERR_SHUTTING_DOWN',
      'TK_ERR_UNAVAILABLE',
    ]);
  });
});
