// The module runner: the order things start and stop in, and what a failed start leaves.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/agent/log.js';
import type { AgentModule, ModuleContext } from '../../../src/agent/module.js';
import { moduleSet } from '../../../src/agent/modules.js';
import type { InForce } from '../../../src/agent/policy/manager.js';

const log = createLogger(null);
const base = {} as Omit<ModuleContext, 'applyPolicy'>;
const policy = (version: number) => ({ version, name: `v${version}` }) as unknown as InForce;

function recorder() {
  const calls: string[] = [];
  const mod = (name: string, extra: Partial<AgentModule> = {}): AgentModule => ({
    name,
    start: () => void calls.push(`start ${name}`),
    stop: () => void calls.push(`stop ${name}`),
    apply: (p) => void calls.push(`apply ${name} ${p.version}`),
    ...extra,
  });
  return { calls, mod };
}

describe('moduleSet', () => {
  it('starts in order, stops in reverse, once', async () => {
    const { calls, mod } = recorder();
    const set = moduleSet([mod('a'), mod('b'), mod('c')], log);
    await set.start(base);
    await Promise.all([set.stop(), set.stop()]);
    expect(calls).toEqual(['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
  });

  it('a failed start stops the failing module and those started before it, in reverse, and rethrows', async () => {
    const { calls, mod } = recorder();
    const boom = new Error('no inotify');
    const set = moduleSet(
      [
        mod('a'),
        mod('b', {
          start: () => {
            calls.push('start b');
            throw boom;
          },
        }),
        mod('c'),
      ],
      log,
    );
    await expect(set.start(base)).rejects.toBe(boom);
    expect(calls).toEqual(['start a', 'start b', 'stop b', 'stop a']);
    await set.stop(); // the same path: nothing stopped twice
    expect(calls.filter((c) => c.startsWith('stop'))).toEqual(['stop b', 'stop a']);
  });

  it('fans a policy out to started modules and catches up those started later', async () => {
    const { calls, mod } = recorder();
    const set = moduleSet(
      [
        mod('seat'),
        mod('policy', {
          start: (ctx) => {
            calls.push('start policy');
            ctx.applyPolicy(policy(3));
          },
          apply: undefined,
        }),
        mod('folders'),
      ],
      log,
    );
    await set.start(base);
    expect(calls).toEqual([
      'start seat',
      'start policy',
      'apply seat 3',
      'start folders',
      'apply folders 3',
    ]);
    expect(set.inForce?.version).toBe(3);
  });

  it('one module that throws in apply does not keep the policy from the others', async () => {
    const { calls, mod } = recorder();
    let ctx: ModuleContext | undefined;
    const set = moduleSet(
      [
        mod('bad', {
          apply: () => {
            throw new Error('x');
          },
        }),
        mod('good', {
          start: (c) => {
            ctx = c;
          },
        }),
      ],
      log,
    );
    await set.start(base);
    ctx?.applyPolicy(policy(7));
    expect(calls).toContain('apply good 7');
  });

  it('assembles status from the slices of started modules and dispatches requests to their module', async () => {
    const { mod } = recorder();
    const set = moduleSet(
      [
        mod('a', { status: () => ({ folders: 2 }), requests: { verify: () => 'verified' } }),
        mod('b', { status: () => ({ seatUser: null }) }),
      ],
      log,
    );
    expect(set.handler('verify')).toBeDefined();
    expect(set.status()).toEqual({}); // nothing started yet says nothing
    await set.start(base);
    expect(set.status()).toEqual({ folders: 2, seatUser: null });
    expect(await set.handler('verify')?.({ id: 1, type: 'verify' }, { socket: 'admin' })).toBe(
      'verified',
    );
    expect(set.handler('events.query')).toBeUndefined();
  });

  it('refuses two modules serving the same request', () => {
    const { mod } = recorder();
    expect(() =>
      moduleSet(
        [mod('a', { requests: { verify: () => 1 } }), mod('b', { requests: { verify: () => 2 } })],
        log,
      ),
    ).toThrow(expect.objectContaining({ code: 'AGENT_MODULE_CONFLICT' }));
  });

  it('starts nothing more once stopped during start (a signal while starting)', async () => {
    const { calls, mod } = recorder();
    let set: ReturnType<typeof moduleSet> | undefined;
    set = moduleSet(
      [
        mod('a', {
          start: () => {
            calls.push('start a');
            void set?.stop();
          },
        }),
        mod('b'),
      ],
      log,
    );
    await set.start(base);
    await set.stop();
    expect(calls).toEqual(['start a', 'stop a']);
  });
});
