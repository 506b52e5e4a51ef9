/** RFC 3339 date-times, normalised to the millisecond UTC form the log stores and compares. */

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function isoRoundTrip(text: string): boolean {
  const ms = Date.parse(text);
  return !Number.isNaN(ms) && new Date(ms).toISOString() === text;
}

/**
 * Parses an RFC 3339 date-time (§5.6) with its calendar checked (no 30 February), and returns it
 * as `YYYY-MM-DDTHH:mm:ss.sssZ`, or undefined when invalid. Leap seconds are refused: JavaScript
 * dates cannot represent them.
 */
export function normalizeTimestamp(text: string): string | undefined {
  // Most timestamps arrive in the stored form already (clients send toISOString(), the server's
  // own default is one): a date that formats back to the same text is valid, calendar included.
  if (text.length === 24 && text.charCodeAt(23) === 90 /* Z */ && isoRoundTrip(text)) return text;
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  if (m[9] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59)) return undefined;
  const ms = Date.parse(text.toUpperCase());
  if (Number.isNaN(ms)) return undefined;
  const date = new Date(ms);
  const y = date.getUTCFullYear();
  return y < 0 || y > 9999 ? undefined : date.toISOString();
}
