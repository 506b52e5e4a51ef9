/**
 * Full-text search (`q=`), with the semantics SQLite's FTS5 (unicode61 tokenizer) defines and
 * every driver must share: tokens are runs of letters and digits, case and diacritics are folded,
 * every term must match, `word*` is a prefix, a term of several tokens is a phrase. The expected
 * answers below are what FTS5 returns.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditStore } from '../../../src/storage/port.js';
import type { ConformanceDriver } from './drivers.js';
import { addTenant, append, sealed, useStore, type EventFields } from './fixtures.js';

const TEXTS = [
  'Drafted the quarterly roadmap',
  'café au lait',
  'CAFE noir',
  'cafe\u0301 decomposed',
  'a+b=c x_y foo-bar',
  'İstanbul straße',
  'v1.2.3 build42',
  'Ünïcödé ñ',
  '한국어 텍스트',
  'ada@example.org document.update',
  'emoji 😀 here',
  'naïve coöperate',
  'x\u200by zero-width',
];

const DOCS: EventFields[] = [
  ...TEXTS.map((summary, i) => ({ id: `d${i + 1}`, summary })),
  { id: 'd14', metadata: { note: 'retention policy', nested: { deep: ['Kraków'] } } },
  { id: 'd15', error_message: 'vault sealed' },
];
const ALL = DOCS.map((d) => Number(d.id!.slice(1)));

export function fullTextSuite(driver: ConformanceDriver): void {
  describe('full-text search', () => {
    const open = useStore(driver, { once: true });
    let store: AuditStore;
    beforeAll(async () => {
      store = open().store;
      await addTenant(store, 'acme');
      await addTenant(store, 'globex');
      // Every event shares the action and actor tokens; the queries below avoid them.
      await append(
        store,
        'acme',
        DOCS.map((d) => sealed({ action: 'evt.test', actor: { type: 'person', id: 'p' }, ...d })),
      );
    });

    const search = async (text: string): Promise<number[]> =>
      (await store.queryEvents({ tenantId: 'acme', filters: { text }, order: 'asc', limit: 100 })).map(
        (e) => e.sequence,
      );

    it.each<[string, number[]]>([
      ['cafe', [2, 3, 4]],
      ['café', [2, 3, 4]],
      ['CAFÉ', [2, 3, 4]],
      ['caf*', [2, 3, 4]],
      ['+++ cafe', [2, 3, 4]],
      ['a', [5]],
      ['x', [5, 13]],
      ['x_y', [5, 13]],
      ['xy', []],
      ['foo-bar', [5]],
      ['bar*', [5]],
      ['istanbul', [6]],
      ['straße', [6]],
      ['strasse', []],
      ['v1', [7]],
      ['1', []],
      ['2*', [7]],
      ['unicode', [8]],
      ['한국어', [9]],
      ['한*', [9]],
      ['example', [10]],
      ['document.update', [10]],
      ['update.document', []],
      ['😀', []],
      ['emoji', [11]],
      ['naive', [12]],
      ['+++', []],
      ['quarterly roadmap', [1]],
      ['ROADMAP quarterly', [1]],
      ['road* quart*', [1]],
      ['roadmap nothing', []],
      ['"quoted" OR NOT', []],
      ['"roadmap"', [1]],
      ['retention', [14]],
      ['krakow', [14]],
      ['vault', [15]],
      ['"', ALL],
      ['*', ALL],
    ])('q=%s', async (text, expected) => {
      expect(await search(text)).toEqual(expected);
    });

    it('combines with filters, keyset positions and counts', async () => {
      const base = { tenantId: 'acme', filters: { text: 'cafe' }, limit: 100 } as const;
      const page = await store.queryEvents({ ...base, order: 'asc', afterSequence: 2 });
      expect(page.map((e) => e.sequence)).toEqual([3, 4]);
      const desc = await store.queryEvents({ ...base, order: 'desc', limit: 1 });
      expect(desc.map((e) => e.sequence)).toEqual([4]);
      const filtered = await store.queryEvents({
        ...base,
        filters: { text: 'cafe', sequence: { lte: 3 } },
        order: 'asc',
      });
      expect(filtered.map((e) => e.sequence)).toEqual([2, 3]);
      expect(await store.countEvents('acme', { text: 'cafe' })).toBe(3);
      expect(await store.countEvents('acme', { text: '+++' })).toBe(0);
    });

    it('never finds another tenant’s events', async () => {
      await append(store, 'globex', [sealed({ summary: 'merger plans for the roadmap' })]);
      expect(await search('merger')).toEqual([]);
      expect(await search('roadmap')).toEqual([1]);
    });
  });
}
