// Early warning (预报): the policy's alert rules watch every committed event and raise
// `alert.raised` into the same log. A new policy replaces the rules (and their windows).
import { compileAlertRules, createAlertEngine } from '../../core/alerts/index.js';
import type { AgentModule } from '../module.js';

export function alertsModule(): AgentModule {
  let engine = createAlertEngine([]);
  let rules = 0;
  let unsubscribe: (() => void) | null = null;
  return {
    name: 'alerts',
    start(ctx) {
      const { store, platform } = ctx;
      unsubscribe = store.onCommitted((events) => {
        const t = platform.clock.now();
        for (const e of events) {
          // A hash completes an event already counted; it is not more activity.
          if (e.type === 'file.hashed') continue;
          for (const alert of engine.observe(e, t)) store.append(alert).catch(() => {});
        }
      });
    },
    apply(p) {
      engine = createAlertEngine(compileAlertRules(p.policy.alerts));
      rules = p.policy.alerts.length;
    },
    stop() {
      unsubscribe?.();
      unsubscribe = null;
    },
    status: () => ({ alerts: { rules } }),
  };
}
