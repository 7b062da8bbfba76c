// The policy module: keeps the right policy in force (PolicyManager: file drop today, the
// console later through the same judge) and hands each one to every other module.
import type { AgentModule, ModuleContext } from '../module.js';
import { PolicyManager } from '../policy/manager.js';
import { DEMO_TRUST_DIR, loadTrustedKeys } from '../policy/trust.js';

export interface PolicyModule extends AgentModule {
  readonly manager: PolicyManager | null;
}

export function policyModule(): PolicyModule {
  let manager: PolicyManager | null = null;
  return {
    name: 'policy',
    get manager() {
      return manager;
    },
    async start(ctx: ModuleContext) {
      const { config, log, platform } = ctx;
      const trusted = loadTrustedKeys(config.trustDir, log);
      if (config.trustDemo) trusted.push(...loadTrustedKeys(DEMO_TRUST_DIR, log));
      manager = new PolicyManager({
        file: config.policyFile,
        trusted,
        store: ctx.store,
        dataDir: config.dataDir,
        os: platform.os,
        clock: platform.clock,
        log,
        onApplied: (p) => ctx.applyPolicy(p),
      });
      await manager.start();
    },
    async stop() {
      manager?.stop();
      await manager?.idle();
    },
    status() {
      const p = manager?.current;
      const untrusted = manager?.untrusted;
      return {
        policy: p ? { name: p.name, version: p.version } : null,
        // What the tray draws over the screen (null: no watermark).
        watermark: p?.policy.watermark ?? null,
        // Why the file on disk is not in force, when it was refused after this one applied.
        policyRejected: manager?.lastRejection ?? null,
        ...(untrusted
          ? {
              policyProblem: {
                code: 'POLICY_STORED_UNTRUSTED',
                version: untrusted.version,
                reason: untrusted.code,
              },
            }
          : {}),
      };
    },
  };
}
