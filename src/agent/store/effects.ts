// Applies an append's typed effects (AppendEffects) inside the event's savepoint. The store's
// own SQL does the writing: modules say what must become true with the event, never how.
import type { BaomiEvent } from '../../core/events/types.js';
import type { HashQueueTable } from './hash-queue.js';
import type { SnapshotTable } from './snapshot.js';
import { writePolicy, writeState } from './state.js';
import type { AppendEffects, Db } from './types.js';

/** `event`: the event being committed (its seq names pending hash work). */
export type ApplyEffects = (effects: AppendEffects, event: BaomiEvent) => void;

export function effectsApplier(
  db: Db,
  snapshot: SnapshotTable,
  hashQueue: HashQueueTable,
  now: () => number,
): ApplyEffects {
  return (effects, event) => {
    const s = effects.snapshot;
    if (s?.markRoot !== undefined) snapshot.markRoot(s.markRoot, now());
    if (s?.change !== undefined) snapshot.apply(s.change);
    if (effects.hash !== undefined) hashQueue.change(effects.hash, event.seq);
    const h = effects.hashed;
    if (h !== undefined) hashQueue.done(h.root, h.rel, h.ofSeq);
    if (effects.policy !== undefined) writePolicy(db, effects.policy);
    if (effects.state !== undefined) {
      for (const [key, value] of Object.entries(effects.state)) writeState(db, key, value);
    }
  };
}
