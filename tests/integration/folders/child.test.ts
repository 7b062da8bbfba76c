// The compiled layer in a child process, for what needs a real separate process: being
// stopped with SIGSTOP while files are written (inotify queue overflow), and a lowered
// inotify watch limit inside a user namespace. Needs dist/ (npm test builds it first).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/agent.js';
import { type Child, DIST_INDEX, settle, sleep, spawnChild, tmpDir } from './helpers.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

function start(cfg: object, wrap: string[] = []): Child {
  const c = spawnChild(cfg, wrap);
  cleanup.push(async () => {
    try {
      process.kill(c.pid, 'SIGCONT');
    } catch {}
    await c.stop();
  });
  return c;
}

const maxQueued = Number(fs.readFileSync('/proc/sys/fs/inotify/max_queued_events', 'utf8'));
const userns = (() => {
  try {
    execFileSync(
      'unshare',
      ['-U', '-r', 'sh', '-c', 'echo 8 > /proc/sys/user/max_inotify_watches'],
      {
        stdio: 'ignore',
      },
    );
    return true;
  } catch {
    return false;
  }
})();

describe('folder watcher child process', () => {
  beforeAll(() => {
    // Not a skip: a missing build would hide these tests (npm test builds first).
    if (!fs.existsSync(DIST_INDEX)) throw new Error(`${DIST_INDEX} is missing: run npm run build`);
  });

  it.skipIf(maxQueued > 50_000)(
    'loses nothing when stopped (SIGSTOP) while the inotify queue overflows',
    async () => {
      const root = tmpDir('sigstop');
      cleanup.push(() => fs.rmSync(root, { recursive: true, force: true }));
      fs.mkdirSync(path.join(root, 'in'));
      for (let i = 0; i < 100; i++) fs.writeFileSync(path.join(root, `old${i}`), 'o');
      const c = start({ folders: [{ path: root, level: 'AAA' }] });
      await c.ready;
      process.kill(c.pid, 'SIGSTOP');
      // Each new file queues IN_CREATE and IN_MODIFY: this overflows the kernel queue.
      const n = Math.ceil(maxQueued / 2) + 2000;
      for (let i = 0; i < n; i++) fs.writeFileSync(path.join(root, 'in', `f${i}`), `${i}`);
      fs.mkdirSync(path.join(root, 'in', 'late'));
      fs.writeFileSync(path.join(root, 'in', 'late', 'x'), 'x');
      for (let i = 0; i < 100; i += 2) fs.rmSync(path.join(root, `old${i}`));
      process.kill(c.pid, 'SIGCONT');
      expect(await settle(root, () => c.view.flat(), 45_000)).toEqual([]);
      expect(c.view.notices).toContainEqual(expect.objectContaining({ kind: 'overflow' }));
      expect(c.view.notices).toContainEqual(
        expect.objectContaining({
          kind: 'scanCompleted',
          reason: expect.stringMatching(/overflow|stall/),
        }),
      );
      expect(c.view.notices).toContainEqual(
        expect.objectContaining({
          kind: 'overflow',
          reason: 'continued',
        }),
      );
    },
  );

  it('notices a stop at SIGCONT, without waiting for its stall timer, and rescans', async () => {
    const root = tmpDir('cont');
    cleanup.push(() => fs.rmSync(root, { recursive: true, force: true }));
    const c = start({ folders: [{ path: root, level: 'A' }] }); // default tick: 60 s
    await c.ready;
    process.kill(c.pid, 'SIGSTOP');
    for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(root, `s${i}`), 's');
    await sleep(500);
    process.kill(c.pid, 'SIGCONT');
    expect(await settle(root, () => c.view.flat(), 10_000)).toEqual([]);
    await waitFor('the rescan after SIGCONT', () =>
      c.view.notices.some((n) => n.kind === 'scanCompleted' && n.reason === 'stall'),
    );
    expect(c.view.notices).toContainEqual(
      expect.objectContaining({ kind: 'overflow', reason: 'continued' }),
    );
  });

  it('notices a starved event loop by timer drift and rescans', async () => {
    const root = tmpDir('stall');
    cleanup.push(() => fs.rmSync(root, { recursive: true, force: true }));
    const c = start({ folders: [{ path: root, level: 'A' }], stallTickMs: 500, blockMs: 3000 });
    await c.ready;
    process.kill(c.pid, 'SIGUSR2'); // the child busy-waits 3 s: no SIGSTOP, no SIGCONT
    await sleep(200);
    for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(root, `s${i}`), 's');
    expect(await settle(root, () => c.view.flat())).toEqual([]);
    await waitFor('a stall notice', () => c.view.notices.some((n) => n.kind === 'overflow'));
    expect(c.view.notices).toContainEqual(
      expect.objectContaining({ kind: 'overflow', reason: 'stall' }),
    );
    expect(c.view.notices).not.toContainEqual(
      expect.objectContaining({ kind: 'overflow', reason: 'continued' }),
    );
  });

  it.skipIf(!userns)('covers folders beyond a lowered inotify watch limit by scans', async () => {
    const root = tmpDir('limit');
    cleanup.push(() => fs.rmSync(root, { recursive: true, force: true }));
    for (let d = 0; d < 20; d++)
      fs.mkdirSync(path.join(root, `d${d}`, 'deep'), { recursive: true });
    // In a fresh user namespace the per-namespace limit is writable: 8 watches for 41 dirs.
    const wrap = [
      'unshare',
      '-U',
      '-r',
      'sh',
      '-c',
      'echo 8 > /proc/sys/user/max_inotify_watches && exec "$0" "$@"',
    ];
    const c = start({ folders: [{ path: root, level: 'AA' }], degradedScanMs: 500 }, wrap);
    await c.ready;
    const limit = c.view.notices.find((n) => n.kind === 'watchLimit');
    expect(limit).toMatchObject({ sysctl: 'fs.inotify.max_user_watches', unwatched: 41 - 8 });
    for (let d = 0; d < 20; d++) {
      fs.writeFileSync(path.join(root, `d${d}`, 'a'), 'a');
      fs.writeFileSync(path.join(root, `d${d}`, 'deep', 'b'), 'b');
    }
    fs.mkdirSync(path.join(root, 'new', 'er'), { recursive: true });
    fs.writeFileSync(path.join(root, 'new', 'er', 'c'), 'c');
    expect(await settle(root, () => c.view.flat())).toEqual([]);
    expect(c.view.files.size).toBe(41);
  });
});
