// The agent's RPM package (issue 14 §7, scripts/pack-agent-rpm.mjs), built with Debian's
// rpmbuild (the `rpm` package, installed by scripts/install-e2e-deps.sh): its metadata and
// payload (everything root's, nothing writable but by root), its dependencies (what objdump
// says its binaries need), installed by rpm itself into an empty root and run from there, and
// its scriptlets run with stand-ins for systemctl, groupadd and udevadm.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/agent.js';
import { expectRunnableSystemTree, hasObjdump, newestGlibc } from '../../helpers/system-tree.js';

const RPM_ARCH: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64' };
const rpmbuild = spawnSync('rpmbuild', ['--version']).status === 0;
const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
const runs = rpmbuild && hasObjdump && RPM_ARCH[process.arch] !== undefined;

let out: string;
let pkg: string;
let rpmFile: string;
let built: ReturnType<typeof spawnSync>;

beforeAll(() => {
  if (!runs) return;
  out = mkdtempSync(join(tmpdir(), 'baomi-agent-rpm-'));
  const node = (...args: string[]) =>
    spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  const packed = node('scripts/pack-agent.mjs', '--out', out);
  expect(packed.status, packed.stderr).toBe(0);
  pkg = join(out, 'baomi');
  built = node('scripts/pack-agent-rpm.mjs', '--from', pkg, '--out', out);
  rpmFile = join(out, `baomi-agent-${version}-1.${RPM_ARCH[process.arch]}.rpm`);
}, 600_000);

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

