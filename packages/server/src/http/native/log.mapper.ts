/** Proofs as JSON (hex hashes, like the events' integrity fields) and as C2SP tlog-proof text. */
import { formatTlogProof, toHex } from '@trailkeep/tlog';
import type { FastifyRequest } from 'fastify';
import { TrailkeepError } from '../../domain/errors.js';
import type { ConsistencyProof, InclusionProof } from '../../domain/log-service.js';

/** Media type of C2SP tlog-proof text. */
export const TLOG_PROOF_TYPE = 'text/x.tlog-proof';

export function toInclusionJson(proof: InclusionProof) {
  return {
    origin: proof.origin,
    sequence: proof.sequence,
    leaf_index: proof.sequence - 1,
    tree_size: proof.treeSize,
    entry: proof.entry,
    leaf_hash: toHex(proof.leafHash),
    hashes: proof.hashes.map(toHex),
    root_hash: toHex(proof.rootHash),
    checkpoint: proof.checkpoint?.note ?? null,
  };
}

export function toConsistencyJson(proof: ConsistencyProof) {
  return {
    origin: proof.origin,
    old_size: proof.oldSize,
    new_size: proof.newSize,
    old_root: toHex(proof.oldRoot),
    new_root: toHex(proof.newRoot),
    hashes: proof.hashes.map(toHex),
    checkpoint: proof.checkpoint?.note ?? null,
  };
}

/** C2SP tlog-proof text: it carries a signed checkpoint, so only sizes with a stored one have it. */
export function toTlogProof(proof: InclusionProof): string {
  if (proof.checkpoint === null) {
    throw new TrailkeepError(
      'TK_ERR_NOT_ACCEPTABLE',
      `a tlog-proof needs a signed checkpoint and tree size ${proof.treeSize} has none; omit tree_size for the newest`,
    );
  }
  return formatTlogProof({ index: proof.sequence - 1, hashes: proof.hashes, checkpoint: proof.checkpoint.note });
}

/** True when the client asks for tlog-proof text. */
export function wantsTlogProof(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').toLowerCase().includes(TLOG_PROOF_TYPE);
}

/** True when the client prefers plain text over JSON. */
export function wantsText(request: FastifyRequest): boolean {
  const accept = (request.headers.accept ?? '').toLowerCase();
  return accept.includes('text/plain') && !accept.includes('application/json');
}
