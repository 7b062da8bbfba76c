// Applies an append's typed effects (AppendEffects) inside the event's savepoint. The store's
// own SQL does the writing: modules say what must become true with the event, never how.
import type { SnapshotTable } from './snapshot.js';
import { writePolicy, writeState } from './state.js';
import type { AppendEffects, Db } from './types.js';

export type ApplyEffects = (effects: AppendEffects) => void;

export function effectsApplier(db: Db, snapshot: SnapshotTable, now: () => number): ApplyEffects {
  return (effects) => {
    const s = effects.snapshot;
    if (s?.markRoot !== undefined) snapshot.markRoot(s.markRoot, now());
    if (s?.change !== undefined) snapshot.apply(s.change);
    if (effects.policy !== undefined) writePolicy(db, effects.policy);
    if (effects.state !== undefined) {
      for (const [key, value] of Object.entries(effects.state)) writeState(db, key, value);
    }
  };
}
