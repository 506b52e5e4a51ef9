/**
 * The commitments of a sealed body read from its text, without JSON.parse: the verifier's shortcut
 * for bodies in the form the log writes them, and with where they are, the server's for answers
 * spliced from the stored text. JSON.parse builds every member of a body to find its two or three
 * commitments, which was the largest cost of verifying an event.
 *
 * The form accepted is the structure of JCS as Trailkeep writes it (RFC 8785): no whitespace,
 * every object's members in strictly increasing order of their names, and names without escapes
 * (so the text of a name is its value, and no name repeats); other values may be spelled any way
 * JSON allows, except a commitment's `_sd`, which must have no escape. Within it, the answer is
 * exactly what findCommitments(JSON.parse(text)) finds, with each commitment's `_sd`: a commitment
 * is an object whose only member is `_sd` with a string value, at a member of an object reached
 * through objects only (never inside an array), not the top-level object. Any other text, valid
 * JSON written otherwise included, answers null, and the caller parses it.
 */

import { formatPointer } from './json-pointer.js';

/** A commitment found in a sealed body: its JSON Pointer and its `_sd` digest. */
export interface FoundCommitment {
  pointer: string;
  sd: string;
  /** Where the commitment object `{"_sd":…}` is in the text: from `start` up to `end`. */
  start: number;
  end: number;
}

/** Where a value is in the text: from `start` up to `end`. */
export interface TextSpan {
  start: number;
  end: number;
}

