// The overview's fold on PostgreSQL (core/console/overview.ts, store/overview-sql.ts): ingest
// appends count deltas; one console process of several (lease `rollup`) folds them into
// event_counts every FOLD_EVERY_MS, so the overview reads a small table. The overview is exact
// between folds too (it reads the deltas as well): the fold only keeps the deltas few.
// SQLite counts in place and needs no fold.
import type { FastifyBaseLogger } from 'fastify';
import type { Deps } from '../server/deps.js';
import { LeaseLoop } from '../server/lease-loop.js';
import type { ConsoleWorker } from '../server/workers.js';

export const FOLD_EVERY_MS = 10_000;

export function overviewWorkers(deps: Deps, log: FastifyBaseLogger): ConsoleWorker[] {
  if (deps.store.engine !== 'postgres') return [];
  return [
    new LeaseLoop({
      store: deps.store,
      holder: deps.instanceId,
      now: deps.now,
      log,
      name: 'rollup',
      everyMs: FOLD_EVERY_MS,
      async step() {
        const folded = await deps.store.foldEventCounts();
        if (folded > 0) log.debug({ worker: 'rollup', folded }, 'event counts folded');
        return false;
      },
    }),
  ];
}
