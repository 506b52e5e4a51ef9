/**
 * Prepared statements for generated SQL (filters make many shapes, but the same few recur):
 * preparing one costs about as much as running a page query on it, so recent ones are kept.
 */
import type Database from 'better-sqlite3';

const KEPT_STATEMENTS = 256;

export type StatementCache = ReturnType<typeof createStatementCache>;

export function createStatementCache(db: Database.Database) {
  const kept = new Map<string, Database.Statement<unknown[]>>();
  return <Row>(sql: string): Database.Statement<unknown[], Row> => {
    let statement = kept.get(sql);
    if (statement === undefined) {
      statement = db.prepare<unknown[]>(sql);
      if (kept.size >= KEPT_STATEMENTS) kept.delete(kept.keys().next().value!);
      kept.set(sql, statement);
    }
    return statement as Database.Statement<unknown[], Row>;
  };
}
