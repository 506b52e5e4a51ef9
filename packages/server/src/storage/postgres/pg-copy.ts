/**
 * Rows written with COPY … FROM STDIN in its text format: PostgreSQL's cheapest way in, and on
 * our side cheaper to build than the JSON array json_to_recordset took before (batch ingest +19 %
 * side by side, docs/SCALING.md). Text rows are split on tabs and newlines, with no JSON to parse.
 */
import { finished } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type pg from 'pg';

export type CopyValue = string | number | null;

const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * One field of COPY's text format: \N is NULL, and backslash, tab, newline and carriage return are
 * backslash-escaped. Text must not hold U+0000, which no PostgreSQL text can (pg-rows.ts encodes it).
 */
export function copyField(value: CopyValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return SPECIAL.test(value) ? value.replace(SPECIALS, (c) => ESCAPES[c]!) : value;
}

/** `COPY table (columns) FROM STDIN`, in the text format. */
export const copyFromStdinSql = (table: string, columns: readonly string[]): string =>
  `COPY ${table} (${columns.join(', ')}) FROM STDIN`;

/** COPY's text input for these rows (values in column order). */
export function copyText(rows: ReadonlyArray<readonly CopyValue[]>): string {
  let text = '';
  for (const row of rows) text += `${row.map(copyField).join('\t')}\n`;
  return text;
}

/**
 * Sends a simple query whose first statement is a COPY … FROM STDIN and streams `input` to it; the
 * statements after the COPY run in the same round trip once the input is in, so an append still
 * holds its tenants' head locks for two round trips (pg-event-writer.ts). Resolves when the last
 * statement is done; rejects with the error of the statement that failed.
 */
export async function queryWithCopy(client: pg.ClientBase, sql: string, input: string): Promise<void> {
  const stream = client.query(copyFrom(sql));
  stream.end(input);
  await finished(stream);
}
