/**
 * Every case of transparency-dev/merkle's testdata (fixtures/merkle-vectors): inclusion and
 * consistency proofs, happy paths and corruptions, each with whether it must verify.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  MerkleProofError,
  fromBase64,
  fromHex,
  inclusionProof,
  consistencyProof,
  leafHash,
  memoryNodeReader,
  merkleRoot,
  toBase64,
  verifyConsistency,
  verifyInclusion,
} from '../src/index.js';

const ROOT = fileURLToPath(new URL('./fixtures/merkle-vectors', import.meta.url));

interface InclusionVector {
  leafIdx: string;
  treeSize: string;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface ConsistencyVector {
  size1: string;
  size2: string;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

function listJson(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? listJson(dir, join(prefix, e.name)) : e.name.endsWith('.json') ? [join(prefix, e.name)] : [],
    )
    .sort();
}

/** JSON.parse would round sizes above 2^53 (one vector uses 2^64 - 1), so read them as strings. */
function readVector<T>(file: string): T {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return JSON.parse(text.replace(/"(leafIdx|treeSize|size1|size2)": (\d+)/g, '"$1": "$2"')) as T;
}

/** Sizes beyond 2^53 - 1 stay non-safe numbers, which the verifiers must reject as malformed. */
const size = (decimal: string): number => Number(decimal);
const hashes = (list: string[] | null): Uint8Array[] => (list ?? []).map(fromBase64);

interface Case {
  run: () => void;
  inputs: Uint8Array[];
  wantErr: boolean;
}

function loadCase(file: string): Case {
  if (file.startsWith('inclusion')) {
    const v = readVector<InclusionVector>(file);
    const [leaf, root, proof] = [fromBase64(v.leafHash), fromBase64(v.root), hashes(v.proof)];
    const run = () => verifyInclusion(size(v.leafIdx), size(v.treeSize), leaf, proof, root);
    return { run, inputs: [leaf, root, ...proof], wantErr: v.wantErr };
  }
  const v = readVector<ConsistencyVector>(file);
  const [root1, root2, proof] = [fromBase64(v.root1), fromBase64(v.root2), hashes(v.proof)];
  const run = () => verifyConsistency(size(v.size1), size(v.size2), proof, root1, root2);
  return { run, inputs: [root1, root2, ...proof], wantErr: v.wantErr };
}

const FILES = listJson(ROOT);

/** Our verifiers reject any hash that is not 32 bytes, even where upstream does not check. */
const hasMalformedHash = (c: Case): boolean => c.inputs.some((h) => h.length !== 32);

describe('transparency-dev/merkle test vectors', () => {
  it('has all 196 cases', () => {
    expect(FILES).toHaveLength(196);
  });

  it.each(FILES)('%s', (file) => {
    const c = loadCase(file);
    if (c.wantErr || hasMalformedHash(c)) {
      expect(c.run).toThrow(MerkleProofError);
    } else {
      expect(c.run).not.toThrow();
    }
  });

  it('deviates from upstream only where a 32-byte hash check rejects placeholder roots', () => {
    const deviations = FILES.filter((f) => {
      const c = loadCase(f);
      return !c.wantErr && hasMalformedHash(c);
    });
    expect(deviations).toEqual([join('consistency', 'additional', 'sizes-are-equal-one-and-proof-is-empty.json')]);
  });
});

/** The 8-leaf reference tree of transparency-dev/merkle proof/verify_test.go. */
const GO_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const GO_LEAF_HASHES = GO_LEAVES.map((h) => leafHash(fromHex(h)));

describe('proof generation reproduces the happy-path vectors of the reference tree', () => {
  const reader = memoryNodeReader(GO_LEAF_HASHES);
  const rootOf = (n: number) => toBase64(merkleRoot(GO_LEAF_HASHES.slice(0, n)));
  const happy = FILES.filter((f) => f.endsWith('happy-path.json'));

  it.each(happy)('%s', (file) => {
    if (file.startsWith('inclusion')) {
      const v = readVector<InclusionVector>(file);
      const [m, n] = [size(v.leafIdx), size(v.treeSize)];
      expect(v.root).toBe(rootOf(n));
      expect(v.leafHash).toBe(toBase64(GO_LEAF_HASHES[m] as Uint8Array));
      expect(inclusionProof(m, n, reader).map(toBase64)).toEqual(v.proof ?? []);
    } else {
      const v = readVector<ConsistencyVector>(file);
      const [m, n] = [size(v.size1), size(v.size2)];
      expect([v.root1, v.root2]).toEqual([rootOf(m), rootOf(n)]);
      expect(consistencyProof(m, n, reader).map(toBase64)).toEqual(v.proof ?? []);
    }
  });

  it('covers every happy path', () => {
    expect(happy.length).toBe(10);
  });
});
