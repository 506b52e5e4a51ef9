/**
 * Seed 000 (auditr), `POST /api/events`: every documented request field with its documented
 * requiredness and enums. The page states no lengths; the canonical limits apply
 * (domain/event-rules.ts), so a value is never accepted here and refused by another surface.
 */
import { Type, type Static } from 'typebox';
import { EVENT_LIMITS } from '../../../domain/event-rules.js';

const required = (maxLength: number, description: string) => Type.String({ minLength: 1, maxLength, description });
// Optional strings may be empty: auditr clients send "" for "unknown"; the mapper drops them.
const optional = (maxLength: number, description: string) => Type.Optional(Type.String({ maxLength, description }));

export const AUDITR_ACTION_RESULTS = ['success', 'failure'] as const;
export const AUDITR_ACTOR_TYPES = ['user', 'machine'] as const;

export const AuditrEventInputSchema = Type.Object(
  {
    org_id: required(64, 'Organization ID the event belongs to: a Trailkeep tenant id'),
    action: required(EVENT_LIMITS.actionLength, 'Action used to categorize the event'),
    action_result: Type.Enum([...AUDITR_ACTION_RESULTS], { description: 'The result of the action' }),
    actor_id: required(EVENT_LIMITS.shortText, 'Unique identifier of the actor'),
    actor_type: Type.Enum([...AUDITR_ACTOR_TYPES], { description: 'Type of actor' }),
    occurred_at: Type.String({ maxLength: 64, description: 'Time the event occurred in ISO format (RFC 3339)' }),
    actor_email: optional(320, "Actor's email"),
    actor_name: optional(256, 'Name of the actor'),
    client_ip: optional(64, 'IP where the action originated (IPv4/IPv6)'),
    request_method: optional(16, 'Request method'),
    request_path: optional(EVENT_LIMITS.textLength, 'Request path'),
    response_status: Type.Optional(Type.Integer({ minimum: 100, maximum: 599, description: 'Response status' })),
    user_agent: optional(
      EVENT_LIMITS.textLength,
      'Trailkeep extension: the User-Agent of the client, parsed into user_agent_name and user_agent_version',
    ),
  },
  { additionalProperties: false },
);
export type AuditrEventInput = Static<typeof AuditrEventInputSchema>;
