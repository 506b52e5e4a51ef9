/**
 * RFC 9162 §2.1 Merkle Tree Hash and proof generation.
 *
 * Proofs are generated in two steps so that a server storing the hashes of complete subtrees
 * can answer in O(log n) reads: first compute which stored nodes a proof needs (a pure function
 * of index and sizes), then read them. A node (level, index) is the complete subtree over leaves
 * [index * 2^level, (index + 1) * 2^level); RFC 9162's "largest power of two smaller than n"
 * split places every complete subtree at such an aligned position, so these node IDs are stable
 * as the log grows (the same model as C2SP tlog-tiles and transparency-dev/merkle).
 *
 * Sizes and indices are JavaScript numbers limited to Number.MAX_SAFE_INTEGER (2^53 - 1), and all
 * arithmetic avoids 32-bit bitwise operators so sizes above 2^32 work.
 */
import { EMPTY_ROOT, nodeHash } from './rfc9162.js';

/** Length in bytes of every hash in the tree (SHA-256). */
export const HASH_SIZE = 32;

/** The complete subtree over leaves [index * 2^level, (index + 1) * 2^level). */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/**
 * One element of a proof: the hash of these complete subtrees (left to right) folded from the
 * right. It is a single node except for the one "ephemeral" right-border subtree of a tree whose
 * size is not a power of two, whose hash must be rebuilt from the complete subtrees covering it.
 */
export type ProofElement = readonly NodeId[];

/** Returns the stored hash of a complete subtree; must throw if it is unknown. */
export type NodeReader = (level: number, index: number) => Uint8Array;

