// The Linux adapters that read files, on fabricated trees: kernel limits under /proc, the
// account list in /etc/passwd.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLinuxKernel, linuxKernelLacks } from '../../../src/platform/linux/kernel.js';
import { createLinuxUsers } from '../../../src/platform/linux/users.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function root(files: Record<string, string>): string {
  const r = fs.mkdtempSync(path.join(os.tmpdir(), 'baomi-root-'));
  dirs.push(r);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(r, rel)), { recursive: true });
    fs.writeFileSync(path.join(r, rel), text);
  }
  return r;
}

describe('Linux kernel limits', () => {
  it('reads the inotify sysctls, and the user namespace limit when lower', () => {
    const k = createLinuxKernel(
      root({
        'proc/sys/fs/inotify/max_queued_events': '32768\n',
        'proc/sys/fs/inotify/max_user_watches': '524288\n',
        'proc/sys/user/max_inotify_watches': '8192\n',
        'proc/sys/kernel/random/boot_id': '6F0C3D1A-2B4E-4C5D-8E9F-0A1B2C3D4E5F\n',
      }),
    );
    expect(k.bootId()).toBe('6f0c3d1a-2b4e-4c5d-8e9f-0a1b2c3d4e5f');
    expect(k.maxQueuedEvents()).toBe(32768);
    expect(k.maxUserWatches()).toBe(8192);
    expect(linuxKernelLacks(k)).toEqual([]);
  });

  it('answers undefined where /proc is missing or says nonsense, and says so', () => {
    const k = createLinuxKernel(
      root({
        'proc/sys/fs/inotify/max_queued_events': 'garbage',
        'proc/sys/kernel/random/boot_id': 'not-a-uuid\n',
      }),
    );
    expect(k.bootId()).toBeUndefined();
    expect(createLinuxKernel(root({})).bootId()).toBeUndefined();
    expect(k.maxQueuedEvents()).toBeUndefined();
    expect(k.maxUserWatches()).toBeUndefined();
    expect(linuxKernelLacks(k)).toHaveLength(1);
  });

  it.runIf(process.platform === 'linux')('reads this machine’s real /proc', () => {
    const k = createLinuxKernel();
    expect(k.maxQueuedEvents()).toBeGreaterThan(0);
    expect(k.maxUserWatches()).toBeGreaterThan(0);
    expect(k.bootId()).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('Linux users', () => {
  it('names uids from passwd, rereads for a new uid at most once a minute', () => {
    const r = root({
      'etc/passwd': 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\n',
    });
    let now = 0;
    const users = createLinuxUsers({ passwd: path.join(r, 'etc/passwd'), now: () => now });
    expect(users.nameOf(1000)).toBe('alice');
    expect(users.nameOf(1001)).toBeUndefined();
    fs.appendFileSync(path.join(r, 'etc/passwd'), '李娜:x:1001:1001::/home/lina:/bin/sh\n');
    now = 30_000;
    expect(users.nameOf(1001)).toBeUndefined(); // too soon to read again
    now = 61_000;
    expect(users.nameOf(1001)).toBe('李娜');
    expect(users.entry('李娜')).toEqual({ name: '李娜', uid: 1001, gid: 1001, home: '/home/lina' });
  });

  it('knows nobody without a passwd file', () => {
    const users = createLinuxUsers({ passwd: '/nonexistent/passwd' });
    expect(users.nameOf(0)).toBeUndefined();
  });
});
