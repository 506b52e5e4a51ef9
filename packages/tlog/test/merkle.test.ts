/**
 * RFC 9162 Merkle tree: published constants, proof generation checked against a direct
 * transcription of the RFC's recursive definitions, corruption of generated proofs, sizes above
 * 2^32, and the incremental CompactRange.
 */
import { describe, expect, it } from 'vitest';
import {
  CompactRange,
  EMPTY_ROOT,
  MerkleProofError,
  consistencyProof,
  consistencyProofNodes,
  fromHex,
  inclusionProof,
  inclusionProofNodes,
  leafHash,
  memoryNodeReader,
  merkleRoot,
  nodeHash,
  rangeNodes,
  rootFromInclusionProof,
  sha256,
  splitPoint,
  toHex,
  utf8,
  verifyConsistency,
  verifyInclusion,
  type NodeReader,
} from '../src/index.js';

describe('published RFC 6962/9162 constants (transparency-dev/merkle rfc6962_test.go)', () => {
  it('empty tree root', () => {
    expect(toHex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(toHex(merkleRoot([]))).toBe(toHex(EMPTY_ROOT));
    expect(toHex(new CompactRange().root())).toBe(toHex(EMPTY_ROOT));
  });
  it('leaf hash of the empty leaf', () => {
    expect(toHex(leafHash(new Uint8Array(0)))).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
  });
  it('leaf hash of "L123456"', () => {
    expect(toHex(leafHash(utf8('L123456')))).toBe('395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56');
  });
  it('node hash of "N123" and "N456"', () => {
    expect(toHex(nodeHash(utf8('N123'), utf8('N456')))).toBe(
      'aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb',
    );
  });
});

/** Roots of the 8-leaf reference tree, from transparency-dev/merkle proof/verify_test.go. */
const GO_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const GO_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

describe('roots of the reference tree', () => {
  const leaves = GO_LEAVES.map((h) => leafHash(fromHex(h)));
  it.each(GO_ROOTS.map((root, i) => [i + 1, root] as const))('size %i', (n, root) => {
    expect(toHex(merkleRoot(leaves.slice(0, n)))).toBe(root);
    const range = new CompactRange();
    leaves.slice(0, n).forEach((l) => range.append(l));
    expect(toHex(range.root())).toBe(root);
  });
});

// Direct transcriptions of RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1, used as the reference.
function mth(d: Uint8Array[]): Uint8Array {
  if (d.length === 0) return sha256(new Uint8Array(0));
  if (d.length === 1) return d[0] as Uint8Array;
  const k = splitPoint(d.length);
  return nodeHash(mth(d.slice(0, k)), mth(d.slice(k)));
}
function path(m: number, d: Uint8Array[]): Uint8Array[] {
  if (d.length === 1) return [];
  const k = splitPoint(d.length);
  return m < k ? [...path(m, d.slice(0, k)), mth(d.slice(k))] : [...path(m - k, d.slice(k)), mth(d.slice(0, k))];
}
function subproof(m: number, d: Uint8Array[], b: boolean): Uint8Array[] {
  if (m === d.length) return b ? [] : [mth(d)];
  const k = splitPoint(d.length);
  return m <= k
    ? [...subproof(m, d.slice(0, k), b), mth(d.slice(k))]
    : [...subproof(m - k, d.slice(k), false), mth(d.slice(0, k))];
}

const MAX = 40;
const LEAVES = Array.from({ length: MAX }, (_, i) => leafHash(utf8(`leaf ${i}`)));
const READER = memoryNodeReader(LEAVES);
const SIZES = Array.from({ length: MAX }, (_, i) => i + 1);
const hex = (hs: Uint8Array[]) => hs.map(toHex);
const flip = (h: Uint8Array, bit: number): Uint8Array => {
  const out = h.slice();
  out[bit >> 3] = (out[bit >> 3] as number) ^ (1 << (bit & 7));
  return out;
};

// Corruptions follow transparency-dev/merkle's verify_test.go. Changing a size by one is not
// among them on purpose: e.g. leaf 0's path in trees of 5 and 6 leaves has the same shape, so the
// same proof and root verify for both sizes; only checkpoint consistency can expose such a claim.
describe('inclusion proofs, all indices of trees of 1..40 leaves', () => {
  it.each(SIZES)('size %i', (n) => {
    const root = merkleRoot(LEAVES.slice(0, n));
    expect(toHex(root)).toBe(toHex(mth(LEAVES.slice(0, n))));
    for (let m = 0; m < n; m++) {
      const leaf = LEAVES[m] as Uint8Array;
      const proof = inclusionProof(m, n, READER);
      expect(hex(proof)).toEqual(hex(path(m, LEAVES.slice(0, n))));
      expect(() => verifyInclusion(m, n, leaf, proof, root)).not.toThrow();
      const corrupt: Array<[string, () => void]> = [
        ['index - 1', () => verifyInclusion(m - 1, n, leaf, proof, root)],
        ['index + 1', () => verifyInclusion(m + 1, n, leaf, proof, root)],
        ['index ^ 2', () => verifyInclusion(m ^ 2, n, leaf, proof, root)],
        ['size * 2', () => verifyInclusion(m, n * 2, leaf, proof, root)],
        ['size / 2', () => verifyInclusion(m, Math.floor(n / 2), leaf, proof, root)],
        ['other leaf', () => verifyInclusion(m, n, flip(leaf, 0), proof, root)],
        ['other root', () => verifyInclusion(m, n, leaf, proof, flip(root, 255))],
        ['extra hash', () => verifyInclusion(m, n, leaf, [...proof, root], root)],
        ['prepended hash', () => verifyInclusion(m, n, leaf, [root, ...proof], root)],
        ['dropped hash', () => verifyInclusion(m, n, leaf, proof.slice(1), root)],
        [
          'short hash',
          () =>
            verifyInclusion(
              m,
              n,
              leaf,
              proof.map((h) => h.slice(1)),
              root,
            ),
        ],
        ...proof.map((_, i): [string, () => void] => [
          `flipped bit in hash ${i}`,
          () =>
            verifyInclusion(
              m,
              n,
              leaf,
              proof.map((h, j) => (i === j ? flip(h, 9) : h)),
              root,
            ),
        ]),
      ];
      for (const [what, run] of corrupt) {
        if (what === 'dropped hash' && proof.length === 0) continue;
        if (what === 'short hash' && proof.length === 0) continue;
        expect(run, `${what} for index ${m}`).toThrow(MerkleProofError);
      }
    }
  });
});

describe('consistency proofs, all pairs of sizes 1..40', () => {
  it.each(SIZES)('size2 %i', (n) => {
    const root2 = merkleRoot(LEAVES.slice(0, n));
    for (let m = 1; m <= n; m++) {
      const root1 = merkleRoot(LEAVES.slice(0, m));
      const proof = consistencyProof(m, n, READER);
      expect(hex(proof)).toEqual(m === n ? [] : hex(subproof(m, LEAVES.slice(0, n), true)));
      expect(() => verifyConsistency(m, n, proof, root1, root2)).not.toThrow();
      if (m === n) continue;
      const corrupt: Array<[string, () => void]> = [
        ['size1 - 1', () => verifyConsistency(m - 1, n, proof, root1, root2)],
        ['size1 + 1', () => verifyConsistency(m + 1, n, proof, root1, root2)],
        ['size1 ^ 2', () => verifyConsistency(m ^ 2, n, proof, root1, root2)],
        ['size2 * 2', () => verifyConsistency(m, n * 2, proof, root1, root2)],
        ['size2 / 2', () => verifyConsistency(m, Math.floor(n / 2), proof, root1, root2)],
        ['swapped roots', () => verifyConsistency(m, n, proof, root2, root1)],
        ['other root1', () => verifyConsistency(m, n, proof, flip(root1, 3), root2)],
        ['other root2', () => verifyConsistency(m, n, proof, root1, flip(root2, 3))],
        ['empty proof', () => verifyConsistency(m, n, [], root1, root2)],
        ['extra hash', () => verifyConsistency(m, n, [...proof, root1], root1, root2)],
        ['prepended hash', () => verifyConsistency(m, n, [root2, ...proof], root1, root2)],
        ['truncated', () => verifyConsistency(m, n, proof.slice(0, -1), root1, root2)],
        ...proof.map((_, i): [string, () => void] => [
          `flipped bit in hash ${i}`,
          () =>
            verifyConsistency(
              m,
              n,
              proof.map((h, j) => (i === j ? flip(h, 12) : h)),
              root1,
              root2,
            ),
        ]),
      ];
      for (const [what, run] of corrupt) expect(run, `${what} for size1 ${m}`).toThrow(MerkleProofError);
    }
  });
});

describe('proof edge cases', () => {
  const root = merkleRoot(LEAVES.slice(0, 5));
  it('rejects a consistency proof from the empty tree', () => {
    expect(() => verifyConsistency(0, 5, [], EMPTY_ROOT, root)).toThrow(MerkleProofError);
    expect(() => verifyConsistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT)).toThrow(MerkleProofError);
    expect(() => consistencyProofNodes(0, 5)).toThrow(RangeError);
  });
  it('rejects sizes that are not non-negative safe integers', () => {
    const proof = inclusionProof(1, 5, READER);
    for (const bad of [-1, 1.5, Number.NaN, Infinity, 2 ** 53]) {
      expect(() => verifyInclusion(1, bad, LEAVES[1] as Uint8Array, proof, root)).toThrow(MerkleProofError);
      expect(() => verifyInclusion(bad, 5, LEAVES[1] as Uint8Array, proof, root)).toThrow(MerkleProofError);
      expect(() => verifyConsistency(bad, 5, [], root, root)).toThrow(MerkleProofError);
    }
  });
  it('rejects an index at or beyond the tree size when generating', () => {
    expect(() => inclusionProofNodes(5, 5)).toThrow(RangeError);
    expect(() => consistencyProofNodes(6, 5)).toThrow(RangeError);
  });
  it('a reader returning a wrong-length hash is an error, not a proof', () => {
    const bad: NodeReader = () => new Uint8Array(31);
    expect(() => inclusionProof(1, 5, bad)).toThrow(RangeError);
  });
});

