/**
 * Incremental RFC 9162 tree state: a "compact range" over leaves [0, size), as in
 * transparency-dev/merkle's compact package. It keeps only the roots of the perfect subtrees
 * that make up the tree (one per set bit of size, largest first), so appending a leaf costs one
 * leaf-to-peak merge (amortised one node hash) and the root is a fold of at most log2(size)
 * hashes. The server uses it to integrate new leaves and to learn which complete subtrees to
 * store; the offline verifier uses it to rebuild the root of a whole log.
 */
import { EMPTY_ROOT, nodeHash } from './rfc9162.js';
import { checkHash, checkTreeSize, foldRight } from './merkle.js';

/** Receives every complete subtree hash as it becomes known, the leaf itself first. */
export type NodeVisitor = (level: number, index: number, hash: Uint8Array) => void;

function popcount(n: number): number {
  let ones = 0;
  for (; n > 0; n = Math.floor(n / 2)) ones += n % 2;
  return ones;
}

/** Append-only Merkle tree accumulator that needs O(log n) memory. */
export class CompactRange {
  #size = 0;
  readonly #peaks: Uint8Array[] = [];

  /**
   * Resumes from a saved state: `peaks` are the roots of the perfect subtrees covering
   * [0, size), largest (leftmost) first, as returned by peaks().
   */
  static fromPeaks(size: number, peaks: readonly Uint8Array[]): CompactRange {
    checkTreeSize(size, 'size');
    if (peaks.length !== popcount(size)) {
      throw new RangeError(`a tree of size ${size} has ${popcount(size)} peaks, got ${peaks.length}`);
    }
    peaks.forEach((p, i) => checkHash(p, `peak ${i}`));
    const range = new CompactRange();
    range.#size = size;
    range.#peaks.push(...peaks.map((p) => p.slice()));
    return range;
  }

  /** Number of leaves appended so far. */
  get size(): number {
    return this.#size;
  }

  /** Copies of the perfect-subtree roots, largest (leftmost) first. */
  peaks(): Uint8Array[] {
    return this.#peaks.map((p) => p.slice());
  }

  /**
   * Appends one leaf hash. Each trailing one bit of the old size is a peak of the same size
   * as the growing subtree, so it is merged in; `visit` sees each new complete subtree.
   */
  append(leafHash: Uint8Array, visit?: NodeVisitor): void {
    checkHash(leafHash, 'leaf hash');
    if (this.#size === Number.MAX_SAFE_INTEGER) throw new RangeError('tree is full');
    let hash: Uint8Array = leafHash.slice();
    let index = this.#size;
    visit?.(0, index, hash);
    for (let level = 1, n = this.#size; n % 2 === 1; level++, n = (n - 1) / 2) {
      hash = nodeHash(this.#peaks.pop() as Uint8Array, hash);
      index = Math.floor(index / 2);
      visit?.(level, index, hash);
    }
    this.#peaks.push(hash);
    this.#size++;
  }

  /** MTH(D[0:size]): the peaks folded from the right (RFC 9162 §2.1.1), or the empty root. */
  root(): Uint8Array {
    if (this.#peaks.length === 0) return EMPTY_ROOT.slice();
    return foldRight(this.#peaks).slice();
  }
}