const rpm = (...args: string[]) =>
  spawnSync('rpm', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

describe.skipIf(!runs)('the agent as an RPM package', () => {
  it('is baomi-agent for this version and CPU, all of it root’s and written only by root', () => {
    expect(built.status, String(built.stderr)).toBe(0);
    const q = rpm('-qp', '--qf', '%{NAME} %{VERSION} %{RELEASE} %{ARCH}', rpmFile);
    expect(q.stdout).toBe(`baomi-agent ${version} 1 ${RPM_ARCH[process.arch]}`);
    expect(rpm('-K', '--nosignature', rpmFile).stdout).toMatch(/digests OK/);
    const entries = new Map(
      rpm(
        '-qp',
        '--qf',
        '[%{FILEMODES:perms} %{FILEUSERNAME}:%{FILEGROUPNAME} %{FILENAMES}\n]',
        rpmFile,
      )
        .stdout.trim()
        .split('\n')
        .map((l) => {
          const [mode, owner, name] = l.split(' ');
          return [name!, { mode: mode!, owner: owner! }] as const;
        }),
    );
    for (const [name, e] of entries) {
      expect(e.owner, name).toBe('root:root');
      if (!e.mode.startsWith('l')) expect(e.mode.slice(4), name).not.toMatch(/w/);
    }
    expect(entries.get('/usr/bin/baomi')?.mode).toBe('lrwxrwxrwx');
    expect(entries.get('/usr/lib/baomi/node')?.mode).toBe('-rwxr-xr-x');
    expect(entries.get('/usr/lib/baomi/baomi-usb-ro')?.mode).toBe('-rwxr-xr-x');
    expect(entries.get('/usr/lib/systemd/system/baomi-agent.service')?.mode).toBe('-rw-r--r--');
    expect(entries.get('/usr/lib/udev/rules.d/70-baomi-usb-ro.rules')?.mode).toBe('-rw-r--r--');
    // The folders systemd and udev own are not claimed.
    expect(entries.has('/usr/lib/systemd/system')).toBe(false);
    expect(entries.has('/usr/lib/udev/rules.d')).toBe(false);
    expect(entries.has('/usr/bin')).toBe(false);
  });

  it('requires the glibc its binaries ask for, as rpm writes it, and the group tool', () => {
    const requires = rpm('-qp', '--requires', rpmFile).stdout.split('\n');
    expect(requires).toContain(`libc.so.6(GLIBC_${newestGlibc(pkg)})(64bit)`);
    expect(requires).toContain('libstdc++.so.6()(64bit)');
    expect(requires).toContain('(shadow-utils or shadow)');
  });

  it.skipIf(process.getuid?.() !== 0)(
    'is installed by rpm where the system provides it, runs from there, and is removed leaving the event log',
    () => {
      const sys = mkdtempSync(join(tmpdir(), 'baomi-rpm-root-'));
      try {
        const root = ['--root', sys];
        expect(rpm(...root, '--initdb').status).toBe(0);
        // An empty system provides nothing: rpm refuses it, naming the glibc it lacks.
        const refused = rpm(...root, '-i', '--noscripts', rpmFile);
        expect(refused.status).not.toBe(0);
        expect(refused.stderr).toContain(`libc.so.6(GLIBC_${newestGlibc(pkg)})(64bit) is needed`);
        expect(existsSync(join(sys, 'usr/lib/baomi'))).toBe(false);
        // Its dependencies set aside (this Debian's libraries are not in rpm's database).
        const installed = rpm(...root, '-i', '--nodeps', '--noscripts', rpmFile);
        expect(installed.status, installed.stderr).toBe(0);
        expect(rpm(...root, '-V', '--nodeps', 'baomi-agent').status).toBe(0);
        expectRunnableSystemTree(sys, version);
        mkdirSync(join(sys, 'var/lib/baomi'), { recursive: true });
        writeFileSync(join(sys, 'var/lib/baomi/events.db'), 'evidence');
        const erased = rpm(...root, '-e', '--noscripts', 'baomi-agent');
        expect(erased.status, erased.stderr).toBe(0);
        expect(existsSync(join(sys, 'usr/lib/baomi'))).toBe(false);
        expect(existsSync(join(sys, 'usr/bin/baomi'))).toBe(false);
        expect(readFileSync(join(sys, 'var/lib/baomi/events.db'), 'utf8')).toBe('evidence');
      } finally {
        rmSync(sys, { recursive: true, force: true });
      }
    },
    120_000,
  );

  it('makes the group and enables the service on the first install only, disables it on removal, and never fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baomi-rpm-scripts-'));
    try {
      const bin = join(dir, 'bin');
      mkdirSync(bin);
      const log = join(dir, 'calls');
      mkdirSync(join(dir, 'run/systemd/system'), { recursive: true });
      mkdirSync(join(dir, 'run/udev'), { recursive: true });
      // Stand-ins that say how they were called and answer with $STUB_RC.
      for (const tool of ['systemctl', 'groupadd', 'udevadm', 'baomi']) {
        writeFileSync(
          join(bin, tool),
          `#!/bin/sh\necho "${tool} $*" >> "${log}"\nexit "\${STUB_RC:-0}"\n`,
        );
        chmodSync(join(bin, tool), 0o755);
      }
      const scriptlet = (tag: string, arg: number, rc = 0) => {
        const file = join(dir, tag);
        // /usr/bin/baomi is this host's own if Baomi is installed here: the stand-in is run
        // instead, so the test never releases a real seal and sees the call itself.
        // /run/systemd/system and /run/udev point into the temp folder: the systemd branch
        // runs whatever this host is.
        const text = rpm('-qp', '--qf', `%{${tag}}`, rpmFile)
          .stdout.replaceAll('/usr/bin/baomi ', `${join(bin, 'baomi')} `)
          .replaceAll('/run/systemd/system', join(dir, 'run/systemd/system'))
          .replaceAll('/run/udev', join(dir, 'run/udev'));
        expect(text, tag).not.toMatch(/(^|[\s"'])\/(usr\/bin\/baomi|run\/(systemd|udev))/m);
        writeFileSync(file, text);
        writeFileSync(log, '');
        const r = spawnSync('sh', [file, String(arg)], {
          env: { PATH: `${bin}:/usr/bin:/bin`, STUB_RC: String(rc) },
          encoding: 'utf8',
        });
        return { status: r.status, stderr: r.stderr, calls: readFileSync(log, 'utf8') };
      };
      const install = scriptlet('POSTIN', 1);
      expect(install.status).toBe(0);
      expect(install.calls).toContain('groupadd -r -f baomi-admin\n');
      expect(install.calls).toContain('systemctl enable baomi-agent.service\n');
      expect(install.calls).toContain('udevadm control --reload\n');
      expect(install.calls).toMatch(
        /systemctl daemon-reload\n.*is-enabled baomi-agent\.service\nsystemctl start baomi-agent\.service\n.*is-active baomi-agent\.service\n$/,
      );
      // An upgrade keeps what the admin chose: no enable.
      const upgrade = scriptlet('POSTIN', 2);
      expect(upgrade.status).toBe(0);
      expect(upgrade.calls).toContain('groupadd -r -f baomi-admin\n');
      expect(upgrade.calls).not.toContain('systemctl enable ');
      expect(upgrade.calls).toContain('systemctl restart baomi-agent.service\n');
      // Every tool failing: the install still succeeds and says what it could not do.
      const failing = scriptlet('POSTIN', 1, 1);
      expect(failing.status).toBe(0);
      expect(failing.stderr).toContain('could not make the baomi-admin group');
      expect(failing.stderr).toContain('the service is not running; see journalctl -u baomi-agent');
      // Removal stops and disables it; the old half of an upgrade does not.
      const removal = scriptlet('PREUN', 0);
      expect(removal.status).toBe(0);
      expect(removal.calls).toContain('systemctl --no-reload disable --now baomi-agent.service\n');
      expect(removal.calls).toMatch(
        /disable --now baomi-agent\.service\n(.*\n)*baomi usb release\n/,
      );
      // …and then releases the USB seal (only on erase, after the agent stopped).
      const preun = rpm('-qp', '--qf', '%{PREUN}', rpmFile).stdout;
      expect(preun).toMatch(
        /disable --now baomi-agent\.service[\s\S]*if \[ "\$1" -eq 0 \]; then \/usr\/bin\/baomi usb release \|\| :; fi/,
      );
      expect(scriptlet('PREUN', 1).calls).toBe('');
      expect(scriptlet('PREUN', 0, 1).status).toBe(0);
      const postun = scriptlet('POSTUN', 0, 1);
      expect(postun.status).toBe(0);
      // Never a removal of the event log.
      for (const tag of ['POSTIN', 'PREUN', 'POSTUN'])
        expect(rpm('-qp', '--qf', `%{${tag}}`, rpmFile).stdout).not.toMatch(/\brm\b/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