/**
 * Trees above 2^32 leaves, where 32-bit bitwise operators would break. Leaves alternate between
 * two values, so every complete subtree of a level >= 1 has the same hash and any node can be
 * "read" without building the tree.
 */
describe('trees larger than 2^32 leaves', () => {
  const [a, b] = [leafHash(utf8('a')), leafHash(utf8('b'))];
  const levels = [a, nodeHash(a, b)];
  for (let l = 2; l <= 53; l++) levels.push(nodeHash(levels[l - 1] as Uint8Array, levels[l - 1] as Uint8Array));
  const read: NodeReader = (level, index) => (level === 0 ? (index % 2 === 0 ? a : b) : (levels[level] as Uint8Array));
  const rootOf = (n: number) => {
    const nodes = rangeNodes(0, n).map(({ level, index }) => read(level, index));
    return nodes.reduceRight((acc, h) => nodeHash(h, acc));
  };
  /** RFC 9162 inclusion path length via BigInt: bits where paths of m and n-1 diverge, plus border. */
  const expectedLength = (m: number, n: number) => {
    const inner = (BigInt(m) ^ BigInt(n - 1)).toString(2).length - (m === n - 1 ? 1 : 0);
    const border = (BigInt(m) >> BigInt(inner)).toString(2).replace(/0/g, '').length;
    return inner + border;
  };
  const cases: Array<[number, number]> = [
    [2 ** 32, 2 ** 32 + 1],
    [2 ** 32 + 5, 2 ** 33 + 3],
    [3, 2 ** 40 + 12345],
    [2 ** 45 - 1, 2 ** 45 + 2 ** 20 + 7],
    [Number.MAX_SAFE_INTEGER - 2, Number.MAX_SAFE_INTEGER],
  ];
  it.each(cases)('index %d of size %d', (m, n) => {
    const leaf = read(0, m);
    const proof = inclusionProof(m, n, read);
    expect(proof).toHaveLength(expectedLength(m, n));
    const root = rootOf(n);
    expect(toHex(rootFromInclusionProof(m, n, leaf, proof))).toBe(toHex(root));
    expect(() => verifyInclusion(m, n, leaf, proof, root)).not.toThrow();
    expect(() => verifyInclusion(m, n, leaf, proof.slice(1), root)).toThrow(MerkleProofError);
  });
  it.each(cases)('consistency %d -> %d', (m, n) => {
    const proof = consistencyProof(m, n, read);
    expect(() => verifyConsistency(m, n, proof, rootOf(m), rootOf(n))).not.toThrow();
    expect(() => verifyConsistency(m, n, proof, rootOf(n), rootOf(m))).toThrow(MerkleProofError);
  });
});

