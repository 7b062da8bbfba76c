// Retention and event partitions in the background (issue 12 §2, §6), each run by one console
// process of several on a database (lease-loop.ts):
// - `partitions` (PostgreSQL only): at start and every hour, the partitions of the current
//   period and the next two (retention.partition: day or month) are created if missing, so
//   events land in a partition that retention can later drop whole; what arrives outside them
//   waits in the DEFAULT partition and moves when its partition is made;
// - `retention`: at start and every retention.every, the events past their type's age go
//   (store applyRetention: partitions dropped, the rest in bounded deletes), the run recorded
//   in the audit trail; a run stopped at its bound runs again at once.
import type { FastifyBaseLogger } from 'fastify';
import type { Deps } from '../server/deps.js';
import { LeaseLoop } from '../server/lease-loop.js';
import type { ConsoleWorker } from '../server/workers.js';

/** How often the partitions ahead are checked (three periods ahead: a day's at the least). */
export const PARTITIONS_EVERY_MS = 3_600_000;

export function retentionWorkers(deps: Deps, log: FastifyBaseLogger): ConsoleWorker[] {
  const r = deps.config.retention;
  const common = { store: deps.store, holder: deps.instanceId, now: deps.now, log };
  const workers: ConsoleWorker[] = [];
  if (deps.store.engine === 'postgres')
    workers.push(
      new LeaseLoop({
        ...common,
        name: 'partitions',
        everyMs: PARTITIONS_EVERY_MS,
        async step() {
          const created = await deps.store.ensurePartitions(r.partition, deps.now());
          if (created.length > 0)
            log.info({ worker: 'partitions', created }, 'event partitions created');
          return false;
        },
      }),
    );
  // Nothing configured, nothing to remove: no retention worker (events are kept).
  if (r.default === undefined && Object.keys(r.types).length === 0) return workers;
  workers.push(
    new LeaseLoop({
      ...common,
      name: 'retention',
      everyMs: r.every,
      async step() {
        const run = await deps.store.applyRetention(r, deps.now());
        if (run.audit)
          log.info(
            {
              worker: 'retention',
              partitionsDropped: run.partitionsDropped,
              deleted: run.deleted,
              auditSeq: run.audit.seq,
            },
            'retention applied',
          );
        return run.more;
      },
    }),
  );
  return workers;
}
