/**
 * Limits and invariants every canonical event obeys, whatever surface it came through.
 * Surface schemas reuse these limits so a field is never accepted by one path and refused by another.
 */
import { findCommitments } from '@trailkeep/tlog';
import type { EventBody } from './event.js';
import { TrailkeepError } from './errors.js';
import { normalizeTimestamp } from './time.js';

export const EVENT_LIMITS = {
  idLength: 128,
  actionLength: 128,
  shortText: 128,
  categoryLength: 64,
  summaryLength: 1024,
  textLength: 2048,
  errorMessageLength: 4096,
  metadataBytes: 32 * 1024,
  /** Largest number of events in one batch request. */
  batchEvents: 1000,
} as const;

/** Dot notation: segments of letters, digits, `_` and `-`, joined by dots (`document.delete`). */
export const ACTION_PATTERN = '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$';
/** Ids are opaque but printable, so they are safe in URLs and logs. */
export const ID_PATTERN = '^[A-Za-z0-9._:@-]+$';

const utf8Length = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * Checks what a JSON schema cannot: real calendar dates, the serialised size of metadata, and
 * that no client value mimics a sealed commitment.
 * Returns the body with occurred_at normalised; throws TrailkeepError naming the field.
 */
export function checkEventBody(
  body: EventBody,
  fieldNames: { occurredAt: string } = { occurredAt: 'occurred_at' },
): EventBody {
  const occurredAt = normalizeTimestamp(body.occurred_at);
  if (occurredAt === undefined) {
    throw new TrailkeepError('TK_ERR_INVALID_TIMESTAMP', `${fieldNames.occurredAt} must be an RFC 3339 date-time`, {
      field: fieldNames.occurredAt,
    });
  }
  if (body.metadata !== undefined && utf8Length(JSON.stringify(body.metadata)) > EVENT_LIMITS.metadataBytes) {
    throw new TrailkeepError(
      'TK_ERR_METADATA_TOO_LARGE',
      `metadata must be at most ${EVENT_LIMITS.metadataBytes} bytes as JSON`,
      {
        field: 'metadata',
      },
    );
  }
  // `{"_sd": "…"}` is how a sealed personal value looks; a client object of that shape would read
  // back as "erased", so it is refused rather than silently hidden.
  const reserved = findCommitments(body)[0];
  if (reserved !== undefined) {
    const field = reserved.slice(1).split('/').join('.');
    throw new TrailkeepError('TK_ERR_VALIDATION', `${field}: objects whose only member is _sd are reserved`, { field });
  }
  return { ...body, occurred_at: occurredAt };
}
