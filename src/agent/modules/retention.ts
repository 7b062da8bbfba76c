// Retention (DESIGN.md): whole prefixes only, by age and by size, when a policy is applied
// and then daily. The store records what it removed (`store.pruned`) in the chain itself.
import type { Policy } from '../../core/policy/types.js';
import type { Timer } from '../../core/ports/clock.js';
import type { AgentModule, ModuleContext } from '../module.js';

const DAY_MS = 86_400_000;

export function retentionModule(): AgentModule {
  let ctx: ModuleContext | null = null;
  let timer: Timer | null = null;
  let last: { at: number; throughSeq: number; count: number } | null = null;

  const run = (policy: Policy) => {
    if (!ctx) return;
    const { store, log, platform } = ctx;
    try {
      const r = store.prune({
        days: policy.retention.days,
        maxSizeBytes: policy.retention.maxSize,
        consoleConfigured: Boolean(policy.sync?.console),
        now: platform.clock.now(),
      });
      if (r) {
        last = { at: platform.clock.now(), throughSeq: r.throughSeq, count: r.count };
        log.info({ module: 'retention', throughSeq: r.throughSeq, count: r.count }, 'pruned');
      }
    } catch (e) {
      log.error({ module: 'retention', err: String(e) }, 'retention failed');
    }
  };

  return {
    name: 'retention',
    start(c) {
      ctx = c;
    },
    apply(p) {
      timer?.cancel();
      run(p.policy);
      timer = ctx?.platform.clock.every(DAY_MS, () => run(p.policy)) ?? null;
    },
    stop() {
      timer?.cancel();
      timer = null;
      ctx = null;
    },
    status: () => (last ? { retention: { lastPruned: last } } : {}),
  };
}
