/**
 * Erasure of a data subject (DESIGN §3): the clear values and salts of their personal fields are
 * deleted; the sealed body keeps the salted commitments, so every leaf, chain link and proof still
 * verifies, and a verifier reports those fields as erased. Pure planning; the store writes.
 */
import { findCommitments, removeAtPointer, type Disclosures, type JsonObject } from '@trailkeep/tlog';
import type { EventBody, StoredEvent } from './event.js';
import { searchText } from './sealing.js';

/** Whose values to erase: events where they are the actor, by actor id or by email. */
export type ErasureSubject = { actorId: string } | { email: string };

/** What changes in one stored event. */
export interface EventErasure {
  /** The disclosures that remain. */
  disclosures: Disclosures;
  /** The event's new full-text row, without the erased values. */
  searchText: string;
  /** True when the indexed ip column must be cleared. */
  clearIp: boolean;
  /** JSON Pointers whose values were erased. */
  erased: string[];
}

/**
 * The erasure of one event whose actor is the subject: every personal value it discloses is about
 * the acting person (their email, name, IP address, user agent), so all of its disclosures go.
 * Returns null when nothing is left to erase.
 */
export function planEventErasure(event: StoredEvent): EventErasure | null {
  const erased = Object.keys(event.disclosures);
  if (erased.length === 0) return null;
  // Full text is rebuilt from the sealed body without any commitment: no erased value survives.
  const body = JSON.parse(event.sealedBody) as JsonObject;
  for (const pointer of findCommitments(body)) removeAtPointer(body, pointer);
  return {
    disclosures: {},
    searchText: searchText(body as unknown as EventBody),
    clearIp: erased.includes('/context/ip'),
    erased,
  };
}
