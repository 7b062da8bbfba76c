// The notifier as a console worker (server/workers.ts): none without a channel; else one
// LeaseLoop on the lease `notify`, so of several console processes on one database exactly
// one plans and sends at a time, and another takes over when it stops or dies.
import type { FastifyBaseLogger } from 'fastify';
import type { Deps } from '../server/deps.js';
import { LeaseLoop } from '../server/lease-loop.js';
import { Notifier } from './notifier.js';
import { checkSecrets } from './secrets.js';

export function notifyWorkers(deps: Deps, log: FastifyBaseLogger): LeaseLoop[] {
  const config = deps.config.notify;
  if (config.channels.length === 0) return [];
  checkSecrets(config.channels);
  const notifier = new Notifier({
    store: deps.store,
    config,
    holder: deps.instanceId,
    now: deps.now,
    log,
  });
  log.info(
    {
      worker: 'notify',
      channels: config.channels.map((c) => `${c.name} (${c.kind})`),
      rules: (config.rules ?? []).map((r) => r.name),
    },
    'alert notifications on',
  );
  return [
    new LeaseLoop({
      name: 'notify',
      store: deps.store,
      holder: deps.instanceId,
      now: deps.now,
      everyMs: config.every,
      log,
      step: () => notifier.step(),
    }),
  ];
}