describe('CompactRange', () => {
  it('reports every complete subtree as the stored-node reader would have it', () => {
    const range = new CompactRange();
    const seen = new Map<string, string>();
    LEAVES.forEach((l) => range.append(l, (level, index, hash) => seen.set(`${level}/${index}`, toHex(hash))));
    // 40 leaves: 40 + 20 + 10 + 5 + 2 + 1 complete subtrees.
    expect(seen.size).toBe(78);
    for (const [key, hash] of seen) {
      const [level, index] = key.split('/').map(Number) as [number, number];
      expect(hash).toBe(toHex(READER(level, index)));
    }
  });
  it('resumes from saved peaks', () => {
    const range = new CompactRange();
    LEAVES.slice(0, 21).forEach((l) => range.append(l));
    expect(range.peaks()).toHaveLength(3); // 21 = 16 + 4 + 1
    const resumed = CompactRange.fromPeaks(range.size, range.peaks());
    LEAVES.slice(21).forEach((l) => resumed.append(l));
    expect(toHex(resumed.root())).toBe(toHex(merkleRoot(LEAVES)));
  });
  it('rejects a wrong number of peaks and wrong-length hashes', () => {
    expect(() => CompactRange.fromPeaks(21, [LEAVES[0] as Uint8Array])).toThrow(RangeError);
    expect(() => new CompactRange().append(new Uint8Array(33))).toThrow(RangeError);
  });
});
