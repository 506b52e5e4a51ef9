/**
 * Runs a statement, prepared when its plan does not depend on its values (SqlStatement.prepared):
 * each connection then parses it once, and PostgreSQL switches to a generic plan after five runs
 * when that plan costs no more than the custom ones. Planning a query on the partitioned events
 * table, which looks at every partition's indexes, took longer than running it (0.6 vs 0.3 ms).
 */
import { createHash } from 'node:crypto';
import type { PgClient } from './pg-pool.js';

/** What runs a statement: its text, its values, and whether it may be prepared. */
export interface SqlStatement {
  text: string;
  values: unknown[];
  /** Its best plan is the same whatever its values (pg-event-query.ts says which are). */
  prepared?: boolean;
}

/**
 * Statement texts a process names, at most. A connection keeps each prepared statement (and its
 * plan) until it closes, so the count is bounded: texts past it run unnamed, as before.
 */
const MAX_NAMED_STATEMENTS = 256;

/**
 * SQLSTATEs of a pooler in transaction mode that does not keep prepared statements (PgBouncer
 * before 1.21, or without max_prepared_statements): the statement is missing, or already there.
 */
const NO_PREPARED_STATEMENTS = new Set(['26000', '42P05']);

/** Runs a statement on a connection; a runner remembers which statements it named. */
export type StatementRunner = <R extends object>(
  client: Pick<PgClient, 'query'>,
  statement: SqlStatement,
) => Promise<R[]>;

export function createStatementRunner(): StatementRunner {
  const names = new Map<string, string>();
  let enabled = true;

  // Named after the text's digest: a name means the same text in every process and version,
  // so server connections shared through a pooler can never bind one name to another text.
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text);
    if (name === undefined && names.size < MAX_NAMED_STATEMENTS) {
      name = `tk_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
      names.set(text, name);
    }
    return name;
  };

  const run: StatementRunner = async <R extends object>(client: Pick<PgClient, 'query'>, statement: SqlStatement) => {
    const name = enabled && statement.prepared ? nameOf(statement.text) : undefined;
    if (name === undefined) return (await client.query<R>(statement.text, statement.values)).rows;
    try {
      return (await client.query<R>({ name, text: statement.text, values: statement.values })).rows;
    } catch (error) {
      if (!NO_PREPARED_STATEMENTS.has((error as { code?: unknown }).code as string)) throw error;
      enabled = false;
      return run(client, { ...statement, prepared: false });
    }
  };
  return run;
}
