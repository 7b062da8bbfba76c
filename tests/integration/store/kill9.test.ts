// Durability: every seq a child reported (after its append promise resolved) survives SIGKILL.
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, verifyStore } from '../../../src/agent/store/index.js';
import { distTool, tmpDirs } from './helpers.js';

const tmp = tmpDirs();
afterEach(() => tmp.cleanup());

describe('kill -9 mid-burst', () => {
  it('keeps every reported event and an intact chain', async () => {
    const burst = distTool('burst');
    const dir = tmp.make();
    const child = spawn(process.execPath, [burst, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_c, s) => resolve(s)),
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        // Kill well into the burst, with appends certainly in flight.
        if (out.split('\n').length > 3000) resolve();
      });
      child.on('exit', () => reject(new Error(`burst exited early: ${err}`)));
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const printed = out
      .split('\n')
      .filter((l) => /^\d+$/.test(l))
      .map(Number);
    expect(printed.length).toBeGreaterThan(3000);
    const store = openStore({ dataDir: dir, host: 'h', readOnly: true });
    const stored = new Set(store.query().map((e) => e.seq));
    store.close();
    const lost = printed.filter((s) => !stored.has(s));
    expect(lost).toEqual([]);
    expect(verifyStore(dir)).toMatchObject({ ok: true, firstSeq: 1 });
  });
});