/** Throws a RangeError unless value is a non-negative safe integer. */
export function checkTreeSize(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative safe integer, got ${value}`);
  }
}

/** Throws unless hash is a Uint8Array of HASH_SIZE bytes. */
export function checkHash(hash: Uint8Array, name: string): void {
  if (!(hash instanceof Uint8Array) || hash.length !== HASH_SIZE) {
    throw new RangeError(`${name} must be ${HASH_SIZE} bytes`);
  }
}

/** The largest power of two strictly smaller than n, for n > 1 (RFC 9162 §2.1.1 split point k). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Number of trailing zero bits of a positive integer. */
function trailingZeros(n: number): number {
  if (n <= 0) throw new RangeError('trailingZeros needs a positive integer');
  let zeros = 0;
  while (n % 2 === 0) {
    n /= 2;
    zeros++;
  }
  return zeros;
}

/**
 * MTH(D[0:n]) over leaf hashes, exactly as defined recursively in RFC 9162 §2.1.1. Recursion
 * depth is log2(n). For incremental use prefer CompactRange.
 */
export function merkleRoot(leafHashes: readonly Uint8Array[]): Uint8Array {
  leafHashes.forEach((h, i) => checkHash(h, `leaf hash ${i}`));
  if (leafHashes.length === 0) return EMPTY_ROOT.slice();
  return rangeHash(leafHashes, 0, leafHashes.length).slice();
}

function rangeHash(hashes: readonly Uint8Array[], begin: number, end: number): Uint8Array {
  if (end - begin === 1) return hashes[begin] as Uint8Array;
  const k = splitPoint(end - begin);
  return nodeHash(rangeHash(hashes, begin, begin + k), rangeHash(hashes, begin + k, end));
}

/**
 * The complete subtrees that exactly cover leaves [begin, end), left to right, each as large
 * as alignment allows (a "compact range"). When begin is aligned to a power of two at least
 * end - begin, sizes strictly decrease, and folding their hashes from the right gives
 * MTH(D[begin:end]).
 */
export function rangeNodes(begin: number, end: number): NodeId[] {
  checkTreeSize(begin, 'begin');
  checkTreeSize(end, 'end');
  const out: NodeId[] = [];
  while (begin < end) {
    // Widths double exactly in doubles up to 2^53; a multiplication is cheaper than 2 ** level.
    let level = 0;
    let width = 1;
    while (begin % (2 * width) === 0 && begin + 2 * width <= end) {
      level++;
      width *= 2;
    }
    out.push({ level, index: begin / width });
    begin += width;
  }
  return out;
}

/**
 * Siblings on the path from node (level, index) up to the root of a tree of `size` leaves,
 * bottom to top. A right sibling starting at or beyond `size` does not exist yet: RFC 9162's
 * tree then carries the node up a level unchanged, so no proof element is emitted.
 */
function pathSiblings(level: number, index: number, size: number): ProofElement[] {
  const out: ProofElement[] = [];
  for (let width = 2 ** level, i = index; width < size; width *= 2, i = Math.floor(i / 2)) {
    const sibling = i % 2 === 0 ? i + 1 : i - 1;
    const begin = sibling * width;
    if (begin >= size) continue;
    out.push(rangeNodes(begin, Math.min(begin + width, size)));
  }
  return out;
}

/**
 * Nodes of the inclusion proof PATH(m, D[0:n]) of RFC 9162 §2.1.3.1, bottom to top. At most one
 * element has more than one node, so a proof needs O(log n) node reads.
 */
export function inclusionProofNodes(index: number, size: number): ProofElement[] {
  checkTreeSize(index, 'index');
  checkTreeSize(size, 'size');
  if (index >= size) throw new RangeError(`index ${index} is not below tree size ${size}`);
  return pathSiblings(0, index, size);
}

/**
 * Nodes of the consistency proof PROOF(m, D[0:n]) of RFC 9162 §2.1.4.1, in proof order. The
 * proof is the largest complete subtree ending at size1 (omitted when size1 is a power of two,
 * since the verifier already has it as root1) followed by that node's inclusion path in the
 * tree of size2. Equal sizes give an empty proof; size1 = 0 is rejected because RFC 9162
 * defines consistency only for 0 < size1, and an empty tree commits to nothing.
 */
export function consistencyProofNodes(size1: number, size2: number): ProofElement[] {
  checkTreeSize(size1, 'size1');
  checkTreeSize(size2, 'size2');
  if (size1 === 0) throw new RangeError('no consistency proof exists from the empty tree');
  if (size1 > size2) throw new RangeError(`size1 ${size1} is larger than size2 ${size2}`);
  if (size1 === size2) return [];
  const level = trailingZeros(size1);
  const index = Math.floor((size1 - 1) / 2 ** level);
  const path = pathSiblings(level, index, size2);
  return index === 0 ? path : [[{ level, index }], ...path];
}

/** Hash of a proof element's subtrees (left to right), folded from the right per RFC 9162 §2.1.1. */
export function foldRight(hashes: readonly Uint8Array[]): Uint8Array {
  let i = hashes.length - 1;
  let hash = hashes[i];
  if (hash === undefined) throw new RangeError('nothing to fold');
  for (i--; i >= 0; i--) hash = nodeHash(hashes[i] as Uint8Array, hash);
  return hash;
}

/** Turns proof node IDs into proof hashes using a reader of stored complete-subtree hashes. */
export function readProof(elements: readonly ProofElement[], read: NodeReader): Uint8Array[] {
  return elements.map((nodes) =>
    foldRight(
      nodes.map(({ level, index }) => {
        const hash = read(level, index);
        checkHash(hash, `stored node (${level}, ${index})`);
        return hash;
      }),
    ),
  );
}

/** Inclusion proof for leaf `index` in the tree of `size` leaves (RFC 9162 §2.1.3.1). */
export function inclusionProof(index: number, size: number, read: NodeReader): Uint8Array[] {
  return readProof(inclusionProofNodes(index, size), read);
}

/** Consistency proof from the tree of size1 to the tree of size2 (RFC 9162 §2.1.4.1). */
export function consistencyProof(size1: number, size2: number, read: NodeReader): Uint8Array[] {
  return readProof(consistencyProofNodes(size1, size2), read);
}

/**
 * Keeps every complete subtree hash of an in-memory list of leaf hashes and reads them back:
 * a NodeReader for tests and small logs (memory is about twice the leaf hashes).
 */
export function memoryNodeReader(leafHashes: readonly Uint8Array[]): NodeReader {
  leafHashes.forEach((h, i) => checkHash(h, `leaf hash ${i}`));
  const levels: Uint8Array[][] = [leafHashes.slice()];
  for (let below = levels[0] as Uint8Array[]; below.length >= 2;) {
    const above: Uint8Array[] = [];
    for (let i = 0; i + 1 < below.length; i += 2) {
      above.push(nodeHash(below[i] as Uint8Array, below[i + 1] as Uint8Array));
    }
    levels.push(above);
    below = above;
  }
  return (level, index) => {
    const hash = levels[level]?.[index];
    if (hash === undefined) throw new RangeError(`no complete subtree (${level}, ${index})`);
    return hash;
  };
}
