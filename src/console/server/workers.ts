// Background work of a console process beside its routes (issue 12): SIEM forwarders, the
// notifier, retention. Each is a ConsoleWorker, started when the server is ready and stopped
// (awaited) when it closes. Work that only one process of several on one database may do
// runs under a lease (lease-loop.ts): the others wait and take over when the holder dies.
//
// buildWorkers is the table of contents: one line per kind of worker, built from the
// configuration file (core/console/config).
import type { FastifyBaseLogger } from 'fastify';
import { notifyWorkers } from '../notify/worker.js';
import { retentionWorkers } from '../retention/worker.js';
import type { Deps } from './deps.js';

export interface ConsoleWorker {
  /** For logs: `siem:soc`, `notify`, `retention`. */
  readonly name: string;
  start(): void;
  /** Resolves when the worker's current step has finished; nothing runs after it. */
  stop(): Promise<void>;
}

export function buildWorkers(deps: Deps, log: FastifyBaseLogger): ConsoleWorker[] {
  return [
    ...notifyWorkers(deps, log), // alert notifications: lease `notify` (src/console/notify)
    ...retentionWorkers(deps, log), // partitions and retention: leases `partitions`, `retention`
  ];
}
