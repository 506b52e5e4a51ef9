/**
 * auditr's page documents only its 200 answer. Its clients can rely on the status code alone, so
 * errors use plain JSON with the status a REST client expects and Trailkeep's stable code:
 * `{"error": {"code": "TK_ERR_…", "message": "…", "field": "org_id"}}` — 400 invalid body,
 * 401 missing/unknown key, 403 org outside the key's subtree, 404 unknown org, 503 overload.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HTTP_STATUS, toTrailkeepError } from '../../problem.js';

export function useAuditrErrors(scope: FastifyInstance): void {
  scope.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const mapped = toTrailkeepError(error);
    if (mapped.code === 'TK_ERR_INTERNAL') request.log.error({ err: error }, 'unhandled error');
    if (mapped.code === 'TK_ERR_UNAUTHENTICATED') void reply.header('www-authenticate', 'Bearer');
    if (mapped.retryAfter !== undefined) void reply.header('retry-after', String(mapped.retryAfter));
    const body: { code: string; message: string; field?: string } = { code: mapped.code, message: mapped.message };
    if (mapped.field !== undefined) body.field = mapped.field;
    return reply.status(HTTP_STATUS[mapped.code]).type('application/json').send({ error: body });
  });
}
