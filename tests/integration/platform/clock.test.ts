// The real clock: timers fire, repeat and cancel, and never keep a process alive on their
// own (an agent that is told to stop must not wait out a one-minute poll).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeClock } from '../../../src/platform/node/clock.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');

describe('the node clock', () => {
  it('fires after, repeats every, and cancels', async () => {
    const t0 = nodeClock.now();
    expect(Math.abs(t0 - Date.now())).toBeLessThan(50);
    const log: string[] = [];
    nodeClock.after(30, () => log.push('after'));
    const never = nodeClock.after(40, () => log.push('never'));
    never.cancel();
    const every = nodeClock.every(10, () => log.push('tick'));
    await new Promise((r) => setTimeout(r, 120));
    every.cancel();
    const ticks = log.filter((l) => l === 'tick').length;
    expect(log).toContain('after');
    expect(log).not.toContain('never');
    expect(ticks).toBeGreaterThanOrEqual(3);
    await new Promise((r) => setTimeout(r, 50));
    expect(log.filter((l) => l === 'tick').length).toBe(ticks);
  });

  it('does not keep a process alive', () => {
    const script = `
      import { nodeClock } from ${JSON.stringify(path.join(ROOT, 'dist/platform/node/clock.js'))};
      nodeClock.after(60_000, () => console.log('late'));
      nodeClock.every(60_000, () => console.log('late'));
    `;
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    expect(Date.now() - t0).toBeLessThan(15_000);
  });
});
