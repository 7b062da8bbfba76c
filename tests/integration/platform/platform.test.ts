// The picker on this machine and on fabricated roots: the right adapters for the OS, and
// `lacks` saying, one line each, what is missing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPlatform, onPath } from '../../../src/platform/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('createPlatform', () => {
  it.runIf(process.platform === 'linux')(
    'on Linux: node adapters, and what this machine lacks',
    async () => {
      const p = createPlatform();
      expect(p.os).toBe('linux');
      expect(p.users.nameOf(0)).toBe('root');
      expect(p.kernel.maxQueuedEvents()).toBeGreaterThan(0);
      expect(typeof p.clock.now()).toBe('number');
      // Whatever is missing here is said, and nothing is said twice.
      expect(new Set(p.lacks).size).toBe(p.lacks.length);
      const seat0 = fs.existsSync('/run/systemd/seats/seat0');
      expect(p.session.name === 'logind').toBe(seat0);
      if (!seat0) expect(p.lacks[0]).toMatch(/no systemd-logind/);
    },
  );

  it('on a fabricated root with logind: the logind source and nothing lacking but what the root lacks', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'baomi-plat-'));
    dirs.push(root);
    for (const [rel, text] of Object.entries({
      'run/systemd/seats/seat0': 'IS_SEAT0=1\nACTIVE=4\nACTIVE_UID=1000\n',
      'run/systemd/sessions/4': 'UID=1000\nUSER=alice\nSTATE=active\nCLASS=user\n',
      'etc/passwd': 'alice:x:1000:1000::/home/alice:/bin/sh\n',
      'proc/sys/fs/inotify/max_queued_events': '16384\n',
      'proc/sys/fs/inotify/max_user_watches': '65536\n',
    })) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    }
    fs.mkdirSync(path.join(root, 'sys/bus/usb/devices'), { recursive: true });
    const p = createPlatform({ os: 'linux', root });
    expect(p.session.name).toBe('logind');
    expect([p.usb.name, p.usb.detection]).toEqual(['sysfs', 'sysfs-scan']);
    expect(await p.usb.list()).toEqual([]);
    expect(await p.session.current()).toMatchObject({ name: 'alice', uid: 1000, sessionId: '4' });
    expect(p.users.nameOf(1000)).toBe('alice');
    expect(p.kernel.maxUserWatches()).toBe(65536);
    // What depends on programs installed here (notify-send, xprintidle…) is left aside.
    const installed = (l: string) => l.startsWith('notifier:') || /not installed/.test(l);
    expect(p.lacks.filter((l) => !installed(l))).toEqual([]);
    // logind runs in this root: its idle source is there wherever loginctl is.
    const names = p.idle.sources.map((s) => s.name);
    if (!p.lacks.some((l) => l.startsWith('idle: loginctl'))) expect(names).toContain('logind');
  });

  it('on Linux without logind: no logind idle source, said once', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'baomi-plat-'));
    dirs.push(root);
    const p = createPlatform({ os: 'linux', root });
    expect(p.idle.sources.map((s) => s.name)).not.toContain('logind');
    expect(p.lacks.filter((l) => /^idle: no systemd-logind/.test(l))).toHaveLength(1);
    // (The locker is not called here: as an ordinary user it would lock this desktop.)
  });

  // As root it runs notify-send as the (fabricated) seat user, on a bus that is not there: on
  // an ordinary user's desktop it would show a real notice, so root only.
  it.runIf(process.getuid?.() === 0 && onPath('notify-send'))(
    'tells a listener each line an adapter finds at run time, once (a notify-send that fails)',
    async () => {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), 'baomi-plat-'));
      dirs.push(root);
      fs.mkdirSync(path.join(root, 'etc'));
      fs.writeFileSync(path.join(root, 'etc/passwd'), 'alice:x:1000:1000::/nonexistent:/bin/sh\n');
      const p = createPlatform({ os: 'linux', root });
      const heard: string[] = [];
      const stop = p.onLack?.((l) => heard.push(l));
      const notice = { code: 'x', title: 't', body: 'b', urgency: 'normal' as const };
      const to = { name: 'alice', uid: 1000, display: ':0', source: 'logind' as const };
      await expect(p.notifier.notify(notice, to)).rejects.toThrow(/^notify-send failed: /);
      await expect(p.notifier.notify(notice, to)).rejects.toThrow(/^notify-send failed: /);
      expect(heard).toEqual([expect.stringMatching(/^notifier: notify-send failed: /)]);
      expect(p.lacks).toContain(heard[0]);
      stop?.();
    },
  );

  it('on Linux without /sys/bus/usb: the sysfs adapter, a line saying so, and a --sysfs-root of its own', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'baomi-plat-'));
    dirs.push(root);
    const p = createPlatform({ os: 'linux', root });
    const sys = path.join(root, 'sys');
    expect(p.lacks).toContain(`usb: no ${sys}/bus/usb; USB devices are neither seen nor blocked`);
    expect(await p.usb.enforceProblem()).toBe('USB_NO_SYSFS');
    const other = path.join(root, 'elsewhere');
    fs.mkdirSync(path.join(other, 'bus/usb/devices'), { recursive: true });
    const q = createPlatform({ os: 'linux', root, sysfsRoot: other });
    expect(q.lacks.filter((l) => l.startsWith('usb:'))).toEqual([]);
    // usbcore's parameter is read below that root too: missing there, it counts as open.
    expect(await q.usb.sealState()).toMatchObject({
      sealed: false,
      open: ['usbcore.authorized_default'],
    });
    fs.mkdirSync(path.join(other, 'module/usbcore/parameters'), { recursive: true });
    fs.writeFileSync(path.join(other, 'module/usbcore/parameters/authorized_default'), '0\n');
    expect(await q.usb.sealState()).toEqual({ sealed: true, open: [] });
  });

  it('for Windows and macOS: command-run sessions and stubs that say what they lack', () => {
    const w = createPlatform({ os: 'win32' });
    expect([w.os, w.session.name, w.users.nameOf(0), w.kernel.maxUserWatches()]).toEqual([
      'windows',
      'wts',
      undefined,
      undefined,
    ]);
    expect(w.lacks.join('\n')).toMatch(/users: .*Windows/);
    expect(w.idle.sources.map((s) => s.name)).toEqual(['windows']);
    const m = createPlatform({ os: 'darwin' });
    expect([m.os, m.session.name, m.notifier.name]).toEqual(['darwin', 'macos', 'osascript']);
    expect(m.lacks.join('\n')).toMatch(/kernel: .*macOS/);
    expect(m.idle.sources.map((s) => s.name)).toEqual(['macos']);
  });
});
