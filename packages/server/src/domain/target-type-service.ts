/**
 * Stable integer numbers for target types (seed 003 calls them content_type and types them as
 * integers). A type is numbered the first time a reader needs its number; numbers never change,
 * so they are cached for the life of the process.
 */
import type { AuditStore } from '../storage/port.js';

const CACHE_LIMIT = 100_000;

export type TargetTypeService = ReturnType<typeof createTargetTypeService>;

export function createTargetTypeService(store: Pick<AuditStore, 'numberTargetTypes' | 'targetTypeByNumber'>) {
  const numbers = new Map<string, number>();
  const types = new Map<string, string>();
  const typeKey = (tenantId: string, type: string): string => `${tenantId}\u0000${type}`;
  const numberKey = (tenantId: string, n: number): string => `${tenantId}\u0000${n}`;

  function remember(tenantId: string, type: string, n: number): void {
    if (numbers.size >= CACHE_LIMIT) {
      numbers.clear();
      types.clear();
    }
    numbers.set(typeKey(tenantId, type), n);
    types.set(numberKey(tenantId, n), type);
  }

  return {
    /** The number of each type, numbering new ones (in the order given). */
    async numbersFor(tenantId: string, wanted: readonly string[]): Promise<Map<string, number>> {
      const out = new Map<string, number>();
      const missing: string[] = [];
      for (const type of wanted) {
        const n = numbers.get(typeKey(tenantId, type));
        if (n === undefined) missing.push(type);
        else out.set(type, n);
      }
      if (missing.length > 0) {
        for (const [type, n] of await store.numberTargetTypes(tenantId, missing)) {
          remember(tenantId, type, n);
          out.set(type, n);
        }
      }
      return out;
    },

    /** The type with this number, if it has been numbered. */
    async typeOf(tenantId: string, n: number): Promise<string | undefined> {
      const cached = types.get(numberKey(tenantId, n));
      if (cached !== undefined) return cached;
      const type = await store.targetTypeByNumber(tenantId, n);
      if (type !== undefined) remember(tenantId, type, n);
      return type;
    },
  };
}
