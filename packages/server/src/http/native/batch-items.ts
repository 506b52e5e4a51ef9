/**
 * The per-item work of POST /v1/events/batch: validate a native item, map it to a draft, enrich
 * and seal it. Each item stands on its own, so one bad item does not sink the others. This is most
 * of a batch's CPU, so the server runs it on worker threads (batch-items.worker.ts); outcomes are
 * plain data for that reason. A sealed item comes with its answer's text instead of its clear body
 * (native-event-json.ts): strings cross to the event loop for a fraction of what objects cost.
 */
import { isTrailkeepError, TrailkeepError, type ErrorCode } from '../../domain/errors.js';
import type { SealedEvent } from '../../domain/event.js';
import type { DraftSealer } from '../../ingest/ingest-service.js';
import { compileBodyValidator, errorDetail, errorField } from '../validation.js';
import { toEventDraft } from './event.mapper.js';
import { nativeEventText, type NativeEventText } from './native-event-json.js';
import { EventInputSchema, type EventInput } from './events.schemas.js';

export type BatchItemOutcome =
  | { sealed: SealedEvent; text: NativeEventText }
  | {
      error: { code: ErrorCode; message: string; field: string };
      /** A bug rather than bad input: what the server log should record. */
      bug?: string;
    };

const validateItem = compileBodyValidator<EventInput>(EventInputSchema);

/** An item's error, its field named from the batch (`events.3.metadata`). */
function failure(error: TrailkeepError, index: number, bug?: string): BatchItemOutcome {
  const field = error.field === undefined ? `events.${index}` : `events.${index}.${error.field}`;
  return { error: { code: error.code, message: error.message, field }, ...(bug === undefined ? {} : { bug }) };
}

function prepareItem(item: unknown, index: number, now: Date, seal: DraftSealer): BatchItemOutcome {
  if (!validateItem(item)) {
    const first = validateItem.errors![0]!;
    const field = errorField(first, `events.${index}`)!;
    return { error: { code: 'TK_ERR_VALIDATION', message: errorDetail(first, field), field } };
  }
  try {
    const { clearBody, commitments, ...sealed } = seal(toEventDraft(item, now));
    return { sealed, text: nativeEventText(clearBody, sealed, commitments) };
  } catch (error) {
    if (isTrailkeepError(error)) return failure(error, index);
    // Anything else is a bug: it fails only its own item, so the valid items are stored all the same.
    const internal = new TrailkeepError('TK_ERR_INTERNAL', 'internal error; see the server log for this request id');
    return failure(internal, index, error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
}

export function prepareBatchItems(items: readonly unknown[], now: Date, seal: DraftSealer): BatchItemOutcome[] {
  return items.map((item, i) => prepareItem(item, i, now, seal));
}
