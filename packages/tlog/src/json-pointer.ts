/** RFC 6901 JSON Pointer helpers over plain JSON objects. */

export type JsonObject = { [key: string]: unknown };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Splits a pointer into unescaped reference tokens (RFC 6901 §3, §4). */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`invalid JSON pointer: ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The value at pointer, or undefined when any step is missing. Only object members are followed. */
export function getAtPointer(root: unknown, pointer: string): unknown {
  let node: unknown = root;
  for (const token of parsePointer(pointer)) {
    if (!isObject(node) || !Object.hasOwn(node, token)) return undefined;
    node = node[token];
  }
  return node;
}

/** Replaces the value at an existing pointer in place. Returns false if the path does not exist. */
export function replaceAtPointer(root: unknown, pointer: string, value: unknown): boolean {
  const tokens = parsePointer(pointer);
  const last = tokens.pop();
  if (last === undefined) return false;
  let node: unknown = root;
  for (const token of tokens) {
    if (!isObject(node) || !Object.hasOwn(node, token)) return false;
    node = node[token];
  }
  if (!isObject(node) || !Object.hasOwn(node, last)) return false;
  node[last] = value;
  return true;
}

/** Deletes the member at an existing pointer in place. Returns false if the path does not exist. */
export function removeAtPointer(root: unknown, pointer: string): boolean {
  const tokens = parsePointer(pointer);
  const last = tokens.pop();
  if (last === undefined) return false;
  let node: unknown = root;
  for (const token of tokens) {
    if (!isObject(node) || !Object.hasOwn(node, token)) return false;
    node = node[token];
  }
  if (!isObject(node) || !Object.hasOwn(node, last)) return false;
  delete node[last];
  return true;
}
