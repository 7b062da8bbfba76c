// The SIEM sinks of the configuration file (`siem:`), each a forwarder (forwarder.ts) run by
// a LeaseLoop under the lease `siem:<name>`: in one console process of several at a time,
// every POLL_MS when there is nothing to send, at once again while there is.
import { readFileSync } from 'node:fs';
import type { FastifyBaseLogger } from 'fastify';
import { BaomiError } from '../../core/errors.js';
import type { Deps } from '../server/deps.js';
import { LeaseLoop } from '../server/lease-loop.js';
import type { ConsoleWorker } from '../server/worker.js';
import { SiemForwarder } from './forwarder.js';
import { parseCollector } from './transport.js';

export const POLL_MS = 1000;

export function siemWorkers(deps: Deps, log: FastifyBaseLogger): ConsoleWorker[] {
  return deps.config.siem.map((sink) => {
    let ca: string | undefined;
    if (sink.ca !== undefined) {
      try {
        ca = readFileSync(sink.ca, 'utf8');
      } catch (e) {
        // The loader checked it readable; gone since: the console does not start without it.
        throw new BaomiError(
          'CONSOLE_CONFIG_INVALID',
          { file: sink.ca, problems: `siem ${sink.name}: ca: ${(e as Error).message}` },
          2,
        );
      }
    }
    const forwarder = new SiemForwarder({
      sink,
      collector: parseCollector(sink.url, ca),
      store: deps.store,
      now: deps.now,
      log,
    });
    return new LeaseLoop({
      name: `siem:${sink.name}`,
      store: deps.store,
      holder: deps.instanceId,
      now: deps.now,
      everyMs: POLL_MS,
      log,
      step: () => forwarder.step(),
    });
  });
}
