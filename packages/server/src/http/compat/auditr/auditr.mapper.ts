/** Maps seed 000 (auditr) events to and from the canonical event. */
import { isIP } from 'node:net';
import { v7 as uuidv7 } from 'uuid';
import type { AuditEvent, EventBody, EventContext, HttpContext } from '../../../domain/event.js';
import { checkEventBody, EVENT_LIMITS } from '../../../domain/event-rules.js';
import { TrailkeepError } from '../../../domain/errors.js';
import { requestDigest, type EventDraft } from '../../../domain/sealing.js';
import type { Tenant } from '../../../domain/tenancy.js';
import { defined } from '../../native/event.mapper.js';
import type { AuditrEventInput } from './auditr.schemas.js';

/** Optional auditr strings: "" means "not given". */
const given = (text: string | undefined): string | undefined => (text === '' ? undefined : text);

function toContext(input: AuditrEventInput, headerUserAgent: string | undefined): EventContext | undefined {
  const http = defined<HttpContext>({
    method: given(input.request_method),
    path: given(input.request_path),
    status: input.response_status,
  });
  const context = defined<EventContext>({
    ip: given(input.client_ip),
    user_agent: given(input.user_agent) ?? given(headerUserAgent?.slice(0, EVENT_LIMITS.textLength)),
    http: Object.keys(http).length > 0 ? http : undefined,
  });
  return Object.keys(context).length > 0 ? context : undefined;
}

/**
 * The canonical draft of an auditr event. The page has no user-agent field, so auditr can only
 * have parsed the User-Agent header of the request: that is the fallback when the `user_agent`
 * extension field is absent (a backend posting for a browser should send the field).
 */
export function auditrToDraft(input: AuditrEventInput, headerUserAgent?: string): EventDraft {
  const ip = given(input.client_ip);
  if (ip !== undefined && isIP(ip) === 0) {
    throw new TrailkeepError('TK_ERR_VALIDATION', 'client_ip must be an IPv4 or IPv6 address', { field: 'client_ip' });
  }
  const body = defined<EventBody>({
    id: uuidv7(),
    occurred_at: input.occurred_at,
    action: input.action,
    outcome: input.action_result,
    actor: defined({
      type: input.actor_type,
      id: input.actor_id,
      email: given(input.actor_email),
      name: given(input.actor_name),
    }),
    context: toContext(input, headerUserAgent),
  });
  // auditr has no client id, so every request is a new event (no idempotency key).
  return {
    body: checkEventBody(body, { occurredAt: 'occurred_at' }),
    requestDigest: requestDigest(input),
    clientId: false,
  };
}

/** auditr knows success and failure only; Trailkeep's error and unknown are not successes. */
const actionResult = (outcome: AuditEvent['outcome']): 'success' | 'failure' =>
  outcome === 'success' ? 'success' : 'failure';

/**
 * The committed event as auditr answers it: the request fields as stored (occurred_at
 * normalised to milliseconds), plus id, sha256 (the sealed body's digest, DESIGN §3),
 * parent_org_id and the enrichment. Fields without a value are omitted, never null: the page
 * types them as plain strings and numbers.
 */
export function toAuditrEvent(event: AuditEvent, tenant: Tenant): Record<string, unknown> {
  const geo = event.enrichment?.geo;
  const agent = event.enrichment?.user_agent;
  const http = event.context?.http;
  return defined<Record<string, unknown>>({
    id: event.id,
    sha256: event.integrity.sha256,
    parent_org_id: tenant.parentId ?? undefined,
    client_geo_lat: geo?.lat,
    client_geo_lon: geo?.lon,
    client_city: geo?.city,
    client_region_code: geo?.region_code,
    client_subdivision_1_code: geo?.subdivision_1_code,
    user_agent_name: agent?.name,
    user_agent_version: agent?.version,
    org_id: event.tenant_id,
    action: event.action,
    action_result: actionResult(event.outcome),
    actor_id: event.actor.id,
    actor_type: event.actor.type,
    actor_email: event.actor.email,
    actor_name: event.actor.name,
    client_ip: event.context?.ip,
    request_method: http?.method,
    request_path: http?.path,
    response_status: http?.status,
    occurred_at: event.occurred_at,
    user_agent: event.context?.user_agent,
  });
}
