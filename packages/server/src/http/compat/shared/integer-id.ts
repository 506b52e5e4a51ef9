/**
 * Seeds 002 and 003 type some ids as integers (user_id, user, object_id) where Trailkeep's ids
 * are text. Only canonical decimal strings count, so that filtering by the integer finds exactly
 * the events whose listing shows it (`"007"` is not 7).
 */
const DECIMAL = /^(0|-?[1-9][0-9]*)$/;

/** The id as a safe integer, or null when it is not one. */
export function integerId(id: string | undefined): number | null {
  if (id === undefined || !DECIMAL.test(id)) return null;
  const n = Number(id);
  return Number.isSafeInteger(n) ? n : null;
}
