// Retention (DESIGN.md): whole prefixes only, by age and by size, at start and then daily.
// The store records what it removed (`store.pruned`) in the chain itself.
import type { Policy } from '../core/policy/types.js';
import type { Logger } from './log.js';
import type { EventStore } from './store/index.js';

const DAY_MS = 86_400_000;

export function startRetention(
  store: EventStore,
  policy: Policy,
  now: () => number,
  log: Logger,
): { stop(): void } {
  const run = () => {
    try {
      const r = store.prune({
        days: policy.retention.days,
        maxSizeBytes: policy.retention.maxSize,
        consoleConfigured: Boolean(policy.sync?.console),
        now: now(),
      });
      if (r) log.info({ module: 'retention', throughSeq: r.throughSeq, count: r.count }, 'pruned');
    } catch (e) {
      log.error({ module: 'retention', err: String(e) }, 'retention failed');
    }
  };
  run();
  const timer = setInterval(run, DAY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
