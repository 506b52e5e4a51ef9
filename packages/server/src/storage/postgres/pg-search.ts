/**
 * Full-text search for `q=` with the semantics of the SQLite driver's FTS5 index (unicode61
 * tokenizer): tokens are runs of letters, digits and private-use characters; case and diacritics
 * are folded; every whitespace-separated term must match; `word*` is a prefix; a term that holds
 * several tokens (`document.delete`, `ada@example.org`) is a phrase.
 *
 * Tokens are made here rather than by PostgreSQL's text-search parser, which keeps `a.b` or an
 * email address as one token and would answer differently from SQLite. The tsvector and tsquery
 * are built as literals (with positions, for phrases) and cast, so no dictionary, stemming or stop
 * word list of the database's configuration applies.
 */

/** PostgreSQL refuses lexemes of 2 KiB or more; longer tokens are cut (to characters) below it. */
const MAX_TOKEN_CHARS = 500;
/** Highest position a tsvector stores; later words share it. */
const MAX_POSITION = 16383;

const TOKEN = /[\p{L}\p{N}\p{Co}]+/gu;
const MARKS = /\p{Mn}/gu;

/** The tokens of a text, folded as FTS5's unicode61 tokenizer with remove_diacritics does. */
export function searchTokens(text: string): string[] {
  const folded = text.toLowerCase().normalize('NFD').replace(MARKS, '');
  return (folded.match(TOKEN) ?? []).map((t) => (t.length > MAX_TOKEN_CHARS ? t.slice(0, MAX_TOKEN_CHARS) : t));
}

/** tsvector literal (`'word':1,4 'other':2`) of the text the index covers. */
export function toTsvectorLiteral(text: string): string {
  const positions = new Map<string, number[]>();
  searchTokens(text).forEach((token, i) => {
    const list = positions.get(token);
    const position = Math.min(i + 1, MAX_POSITION);
    if (list === undefined) positions.set(token, [position]);
    else if (list.length < 256 && list.at(-1) !== position) list.push(position);
  });
  // Tokens hold only letters, digits and private-use characters: nothing to escape in the quotes.
  return [...positions].map(([token, list]) => `'${token}':${list.join(',')}`).join(' ');
}

/**
 * tsquery literal for `q`; undefined when `q` has no term (then it does not filter, as in SQLite),
 * null when it cannot match anything. Terms are split on whitespace, double quotes are dropped, a
 * trailing `*` marks a prefix. A term without any token is ignored when other terms have tokens;
 * alone it matches nothing (FTS5 does the same with an empty phrase).
 */
export function toTsqueryLiteral(text: string): string | null | undefined {
  const terms = text
    .split(/\s+/)
    .map((t) => t.replace(/"/g, ''))
    .filter((t) => t.replace(/\*$/, '').length > 0);
  if (terms.length === 0) return undefined;
  const phrases = terms
    .map((term) => {
      const prefix = term.endsWith('*');
      const tokens = searchTokens(prefix ? term.slice(0, -1) : term);
      return tokens.map((t, i) => `'${t}'${prefix && i === tokens.length - 1 ? ':*' : ''}`).join(' <-> ');
    })
    .filter((phrase) => phrase.length > 0);
  if (phrases.length === 0) return null;
  // A repeated term changes nothing but the planner's estimate (it multiplies the selectivities).
  return [...new Set(phrases)].map((p) => `(${p})`).join(' & ');
}
