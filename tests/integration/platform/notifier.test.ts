// notify-send run for real: a stub program named notify-send on PATH records who ran it
// (uid, gid), its session environment and its arguments, so we see what the real one would
// get. As root it must run as the seat user; missing, it is false and said once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLinuxNotifier } from '../../../src/platform/linux/notifier.js';
import { createLinuxUsers } from '../../../src/platform/linux/users.js';
import { createNodeCommandRunner } from '../../../src/platform/node/commands.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A directory with a notify-send stub; the stub writes one record per call to `out`. */
function stub(exitCode = 0) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baomi-notify-'));
  dirs.push(dir);
  fs.chmodSync(dir, 0o777); // the seat user writes its record here
  const out = path.join(dir, 'calls');
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin, { mode: 0o755 });
  fs.chmodSync(bin, 0o755);
  fs.writeFileSync(
    path.join(bin, 'notify-send'),
    [
      '#!/bin/sh',
      `{ printf 'uid=%s\\0gid=%s\\0' "$(id -u)" "$(id -g)"`,
      `  printf 'env=%s\\0' "DBUS_SESSION_BUS_ADDRESS=$DBUS_SESSION_BUS_ADDRESS" "DISPLAY=$DISPLAY" "XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR" "HOME=$HOME"`,
      `  for a in "$@"; do printf 'arg=%s\\0' "$a"; done`,
      `  printf 'end\\0'; } >> '${out}'`,
      `exit ${exitCode}`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  const calls = () =>
    fs.existsSync(out)
      ? fs
          .readFileSync(out, 'utf8')
          .split('end\0')
          .filter(Boolean)
          .map((rec) => rec.split('\0').filter(Boolean))
      : [];
  return { bin, calls, dir };
}

const notice = {
  code: 'usb.blocked',
  title: '-u low',
  body: '已阻止 U 盘 “SanDisk Cruzer”\n$(reboot); `id`',
  urgency: 'critical' as const,
};

describe('notify-send for real', () => {
  it.runIf(process.getuid?.() === 0)(
    'as root, runs as the seat user with that session’s bus and display',
    async () => {
      const s = stub();
      const passwd = path.join(s.dir, 'passwd');
      fs.writeFileSync(
        passwd,
        'root:x:0:0::/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n',
      );
      const n = createLinuxNotifier({
        commands: createNodeCommandRunner({ PATH: `${s.bin}:/usr/bin:/bin` }),
        users: createLinuxUsers({ passwd }),
        uid: 0,
      });
      const to = {
        name: 'nobody',
        uid: 65534,
        display: ':0',
        dbusAddress: 'unix:path=/run/user/65534/bus',
        source: 'logind' as const,
      };
      expect(await n.notify(notice, to)).toBe(true);
      expect(s.calls()).toEqual([
        [
          'uid=65534',
          'gid=65534',
          'env=DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/65534/bus',
          'env=DISPLAY=:0',
          'env=XDG_RUNTIME_DIR=/run/user/65534',
          'env=HOME=/nonexistent',
          'arg=--app-name=Baomi',
          'arg=--urgency=critical',
          'arg=--',
          `arg=${notice.title}`,
          `arg=${notice.body}`,
        ],
      ]);
      expect(await n.notify(notice, null)).toBe(false); // nobody at the seat
      expect(s.calls()).toHaveLength(1);
    },
  );

  it('as the user, runs as itself with its own session environment', async () => {
    const s = stub();
    const n = createLinuxNotifier({
      commands: createNodeCommandRunner({ PATH: `${s.bin}:/usr/bin:/bin` }),
      users: createLinuxUsers({ passwd: '/nonexistent' }),
      uid: 4242, // what the agent believes it runs as: not root
      env: { DISPLAY: ':7', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/tmp/bus', HOME: '/home/me' },
    });
    expect(await n.notify(notice, { name: 'anyone', source: 'utmp' })).toBe(true);
    const [call] = s.calls();
    expect(call).toContain(`uid=${process.getuid?.()}`);
    expect(call).toContain('env=DISPLAY=:7');
    expect(call).toContain('env=DBUS_SESSION_BUS_ADDRESS=unix:path=/tmp/bus');
  });

  it('rejects with the reason when notify-send fails; is false when it is missing (said once)', async () => {
    const failing = stub(1);
    const said: string[] = [];
    const users = createLinuxUsers({ passwd: '/nonexistent' });
    const f = createLinuxNotifier({
      commands: createNodeCommandRunner({ PATH: `${failing.bin}:/usr/bin:/bin` }),
      users,
      uid: 4242,
      say: (l) => said.push(l),
    });
    await expect(f.notify(notice, null)).rejects.toThrow('notify-send failed: exit 1');
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'baomi-nopath-'));
    dirs.push(empty);
    const m = createLinuxNotifier({
      commands: createNodeCommandRunner({ PATH: empty }),
      users,
      uid: 4242,
      say: (l) => said.push(l),
    });
    expect(await m.notify(notice, null)).toBe(false);
    expect(await m.notify(notice, null)).toBe(false);
    expect(said).toEqual([
      'notifier: notify-send failed: exit 1',
      'notifier: notify-send is not installed (libnotify-bin); notices are not shown',
    ]);
  });
});
