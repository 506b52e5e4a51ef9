/** RFC 6901 JSON Pointer helpers over plain JSON objects. */

export type JsonObject = { [key: string]: unknown };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One reference token as a pointer writes it: `~` as `~0`, `/` as `~1` (RFC 6901 §3). */
export function escapePointerToken(token: string): string {
  return token.includes('~') || token.includes('/') ? token.replace(/~/g, '~0').replace(/\//g, '~1') : token;
}

/** The pointer of these unescaped reference tokens (parsePointer's inverse). */
export function formatPointer(tokens: readonly string[]): string {
  let pointer = '';
  for (const token of tokens) pointer += `/${escapePointerToken(token)}`;
  return pointer;
}

/** Splits a pointer into unescaped reference tokens (RFC 6901 §3, §4). */
export function parsePointer(pointer: string): string[] {
  return [...pointerTokens(pointer)];
}

// The same few pointers (the personal fields) are resolved for every event sealed and opened.
const parsed = new Map<string, readonly string[]>();
const PARSED_LIMIT = 1024;

function pointerTokens(pointer: string): readonly string[] {
  let tokens = parsed.get(pointer);
  if (tokens === undefined) {
    if (pointer !== '' && !pointer.startsWith('/')) throw new Error(`invalid JSON pointer: ${pointer}`);
    tokens =
      pointer === ''
        ? []
        : pointer
            .slice(1)
            .split('/')
            .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (parsed.size < PARSED_LIMIT) parsed.set(pointer, tokens);
  }
  return tokens;
}

/** The value at pointer, or undefined when any step is missing. Only object members are followed. */
export function getAtPointer(root: unknown, pointer: string): unknown {
  let node: unknown = root;
  for (const token of pointerTokens(pointer)) {
    if (!isObject(node) || !Object.hasOwn(node, token)) return undefined;
    node = node[token];
  }
  return node;
}

/** The object holding the member a pointer names, and that member's name, when both exist. */
function memberAt(root: unknown, pointer: string): { parent: JsonObject; name: string } | undefined {
  const tokens = pointerTokens(pointer);
  const name = tokens.at(-1);
  if (name === undefined) return undefined;
  let node: unknown = root;
  for (let i = 0; i < tokens.length - 1; i++) {
    const token = tokens[i]!;
    if (!isObject(node) || !Object.hasOwn(node, token)) return undefined;
    node = node[token];
  }
  return isObject(node) && Object.hasOwn(node, name) ? { parent: node, name } : undefined;
}

/** Replaces the value at an existing pointer in place. Returns false if the path does not exist. */
export function replaceAtPointer(root: unknown, pointer: string, value: unknown): boolean {
  const member = memberAt(root, pointer);
  if (member) member.parent[member.name] = value;
  return member !== undefined;
}

/** Deletes the member at an existing pointer in place. Returns false if the path does not exist. */
export function removeAtPointer(root: unknown, pointer: string): boolean {
  const member = memberAt(root, pointer);
  if (member) delete member.parent[member.name];
  return member !== undefined;
}
