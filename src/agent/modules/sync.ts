// Sync to the central console. Sending is not built yet; what exists is the part `status`
// needs: whether the policy in force names a console at all. Without one, events stay on
// this computer by design and "waiting to sync" would be a count that only ever grows.
import type { AgentModule } from '../module.js';

export function syncModule(): AgentModule {
  let consoleUrl: string | null = null;
  return {
    name: 'sync',
    start() {},
    apply(p) {
      consoleUrl = p.policy.sync?.console ?? null;
    },
    stop() {},
    /** `console`: the policy's sync.console, null when it names none (events stay local). */
    status: () => ({ sync: { console: consoleUrl } }),
  };
}
