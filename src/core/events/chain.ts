// The hash chain: each event's `hash` is SHA-256 over the RFC 8785 (JCS) canonical JSON of
// every field but `hash`. SECURITY: changing what is hashed breaks every stored chain and
// every console's copy; add fields only through the event itself, never here.
import { createHash } from 'node:crypto';
import { jcs } from './jcs.js';
import type { BaomiEvent } from './types.js';

export function canonicalJson(value: unknown): string {
  return jcs(value);
}

export function eventHash(event: Omit<BaomiEvent, 'hash'> | BaomiEvent): string {
  // jcs leaves out undefined members, so a stored event is hashed without its `hash` by
  // masking it, not by copying the rest (this runs once per event on the write path).
  const canonical = 'hash' in event ? jcs({ ...event, hash: undefined }) : jcs(event);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

export type ChainBreak =
  | { kind: 'hash'; seq: number }
  | { kind: 'link'; seq: number; expectedPrev: string; actualPrev: string }
  | { kind: 'gap'; seq: number; expectedSeq: number };

/**
 * Checks one step of the chain: `prev` is the last verified event (or the anchor left by
 * pruning), `event` the next one read. Returns null when the link holds.
 */
export function checkLink(
  prev: { seq: number; hash: string },
  event: BaomiEvent,
): ChainBreak | null {
  if (event.seq !== prev.seq + 1) return { kind: 'gap', seq: event.seq, expectedSeq: prev.seq + 1 };
  if (event.prevHash !== prev.hash)
    return { kind: 'link', seq: event.seq, expectedPrev: prev.hash, actualPrev: event.prevHash };
  if (eventHash(event) !== event.hash) return { kind: 'hash', seq: event.seq };
  return null;
}
