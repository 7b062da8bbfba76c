// Issue 8 item 5: `--data-dir` on a copy of a data dir is evidence. Nothing in the folder
// changes (no -wal/-shm created, no checkpoint), it works on a read-only mount and as a user
// who cannot write the copy, and events still in the copied -wal count.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/agent/store/index.js';
import { BIN } from '../../helpers/agent.js';
import { fileEvent, sha256File, tmpDirs } from '../store/helpers.js';

const tmp = tmpDirs();
afterEach(() => tmp.cleanup());

/** A data dir copied while its agent was running: 40 events, all still in the -wal. */
async function evidence(): Promise<{ dir: string; fingerprint: () => string }> {
  const live = tmp.make();
  const store = openStore({ dataDir: live, host: 'ws-17', batchWindowMs: 1 });
  for (let i = 0; i < 40; i++) await store.append(fileEvent(`/finance/${i}.xlsx`));
  const dir = join(live, '..', 'evidence');
  mkdirSync(dir);
  // cp of the db and its -wal only (a copy made with the agent running; no -shm)
  copyFileSync(join(live, 'baomi.db'), join(dir, 'baomi.db'));
  copyFileSync(join(live, 'baomi.db-wal'), join(dir, 'baomi.db-wal'));
  store.close();
  const fingerprint = () =>
    readdirSync(dir)
      .sort()
      .map((f) => `${f}:${sha256File(join(dir, f))}`)
      .join('\n');
  return { dir, fingerprint };
}

function cli(args: string[], wrap: string[] = [], env: Record<string, string> = {}) {
  const [cmd, ...rest] = [...wrap, process.execPath, BIN, ...args];
  return spawnSync(cmd as string, rest, {
    encoding: 'utf8',
    env: { ...process.env, LANG: 'C', ...env },
  });
}

describe('evidence (--data-dir on a copy)', () => {
  it('lists, counts and verifies every event, the -wal ones included, and changes nothing', async () => {
    const { dir, fingerprint } = await evidence();
    const before = fingerprint();
    const ev = cli(['events', '--data-dir', dir, '--json']);
    expect(ev.status, ev.stderr).toBe(0);
    expect(ev.stdout.trim().split('\n')).toHaveLength(40);
    const st = cli(['status', '--data-dir', dir, '--json']);
    expect(JSON.parse(st.stdout).events.stored).toBe(40);
    const v = cli(['verify', '--data-dir', dir]);
    expect(v.status, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/40 events checked/);
    expect(fingerprint()).toBe(before);
    expect(existsSync(join(dir, 'baomi.db-shm'))).toBe(false);
  });

  const root = process.getuid?.() === 0;
  const has = (cmd: string) => spawnSync(cmd, ['--version']).status === 0;

  it.runIf(root && has('setpriv'))(
    'works as a user who cannot write the copy (as nobody)',
    async () => {
      const { dir, fingerprint } = await evidence();
      chmodSync(join(dir, '..', '..'), 0o755);
      chmodSync(join(dir, '..'), 0o755);
      chmodSync(dir, 0o755);
      for (const f of readdirSync(dir)) chmodSync(join(dir, f), 0o644);
      const before = fingerprint();
      const nobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
      // nobody's own temporary folder (this machine's /tmp may not be open to everyone)
      const own = join(dir, '..', 'nobody-tmp');
      mkdirSync(own, { mode: 0o700 });
      chownSync(own, 65534, 65534);
      const ev = cli(['events', '--data-dir', dir, '--json'], nobody, { TMPDIR: own });
      expect(ev.stderr).toBe('');
      expect(ev.stdout.trim().split('\n')).toHaveLength(40);
      expect(fingerprint()).toBe(before);
    },
  );

  it.runIf(root && has('unshare'))('works on a read-only bind mount', async () => {
    const { dir, fingerprint } = await evidence();
    const before = fingerprint();
    const mnt = join(dir, '..', 'mnt');
    mkdirSync(mnt);
    // A private mount namespace: the read-only bind mount vanishes with the command.
    const script = `mount --bind "${dir}" "${mnt}" && mount -o remount,bind,ro "${mnt}" && exec "$0" "$@"`;
    const ev = cli(['events', '--data-dir', mnt, '--json'], ['unshare', '-m', 'sh', '-c', script]);
    expect(ev.stderr).toBe('');
    expect(ev.stdout.trim().split('\n')).toHaveLength(40);
    expect(fingerprint()).toBe(before);
  });
});
