// Background work of a console process beside its routes (issue 12): SIEM forwarders, the
// notifier, retention, the overview's fold. Each is a ConsoleWorker, started when the server
// is ready and stopped (awaited) when it closes. Work that only one process of several on one
// database may do runs under a lease (lease-loop.ts): the others wait and take over when the
// holder dies.
//
// buildWorkers is the table of contents: one line per kind of worker, built from the
// configuration file (core/console/config).
import type { FastifyBaseLogger } from 'fastify';
import { notifyWorkers } from '../notify/worker.js';
import { overviewWorkers } from '../overview/worker.js';
import { retentionWorkers } from '../retention/worker.js';
import { siemWorkers } from '../siem/index.js';
import type { Deps } from './deps.js';
import type { ConsoleWorker } from './worker.js';

export type { ConsoleWorker } from './worker.js';

export function buildWorkers(deps: Deps, log: FastifyBaseLogger): ConsoleWorker[] {
  return [
    ...notifyWorkers(deps, log), // alert notifications: lease `notify` (src/console/notify)
    ...retentionWorkers(deps, log), // partitions and retention: leases `partitions`, `retention`
    ...siemWorkers(deps, log), // SIEM export: lease `siem:<name>` per sink (src/console/siem)
    ...overviewWorkers(deps, log), // PostgreSQL: count deltas folded: lease `rollup`
  ];
}
