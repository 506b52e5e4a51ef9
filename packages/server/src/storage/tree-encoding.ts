/** How both drivers store a compact range: its 32-byte peaks concatenated, largest subtree first. */
const HASH_SIZE = 32;

export function peaksToBytes(peaks: readonly Uint8Array[]): Buffer {
  return Buffer.concat(peaks);
}

export function peaksFromBytes(bytes: Uint8Array): Uint8Array[] {
  const peaks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += HASH_SIZE) peaks.push(new Uint8Array(bytes.subarray(i, i + HASH_SIZE)));
  return peaks;
}
