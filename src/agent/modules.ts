// Runs the agent's modules through their contract (module.ts): start in order, stop in
// reverse (also after a failed start, through the same path), the policy in force fanned out
// to every started module (one started later gets it at once), socket requests dispatched to
// the one module that serves each type, and `status` assembled from the modules' slices.
import { BaomiError } from '../core/errors.js';
import type { RequestType } from '../core/protocol/messages.js';
import type { Logger } from './log.js';
import type { AgentModule, ModuleContext, RequestHandler } from './module.js';
import type { InForce } from './policy/manager.js';

export interface ModuleSet {
  /** Starts each module in order; on a failure stops those started (reverse) and rethrows. */
  start(ctx: Omit<ModuleContext, 'applyPolicy' | 'statusSlices'>): Promise<void>;
  /** Stops the started modules in reverse order; errors are logged, never stop the rest. */
  stop(): Promise<void>;
  /** The policy in force, as last applied (null before any). */
  readonly inForce: InForce | null;
  /** The module that serves a request type, if any started module does. */
  handler(type: RequestType): RequestHandler | undefined;
  /** Every started module's status slice, merged in start order. */
  status(): Record<string, unknown>;
  /** Every started module's refresh(), at once; failures are logged, never thrown. */
  refresh(): Promise<void>;
}

export function moduleSet(modules: readonly AgentModule[], log: Logger): ModuleSet {
  const handlers = new Map<RequestType, RequestHandler>();
  for (const m of modules) {
    for (const [type, h] of Object.entries(m.requests ?? {}) as [RequestType, RequestHandler][]) {
      // Each request type is served by exactly one module: two would be a wiring bug.
      if (handlers.has(type))
        throw new BaomiError('AGENT_MODULE_CONFLICT', { type, module: m.name }, 1);
      handlers.set(type, h);
    }
  }
  const started: AgentModule[] = [];
  let inForce: InForce | null = null;
  let stopping: Promise<void> | null = null;

  const applyTo = (m: AgentModule, p: InForce) => {
    try {
      m.apply?.(p);
    } catch (e) {
      // A module that cannot take a policy keeps the last one it had; it says so itself.
      log.error({ module: m.name, err: String(e) }, 'cannot apply the policy');
    }
  };

  const status = () => {
    const out: Record<string, unknown> = {};
    for (const m of started) Object.assign(out, m.status?.());
    return out;
  };

  let stopRequested = false;
  let starting: Promise<void> = Promise.resolve();
  const stop = () => {
    stopRequested = true;
    stopping ??= (async () => {
      // A start in progress finishes the module it is in first, so that one is stopped too.
      await starting.catch(() => {});
      while (started.length > 0) {
        const m = started.pop() as AgentModule;
        try {
          await m.stop();
        } catch (e) {
          log.error({ module: m.name, err: String(e) }, 'stop failed');
        }
      }
    })();
    return stopping;
  };

  return {
    get inForce() {
      return inForce;
    },
    start(base) {
      const ctx: ModuleContext = {
        ...base,
        applyPolicy(p) {
          inForce = p;
          for (const m of started) applyTo(m, p);
        },
        statusSlices: status,
      };
      const run = async () => {
        await null; // so that `starting` is set before any module runs (a stop waits for it)
        for (const m of modules) {
          if (stopRequested) return; // stopped while starting (a signal): start nothing more
          try {
            await m.start(ctx);
          } catch (e) {
            log.error({ module: m.name, err: String(e) }, 'start failed');
            // The module that failed cleans up after itself as far as it got.
            try {
              await m.stop();
            } catch {
              // already reported as a start failure
            }
            throw e;
          }
          started.push(m);
          if (inForce && m.apply) applyTo(m, inForce);
        }
      };
      starting = run();
      return starting.catch(async (e) => {
        await stop();
        throw e;
      });
    },
    stop,
    handler: (type) => handlers.get(type),
    status,
    async refresh() {
      await Promise.all(
        started.map((m) =>
          m
            .refresh?.()
            .catch((e) => log.warn({ module: m.name, err: String(e) }, 'refresh failed')),
        ),
      );
    },
  };
}