/** A sealed body read from its text: its commitments in text order, and its top-level members. */
export interface ScannedBody {
  commitments: FoundCommitment[];
  /** Each top-level member's value, by name. */
  members: Map<string, TextSpan>;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;

/** Thrown (and caught below) when the text leaves the accepted form. */
const NOT_CANONICAL = new Error('not in the canonical form');

/** The scanner's state for one text; never shared across calls (scanning does not re-enter). */
let text = '';
let at = 0;
/** The member names from the top-level object down to the object being scanned. */
const path: string[] = [];
let found: FoundCommitment[] = [];
/** The top-level members' spans, when the caller asked for them (null: not asked). */
let members: Map<string, TextSpan> | null = null;
/** Whether the last string scanned had an escape. */
let escaped = false;
/** Where the next backslash is once looked for (-1: not yet, Infinity: none left). */
let nextBackslash = -1;

/** The commitments of a sealed body in canonical form, or null (see the module comment). */
export function scanCommitments(sealedBody: string): FoundCommitment[] | null {
  // The verifier's path: no member spans to record.
  return scan(sealedBody, null);
}

/**
 * A sealed body in canonical form with where its commitments and top-level members are, so a
 * reader can splice the body's own text rather than parse and write it again; or null (see the
 * module comment).
 */
export function scanSealedBody(sealedBody: string): ScannedBody | null {
  const spans = new Map<string, TextSpan>();
  const commitments = scan(sealedBody, spans);
  return commitments && { commitments, members: spans };
}

/** The commitments, and into `spans` (if given) the top-level members' spans. */
function scan(sealedBody: string, spans: Map<string, TextSpan> | null): FoundCommitment[] | null {
  // No control character may stand as it is anywhere in the form read here (inside strings JSON
  // escapes them, and there is no whitespace between tokens), so one test of the whole text lets
  // strings without an escape be skipped with indexOf.
  if (CONTROL.test(sealedBody) || sealedBody.charCodeAt(0) !== OPEN_BRACE) return null;
  text = sealedBody;
  at = 0;
  path.length = 0;
  found = [];
  members = spans;
  nextBackslash = -1;
  try {
    scanObject(true);
    return at === text.length ? found : null;
  } catch (error) {
    // RangeError: nesting deeper than the stack; JSON.parse decides about such a body.
    if (error === NOT_CANONICAL || error instanceof RangeError) return null;
    throw error;
  } finally {
    text = '';
    members = null;
  }
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isHexDigit(code: number): boolean {
  return isDigit(code) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

/** `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`. */
function isShortEscape(code: number): boolean {
  return (
    code === QUOTE ||
    code === BACKSLASH ||
    code === 0x2f ||
    code === 0x62 ||
    code === 0x66 ||
    code === 0x6e ||
    code === 0x72 ||
    code === 0x74
  );
}

/** The characters a string may hold as they are: any from U+0020 but `"` and `\`. */
// eslint-disable-next-line no-control-regex -- control characters are what a JSON string may not hold
const PLAIN_RUN = /[^"\\\u0000-\u001f]*/y;
// eslint-disable-next-line no-control-regex -- the same characters, anywhere in the text
const CONTROL = /[\u0000-\u001f]/;

/** A string from its opening quote; sets `escaped`. */
function scanString(): void {
  escaped = false;
  if (nextBackslash < at) {
    const next = text.indexOf('\\', at);
    nextBackslash = next < 0 ? Infinity : next;
  }
  const close = text.indexOf('"', at + 1);
  if (close < 0) throw NOT_CANONICAL;
  if (close < nextBackslash) {
    at = close + 1;
    return;
  }
  at++;
  for (;;) {
    PLAIN_RUN.lastIndex = at;
    PLAIN_RUN.test(text);
    at = PLAIN_RUN.lastIndex;
    const c = text.charCodeAt(at);
    if (c === QUOTE) {
      at++;
      return;
    }
    if (c !== BACKSLASH) throw NOT_CANONICAL; // a control character, or the end of the text (NaN)
    escaped = true;
    const e = text.charCodeAt(at + 1);
    if (e === 0x75) {
      for (let k = 2; k < 6; k++) if (!isHexDigit(text.charCodeAt(at + k))) throw NOT_CANONICAL;
      at += 6;
    } else if (isShortEscape(e)) at += 2;
    else throw NOT_CANONICAL;
  }
}

/** -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
function scanNumber(): void {
  if (text.charCodeAt(at) === MINUS) at++;
  if (text.charCodeAt(at) === 0x30) at++;
  else scanDigits();
  if (text.charCodeAt(at) === 0x2e) {
    at++;
    scanDigits();
  }
  const e = text.charCodeAt(at);
  if (e === 0x65 || e === 0x45) {
    at++;
    const sign = text.charCodeAt(at);
    if (sign === 0x2b || sign === MINUS) at++;
    scanDigits();
  }
}

/** One or more digits. */
function scanDigits(): void {
  if (!isDigit(text.charCodeAt(at))) throw NOT_CANONICAL;
  do at++;
  while (isDigit(text.charCodeAt(at)));
}

function scanWord(word: string): void {
  if (!text.startsWith(word, at)) throw NOT_CANONICAL;
  at += word.length;
}

/** Any value; `tracked` when an object here may be (or hold) a commitment. */
function scanValue(tracked: boolean): void {
  const c = text.charCodeAt(at);
  if (c === QUOTE) scanString();
  else if (c === OPEN_BRACE) scanObject(tracked);
  else if (c === OPEN_BRACKET) scanArray();
  else if (c === MINUS || isDigit(c)) scanNumber();
  else if (c === 0x74) scanWord('true');
  else if (c === 0x66) scanWord('false');
  else if (c === 0x6e) scanWord('null');
  else throw NOT_CANONICAL;
}

/** Nothing inside an array is a commitment (findCommitments does not descend into arrays). */
function scanArray(): void {
  at++;
  if (text.charCodeAt(at) === CLOSE_BRACKET) {
    at++;
    return;
  }
  for (;;) {
    scanValue(false);
    const c = text.charCodeAt(at++);
    if (c === CLOSE_BRACKET) return;
    if (c !== COMMA) throw NOT_CANONICAL;
  }
}

/** An object from its `{`; records it if it is a tracked commitment below the top level. */
function scanObject(tracked: boolean): void {
  const start = at;
  // Only the top-level object is scanned with an empty path: every object below it has a name on it.
  const topLevel = members !== null && tracked && path.length === 0;
  at++;
  if (text.charCodeAt(at) === CLOSE_BRACE) {
    at++;
    return;
  }
  let previous: string | null = null;
  let memberCount = 0;
  let sd: string | null = null;
  for (;;) {
    if (text.charCodeAt(at) !== QUOTE) throw NOT_CANONICAL;
    const nameStart = at + 1;
    scanString();
    if (escaped) throw NOT_CANONICAL;
    const name = text.slice(nameStart, at - 1);
    if (previous !== null && !(name > previous)) throw NOT_CANONICAL;
    previous = name;
    memberCount++;
    if (text.charCodeAt(at++) !== COLON) throw NOT_CANONICAL;
    const valueStart = at;
    if (tracked) path.push(name);
    scanValue(tracked);
    if (tracked) path.pop();
    if (topLevel) members!.set(name, { start: valueStart, end: at });
    if (name === '_sd' && text.charCodeAt(valueStart) === QUOTE) {
      if (escaped) throw NOT_CANONICAL; // the log writes hex digests; a caller parses anything else
      sd = text.slice(valueStart + 1, at - 1);
    }
    const c = text.charCodeAt(at++);
    if (c === CLOSE_BRACE) break;
    if (c !== COMMA) throw NOT_CANONICAL;
  }
  if (tracked && path.length > 0 && memberCount === 1 && sd !== null) {
    found.push({ pointer: formatPointer(path), sd, start, end: at });
  }
}
