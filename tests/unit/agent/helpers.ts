// Shared by the unit tests of the agent's modules: a module context over a real store and the
// fake platform, a policy in force from YAML, and a bounded wait for an outcome.
import { createLogger } from '../../../src/agent/log.js';
import type { ModuleContext } from '../../../src/agent/module.js';
import type { InForce } from '../../../src/agent/policy/manager.js';
import type { EventStore } from '../../../src/agent/store/index.js';
import { tryResolveFolders } from '../../../src/core/policy/folders.js';
import { parsePolicyText } from '../../../src/core/policy/parse.js';
import type { Platform } from '../../../src/core/ports/index.js';

/** A module context with nothing but the store and the platform (no seat user, no notices). */
export function moduleContext(store: EventStore, platform: Platform): ModuleContext {
  return {
    store,
    platform,
    log: createLogger(null),
    seatUser: () => null,
    seat: () => null,
    sessionLocked: () => null,
    notice: () => {},
    applyPolicy: () => {},
    statusSlices: () => ({}),
  } as unknown as ModuleContext;
}

/** A policy in force: the required keys, then `extra` (YAML at the top level). */
export function policyInForce(extra: string): InForce {
  const text = `version: 3\nname: t\nissued: 2026-01-01T00:00:00Z\nexpires: 2099-01-01T00:00:00Z\n${extra}`;
  const parsed = parsePolicyText(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const resolved = tryResolveFolders(parsed.policy, { os: 'linux', dataDir: '/var/lib/baomi' });
  if (!resolved.ok) throw new Error(JSON.stringify(resolved.issue));
  return { policy: parsed.policy, folders: resolved.folders, name: 't', version: 3, sha256: 'x' };
}

/** Waits (bounded) until `f` returns something truthy, and returns it. */
export async function until<T>(
  what: string,
  f: () => T | undefined | false,
  ms = 5000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
