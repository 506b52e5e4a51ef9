/**
 * RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency) proof verification.
 *
 * Verification is the one place where every input is untrusted, so before running the RFC
 * algorithms this checks everything they take for granted: sizes are non-negative safe
 * integers, index < size, every hash (leaf, roots, proof elements) is exactly 32 bytes, and the
 * proof has exactly the length the sizes imply. Failures throw MerkleProofError, so a caller
 * cannot mistake an unchecked boolean for success.
 */
import { HASH_SIZE, consistencyProofNodes, inclusionProofNodes } from './merkle.js';
import { nodeHash } from './rfc9162.js';

/** Thrown when a Merkle proof does not verify or its inputs are malformed. */
export class MerkleProofError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MerkleProofError';
  }
}

function fail(message: string): never {
  throw new MerkleProofError(message);
}

function checkSize(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) fail(`${name} is not a valid tree size or index`);
}

function checkHashInput(hash: Uint8Array, name: string): void {
  if (!(hash instanceof Uint8Array) || hash.length !== HASH_SIZE) {
    fail(`${name} must be ${HASH_SIZE} bytes`);
  }
}

function checkProofHashes(proof: readonly Uint8Array[], expectedLength: number): void {
  if (proof.length !== expectedLength) {
    fail(`proof has ${proof.length} hashes, expected exactly ${expectedLength}`);
  }
  proof.forEach((h, i) => checkHashInput(h, `proof hash ${i}`));
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Exact for every safe integer (Math.log2 rounds, e.g. for 2^50 + 1). */
function isPowerOfTwo(n: number): boolean {
  if (n <= 0) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}

/** Right-shifts fn and sn together until fn is odd or zero (RFC 9162 §2.1.3.2 step 4.b.ii). */
function shiftUntilOddOrZero(fn: number, sn: number): [number, number] {
  while (fn % 2 === 0 && fn !== 0) {
    fn /= 2;
    sn = Math.floor(sn / 2);
  }
  return [fn, sn];
}

/**
 * The root hash implied by an inclusion proof, computed exactly as in RFC 9162 §2.1.3.2 after
 * validating the inputs. Throws MerkleProofError on malformed input.
 */
export function rootFromInclusionProof(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array {
  checkSize(index, 'index');
  checkSize(size, 'tree size');
  if (index >= size) fail(`index ${index} is not below tree size ${size}`);
  checkHashInput(leafHash, 'leaf hash');
  checkProofHashes(proof, inclusionProofNodes(index, size).length);
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) fail('proof is too long');
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      [fn, sn] = shiftUntilOddOrZero(fn, sn);
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) fail('proof is too short');
  return r;
}

/**
 * Verifies that the leaf with hash `leafHash` is at `index` in the tree of `size` leaves whose
 * root is `root` (RFC 9162 §2.1.3.2). Throws MerkleProofError unless it is.
 */
export function verifyInclusion(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  checkHashInput(root, 'root hash');
  const computed = rootFromInclusionProof(index, size, leafHash, proof);
  if (!equalBytes(computed, root)) fail('inclusion proof does not lead to the root hash');
}

/**
 * Verifies that the tree of size2 with root root2 extends the tree of size1 with root root1
 * (RFC 9162 §2.1.4.2). Requires 0 < size1 <= size2; equal sizes need an empty proof and equal
 * roots. A proof from the empty tree is rejected: RFC 9162 only defines 0 < first, and an empty
 * tree commits to nothing. Throws MerkleProofError unless the proof verifies.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  checkSize(size1, 'size1');
  checkSize(size2, 'size2');
  checkHashInput(root1, 'root1');
  checkHashInput(root2, 'root2');
  if (size1 > size2) fail(`size1 ${size1} is larger than size2 ${size2}`);
  if (size1 === 0) fail('a consistency proof from the empty tree is meaningless');
  if (size1 === size2) {
    checkProofHashes(proof, 0);
    if (!equalBytes(root1, root2)) fail('equal tree sizes with different root hashes');
    return;
  }
  checkProofHashes(proof, consistencyProofNodes(size1, size2).length);
  const [fr, sr] = consistencyRoots(size1, size2, proof, root1);
  if (!equalBytes(fr, root1)) fail('consistency proof does not lead to root1');
  if (!equalBytes(sr, root2)) fail('consistency proof does not lead to root2');
}

/** Steps 2–6 of RFC 9162 §2.1.4.2: the (first, second) roots implied by the proof. */
function consistencyRoots(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
): [Uint8Array, Uint8Array] {
  // Step 2: when size1 is a power of two its root is the seed and is not sent in the proof.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = (fn - 1) / 2;
    sn = Math.floor(sn / 2);
  }
  let fr = path[0] as Uint8Array;
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) fail('proof is too long');
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      [fn, sn] = shiftUntilOddOrZero(fn, sn);
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) fail('proof is too short');
  return [fr, sr];
}
