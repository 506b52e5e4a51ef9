/**
 * The verifiable log of the caller's tenant (DESIGN §3): signed checkpoint, verifier key, RFC 9162
 * proofs (JSON, or C2SP tlog-proof text), and C2SP tlog-tiles reads under /v1/log/, so
 * transparency-log tools pointed at `<server>/v1/log/` (with the key) can follow a tenant's log.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { isInstallationAdmin } from '../../domain/access.js';
import { TrailkeepError } from '../../domain/errors.js';
import type { Tenant } from '../../domain/tenancy.js';
import type { AppServices } from '../app.js';
import { principalOf, requestedTenant } from '../auth.js';
import {
  TLOG_PROOF_TYPE,
  toConsistencyJson,
  toInclusionJson,
  toTlogProof,
  wantsText,
  wantsTlogProof,
} from './log.mapper.js';
import {
  ConsistencyProofSchema,
  ConsistencyQuerySchema,
  InclusionProofSchema,
  InclusionQuerySchema,
  TenantOnlyQuerySchema,
  VerifierKeySchema,
} from './log.schemas.js';

// tile/<L>/<N>[.p/<W>] with N as x-prefixed groups of three digits (C2SP tlog-tiles).
const TILE_PATH = /^(entries|[0-9]|[1-5][0-9]|6[0-3])\/((?:x\d{3}\/)*\d{3})(?:\.p\/(\d{1,3}))?$/;

/** Level, index and width of a tile path below /v1/log/tile/. */
function parseTilePath(path: string): { level: number | 'entries'; index: number; width: number } {
  const m = TILE_PATH.exec(path);
  const width = m?.[3] === undefined ? 256 : Number(m[3]);
  const index = m === null ? NaN : Number(m[2]!.replace(/[x/]/g, ''));
  if (m === null || (m[3] !== undefined && (width < 1 || width > 255)) || !Number.isSafeInteger(index)) {
    throw new TrailkeepError('TK_ERR_TILE_NOT_FOUND', `${path} is not a tile path`);
  }
  return { level: m[1] === 'entries' ? 'entries' : Number(m[1]), index, width };
}

export function logRoutes(services: AppServices): FastifyPluginAsync {
  const readTenant = (request: FastifyRequest): Promise<Tenant> =>
    services.access.tenantForEvents(principalOf(request), requestedTenant(request), 'events:read');

  return async (scope) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const { log } = services;

    app.get(
      '/v1/log/checkpoint',
      {
        schema: {
          summary: 'The newest signed checkpoint (C2SP tlog-checkpoint in a signed note)',
          tags: ['log'],
          querystring: TenantOnlyQuerySchema,
        },
      },
      async (request, reply) => {
        const checkpoint = await log.latestCheckpoint(await readTenant(request));
        return reply.type('text/plain; charset=utf-8').send(checkpoint.note);
      },
    );

    app.get(
      '/v1/log/key',
      {
        schema: {
          summary: 'The verifier key (vkey) of the log',
          description: 'JSON by default; the bare vkey with Accept: text/plain.',
          tags: ['log'],
          querystring: TenantOnlyQuerySchema,
          response: { 200: VerifierKeySchema },
        },
      },
      async (request, reply) => {
        const tenant = await readTenant(request);
        const vkey = log.verifierKey(tenant);
        // The response schema documents the JSON form; the text form is sent as it is.
        if (wantsText(request)) return reply.type('text/plain; charset=utf-8').send(`${vkey}\n` as never);
        return { origin: tenant.logOrigin, vkey };
      },
    );

    app.get(
      '/v1/log/proof/inclusion',
      {
        schema: {
          summary: 'RFC 9162 inclusion proof of an event',
          description: `By sequence or event_id, against tree_size (default: the newest checkpoint). JSON, or C2SP tlog-proof with Accept: ${TLOG_PROOF_TYPE}.`,
          tags: ['log'],
          querystring: InclusionQuerySchema,
          response: { 200: InclusionProofSchema },
        },
      },
      async (request, reply) => {
        const { sequence, event_id: eventId, tree_size: treeSize } = request.query;
        if ((sequence === undefined) === (eventId === undefined)) {
          throw new TrailkeepError('TK_ERR_VALIDATION', 'give exactly one of sequence or event_id', {
            field: 'sequence',
          });
        }
        const target = sequence === undefined ? { eventId: eventId! } : { sequence };
        const proof = await log.inclusionProof(await readTenant(request), target, treeSize);
        if (wantsTlogProof(request)) {
          return reply.type(`${TLOG_PROOF_TYPE}; charset=utf-8`).send(toTlogProof(proof) as never);
        }
        return toInclusionJson(proof);
      },
    );

    app.get(
      '/v1/log/proof/consistency',
      {
        schema: {
          summary: 'RFC 9162 consistency proof between two tree sizes',
          description: 'From old to new (default: the newest checkpoint). JSON only: tlog-proof covers inclusion.',
          tags: ['log'],
          querystring: ConsistencyQuerySchema,
          response: { 200: ConsistencyProofSchema },
        },
      },
      async (request) => {
        if (wantsTlogProof(request)) {
          throw new TrailkeepError('TK_ERR_NOT_ACCEPTABLE', 'C2SP tlog-proof carries inclusion proofs only');
        }
        const proof = await log.consistencyProof(await readTenant(request), request.query.old, request.query.new);
        return toConsistencyJson(proof);
      },
    );

    app.get(
      '/v1/log/integration',
      {
        schema: {
          summary: 'Tree integration in this process: commit-to-integration lag over the last commits, backlog',
          description: 'Installation admin keys only. Lag is in milliseconds over up to the last 100,000 commits.',
          tags: ['log'],
        },
      },
      async (request) => {
        if (!isInstallationAdmin(principalOf(request))) {
          throw new TrailkeepError('TK_ERR_FORBIDDEN', 'only installation admin keys may read integration figures');
        }
        const s = services.integrator.stats();
        return {
          lag_ms: { p50: s.p50, p99: s.p99, max: s.max, samples: s.samples },
          rounds: s.rounds,
          pending_tenants: s.pendingTenants,
        };
      },
    );

    app.get(
      '/v1/log/tile/*',
      {
        schema: {
          summary: 'C2SP tlog-tiles: hash tiles (tile/<L>/<N>[.p/<W>]) and entry bundles (tile/entries/<N>[.p/<W>])',
          tags: ['log'],
          querystring: TenantOnlyQuerySchema,
        },
      },
      async (request, reply) => {
        const { level, index, width } = parseTilePath((request.params as { '*': string })['*']);
        const tenant = await readTenant(request);
        const body =
          level === 'entries'
            ? await log.entryBundle(tenant, index, width)
            : await log.hashTile(tenant, level, index, width);
        return reply.type('application/octet-stream').send(Buffer.from(body));
      },
    );
  };
}
