// The agent's own package (issue 14 §7, DESIGN.md "Packaging"): scripts/pack-agent.mjs makes a
// tree with its own Node runtime (≥ 20.19) and native modules built for it, the compiled agent,
// CLI and console, and only the production dependencies. Here it runs where no `node` is on the
// PATH, through a symlink as /usr/bin/baomi would be; its native modules load in its own
// runtime; nothing of the tray's or of the development tools is in it; the service files name
// its layout; --tar makes the archive.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/agent.js';
import {
  expectRunnableSystemTree,
  hasObjdump,
  newer,
  newestGlibc,
  objdumpNeeds,
  shippedElves,
} from '../../helpers/system-tree.js';

let out: string;
let pkg: string;
let packed: ReturnType<typeof spawnSync>;

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'baomi-agent-pkg-'));
  // Something of someone else's in the folder given: the script replaces only what it makes.
  writeFileSync(join(out, 'keep.txt'), 'not the packer’s');
  packed = spawnSync(process.execPath, ['scripts/pack-agent.mjs', '--out', out, '--tar'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 300_000,
  });
  pkg = join(out, 'baomi');
}, 300_000);

/** Folders a test made, removed whether it passed or not. */
const temps: string[] = [];

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
const dpkgDeb = spawnSync('dpkg-deb', ['--version']).status === 0;
const DEB_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };

describe('the agent package', () => {
  it('carries its own Node runtime and native modules built for it, and says for what', () => {
    expect(packed.status, String(packed.stderr)).toBe(0);
    const manifest = JSON.parse(readFileSync(join(pkg, 'MANIFEST.json'), 'utf8'));
    expect(manifest).toMatchObject({
      version,
      node: process.versions.node,
      modules: process.versions.modules,
      platform: process.platform,
      arch: process.arch,
    });
    const [major, minor] = String(manifest.node).split('.').map(Number) as [number, number];
    expect(major > 20 || (major === 20 && minor >= 19)).toBe(true);
    expect(manifest.native).toContain(
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
    );
    // Built for this runtime, or prebuilt for this OS and CPU: nothing for elsewhere, no test
    // extension.
    const own = new RegExp(`/prebuilds/${process.platform}-[^/]*\\b${process.arch}\\b`);
    for (const f of manifest.native as string[])
      expect(f.includes('/build/Release/') || own.test(f), f).toBe(true);
    expect(manifest.native.join(' ')).not.toMatch(/test_extension/);
    const shipped = spawnSync(join(pkg, 'node'), ['--version'], { encoding: 'utf8' });
    expect(shipped.stdout.trim()).toBe(`v${process.versions.node}`);
  });

  it.skipIf(process.platform !== 'linux' || !hasObjdump)(
    'says what its binaries need of the system’s libraries, as objdump reads them',
    () => {
      const needs = JSON.parse(readFileSync(join(pkg, 'MANIFEST.json'), 'utf8')).needs as Record<
        string,
        string[]
      >;
      const family = (v: string) => /^(.*?)_?(\d+(?:\.\d+)*)$/.exec(v);
      const seen = new Set<string>();
      for (const f of shippedElves(pkg))
        for (const [lib, versions] of objdumpNeeds(f)) {
          seen.add(lib);
          expect(needs[lib], `${f} needs ${lib}`).toBeDefined();
          for (const v of versions) {
            // The manifest keeps the newest of each family (GLIBC_2.34 covers GLIBC_2.2.5).
            const m = family(v);
            const kept = needs[lib]!.find((k) =>
              m ? family(k)?.[1] === m[1] && !newer(m[2]!, family(k)![2]!) : k === v,
            );
            expect(kept, `${f}: ${lib} ${v}`).toBeDefined();
          }
        }
      expect(Object.keys(needs).sort()).toEqual([...seen].sort());
      // Built here (Debian 12, glibc 2.36), the native module asks more than node's 2.28.
      expect(needs['libc.so.6']).toContain(`GLIBC_${newestGlibc(pkg)}`);
    },
  );

  it('runs `baomi` with its own node, none on the PATH, through a symlink', () => {
    // Only what the launcher needs from the system: readlink and dirname, and no node.
    const bin = mkdtempSync(join(tmpdir(), 'baomi-path-'));
    for (const tool of ['readlink', 'dirname']) symlinkSync(`/usr/bin/${tool}`, join(bin, tool));
    const usrBin = join(bin, 'usr-bin');
    mkdirSync(usrBin);
    symlinkSync(join(pkg, 'bin', 'baomi'), join(usrBin, 'baomi'));
    const env = { PATH: bin, LANG: 'en_US.UTF-8' };
    expect(spawnSync('node', ['--version'], { env }).error).toBeDefined();
    const r = spawnSync(join(usrBin, 'baomi'), ['--version'], { cwd: '/', env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(version);
    // The native modules load in the shipped runtime (better-sqlite3 opens a database).
    const sqlite = spawnSync(
      join(pkg, 'node'),
      [
        '-e',
        `const D = require(${JSON.stringify(join(pkg, 'node_modules/better-sqlite3'))}); process.stdout.write(String(new D(':memory:').prepare('select 40 + 2 as x').get().x)); require(${JSON.stringify(join(pkg, 'node_modules/usb'))});`,
      ],
      { cwd: '/', env, encoding: 'utf8' },
    );
    expect(sqlite.status, sqlite.stderr).toBe(0);
    expect(sqlite.stdout).toBe('42');
    rmSync(bin, { recursive: true, force: true });
  });

  it('holds the agent’s side only: no development tool, no tray, no build leftovers', () => {
    const modules = readdirSync(join(pkg, 'node_modules'));
    for (const dev of ['vitest', 'electron', 'typescript', '@biomejs', 'playwright-core', 'vite'])
      expect(modules, dev).not.toContain(dev);
    for (const prod of ['better-sqlite3', 'fastify', 'pino', 'zod', 'usb', 'i18next'])
      expect(modules, prod).toContain(prod);
    expect(readdirSync(join(pkg, 'dist')).sort()).toEqual(
      ['agent', 'cli', 'console', 'console-web', 'core', 'ipc', 'platform'].sort(),
    );
    // Native modules without their sources and objects (sqlite's 9 MB amalgamation included).
    const files = readdirSync(join(pkg, 'node_modules/better-sqlite3'), { recursive: true }).map(
      String,
    );
    expect(files.filter((f) => /\.(c|cc|cpp|h|o|a|mk|gyp)$|obj\.target/.test(f))).toEqual([]);
    expect(files).toContain(join('lib', 'index.js'));
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
    expect(manifest.devDependencies).toBeUndefined();
    expect(manifest.scripts).toBeUndefined();
  });

  it('replaces only what it makes, and refuses --out without a folder or an unknown flag', () => {
    expect(readFileSync(join(out, 'keep.txt'), 'utf8')).toBe('not the packer’s');
    const cwd = mkdtempSync(join(tmpdir(), 'baomi-agent-cwd-'));
    writeFileSync(join(cwd, 'precious'), 'x');
    const pack = (...args: string[]) =>
      spawnSync(process.execPath, [join(ROOT, 'scripts/pack-agent.mjs'), ...args], {
        cwd,
        encoding: 'utf8',
      });
    for (const [args, said] of [
      [['--out'], /'--out <value>' argument missing/],
      [['--out', ''], /--out needs a folder/],
      [['--out', cwd, '--tarr'], /Unknown option '--tarr'/],
    ] as const) {
      const r = pack(...args);
      expect(r.status, args.join(' ')).not.toBe(0);
      expect(r.stderr).toMatch(said);
      expect(readdirSync(cwd)).toEqual(['precious']);
    }
    const help = pack('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/usage: node scripts\/pack-agent.mjs \[--out DIR\] \[--tar\]/);
    expect(readdirSync(cwd)).toEqual(['precious']);
    rmSync(cwd, { recursive: true, force: true });
  });

  it('is laid out as the service files run it, and archived with --tar', () => {
    const unit = readFileSync(join(pkg, 'native/systemd/baomi-agent.service'), 'utf8');
    const exec = /^ExecStart=\/usr\/lib\/baomi\/(\S+) \/usr\/lib\/baomi\/(\S+) agent/m.exec(unit);
    expect(exec).not.toBeNull();
    for (const f of [exec![1]!, exec![2]!]) expect(existsSync(join(pkg, f)), f).toBe(true);
    const plist = readFileSync(join(pkg, 'native/launchd/cn.baomi.agent.plist'), 'utf8');
    for (const m of plist.matchAll(
      /<string>\/Library\/Application Support\/Baomi\/([^<]+)<\/string>/g,
    ))
      expect(existsSync(join(pkg, m[1]!)), m[1]).toBe(true);
    const tar = join(out, `baomi-agent-${version}-${process.platform}-${process.arch}.tar.gz`);
    const list = spawnSync('tar', ['-tzf', tar], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(list.status).toBe(0);
    expect(list.stdout.split('\n')).toEqual(
      expect.arrayContaining([
        'baomi/node',
        'baomi/bin/baomi',
        'baomi/bin/baomi.js',
        'baomi/MANIFEST.json',
      ]),
    );
  });

  it.skipIf(!dpkgDeb || !hasObjdump || !DEB_ARCH[process.arch])(
    'is a Debian package: the tree at /usr/lib/baomi, the unit, the udev rule and its helper, /usr/bin/baomi, all root’s',
    () => {
      const r = spawnSync(
        process.execPath,
        ['scripts/pack-agent-deb.mjs', '--from', pkg, '--out', out],
        { cwd: ROOT, encoding: 'utf8', timeout: 300_000 },
      );
      expect(r.status, r.stderr).toBe(0);
      const deb = join(out, `baomi-agent_${version}_${DEB_ARCH[process.arch]}.deb`);
      const field = (name: string) =>
        spawnSync('dpkg-deb', ['-f', deb, name], { encoding: 'utf8' }).stdout.trim();
      expect(field('Package')).toBe('baomi-agent');
      expect(field('Version')).toBe(version);
      expect(field('Architecture')).toBe(DEB_ARCH[process.arch]);
      const list = spawnSync('dpkg-deb', ['-c', deb], {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      }).stdout.trim();
      const entries = new Map(
        list.split('\n').map((l) => {
          const [mode, owner, , , , ...name] = l.split(/\s+/);
          return [name.join(' '), { mode, owner }] as const;
        }),
      );
      for (const [name, e] of entries) {
        expect(e.owner, name).toBe('root/root');
        if (!e.mode?.startsWith('l')) expect(e.mode?.slice(4), name).not.toMatch(/w/);
      }
      // Its ./ is the system's /: never anything but 0755.
      expect(entries.get('./')?.mode).toBe('drwxr-xr-x');
      expect(entries.get('./usr/bin/baomi -> ../lib/baomi/bin/baomi')?.mode).toBe('lrwxrwxrwx');
      expect(entries.get('./usr/lib/baomi/baomi-usb-ro')?.mode).toBe('-rwxr-xr-x');
      expect(entries.get('./usr/lib/baomi/node')?.mode).toBe('-rwxr-xr-x');
      expect(entries.get('./usr/lib/systemd/system/baomi-agent.service')?.mode).toBe('-rw-r--r--');
      expect(entries.get('./usr/lib/udev/rules.d/70-baomi-usb-ro.rules')?.mode).toBe('-rw-r--r--');

      // Unpacked: what the unit and the rule run is where they say, and /usr/bin/baomi runs.
      const sys = mkdtempSync(join(tmpdir(), 'baomi-deb-root-'));
      temps.push(sys);
      expect(spawnSync('dpkg-deb', ['-x', deb, sys]).status).toBe(0);
      expectRunnableSystemTree(sys, version);

      // The maintainer scripts: valid sh; the group made, the service enabled and started;
      // the event log never removed, not even on purge.
      const control = mkdtempSync(join(tmpdir(), 'baomi-deb-control-'));
      temps.push(control);
      expect(spawnSync('dpkg-deb', ['-e', deb, control]).status).toBe(0);
      for (const f of ['postinst', 'prerm', 'postrm']) {
        expect(statSync(join(control, f)).mode & 0o777, f).toBe(0o755);
        expect(spawnSync('sh', ['-n', join(control, f)]).status, f).toBe(0);
      }
      const postinst = readFileSync(join(control, 'postinst'), 'utf8');
      expect(postinst).toContain('groupadd --system baomi-admin');
      expect(postinst).toContain('deb-systemd-helper enable baomi-agent.service');
      expect(field('Depends')).toMatch(/\bpasswd\b/);
      // Refused where its binaries' glibc is missing (a Debian 11 has 2.31), not installed to
      // fail: the newest glibc version objdump finds in them.
      expect(field('Depends')).toContain(`libc6 (>= ${newestGlibc(pkg)})`);
      expect(field('Depends')).toMatch(/\blibstdc\+\+6 \(>= \d+/);
      expect(readFileSync(join(control, 'postrm'), 'utf8')).not.toMatch(/\brm\b/);
      // Removal (not an upgrade) stops the agent, then releases the USB seal.
      expect(readFileSync(join(control, 'prerm'), 'utf8')).toMatch(
        /stop baomi-agent\.service[\s\S]*if \[ "\$1" = remove \]; then \/usr\/bin\/baomi usb release \|\| true; fi/,
      );
      expectMaintainerScriptsRun(control);
    },
    240_000,
  );
});

/**
 * The maintainer scripts run as dpkg runs them, on a stand-in systemd machine: every tool
 * they call is a stand-in that logs how it was called, and the absolute paths they test or
 * run (/run/systemd/system, /run/udev, /usr/bin/baomi) point into a temporary folder, so the
 * systemd branch runs here without touching this host (the VM test has no systemd).
 */
function expectMaintainerScriptsRun(control: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'baomi-deb-scripts-'));
  try {
    const bin = join(dir, 'bin');
    const log = join(dir, 'calls');
    mkdirSync(bin);
    mkdirSync(join(dir, 'run/systemd/system'), { recursive: true });
    mkdirSync(join(dir, 'run/udev'), { recursive: true });
    const tools = ['getent', 'groupadd', 'udevadm', 'deb-systemd-helper', 'deb-systemd-invoke'];
    for (const tool of [...tools, 'systemctl', 'baomi']) {
      // getent answers $GETENT_RC (2: no such group), systemctl is-active $ACTIVE_RC.
      writeFileSync(
        join(bin, tool),
        `#!/bin/sh\necho "${tool} $*" >> "${log}"\n` +
          (tool === 'getent' ? `exit "\${GETENT_RC:-0}"\n` : '') +
          (tool === 'systemctl' ? `[ "$1" = is-active ] && exit "\${ACTIVE_RC:-0}"\n` : '') +
          'exit 0\n',
      );
      chmodSync(join(bin, tool), 0o755);
    }
    const run = (name: string, args: string[], env: Record<string, string> = {}) => {
      const text = readFileSync(join(control, name), 'utf8')
        .replaceAll('/run/systemd/system', join(dir, 'run/systemd/system'))
        .replaceAll('/run/udev', join(dir, 'run/udev'))
        .replaceAll('/usr/bin/baomi ', `${join(bin, 'baomi')} `);
      const file = join(dir, name);
      writeFileSync(file, text);
      writeFileSync(log, '');
      const r = spawnSync('sh', [file, ...args], {
        env: { PATH: `${bin}:/usr/bin:/bin`, ...env },
        encoding: 'utf8',
      });
      return { status: r.status, stderr: r.stderr, calls: readFileSync(log, 'utf8').split('\n') };
    };
    const unit = 'baomi-agent.service';
    // First install: the group made, the unit enabled, systemd reloaded, the agent started.
    const fresh = run('postinst', ['configure', ''], { GETENT_RC: '2' });
    expect(fresh.status, fresh.stderr).toBe(0);
    expect(fresh.calls).toEqual([
      'getent group baomi-admin',
      'groupadd --system baomi-admin',
      'udevadm control --reload',
      `deb-systemd-helper unmask ${unit}`,
      `deb-systemd-helper --quiet was-enabled ${unit}`,
      `deb-systemd-helper enable ${unit}`,
      'systemctl --system daemon-reload',
      `deb-systemd-invoke start ${unit}`,
      `systemctl is-active --quiet ${unit}`,
      '',
    ]);
    expect(fresh.stderr).toBe('');
    // An upgrade restarts it, and a service that does not come up is said, not a failed install.
    const upgrade = run('postinst', ['configure', '0.9.0'], { ACTIVE_RC: '3' });
    expect(upgrade.status).toBe(0);
    expect(upgrade.calls).toContain(`deb-systemd-invoke restart ${unit}`);
    expect(upgrade.calls).not.toContain('groupadd --system baomi-admin');
    expect(upgrade.stderr).toMatch(/the service is not running; see journalctl -u baomi-agent/);
    // Removal stops it, then releases the seal; the old half of an upgrade does neither.
    const removal = run('prerm', ['remove']);
    expect(removal.status).toBe(0);
    expect(removal.calls).toEqual([`deb-systemd-invoke stop ${unit}`, 'baomi usb release', '']);
    expect(run('prerm', ['upgrade', '1.0.0']).calls).toEqual(['']);
    // Removed (not purged), the unit is masked; installed again, that mask goes first, so the
    // agent runs again (a masked unit would not start, and nothing would be enforced).
    expect(run('postrm', ['remove']).calls).toContain(`deb-systemd-helper mask ${unit}`);
    const again = run('postinst', ['configure', '']).calls;
    expect(again.indexOf(`deb-systemd-helper unmask ${unit}`)).toBeGreaterThanOrEqual(0);
    expect(again.indexOf(`deb-systemd-helper unmask ${unit}`)).toBeLessThan(
      again.indexOf(`deb-systemd-invoke start ${unit}`),
    );
    const purge = run('postrm', ['purge']);
    expect(purge.status).toBe(0);
    expect(purge.calls).toContain(`deb-systemd-helper purge ${unit}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
