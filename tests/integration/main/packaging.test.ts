// The tray's packaging (issue 14): electron-builder.yml validated against electron-builder's
// own schema, and a `--linux dir` build against a stand-in Electron (Electron's binary cannot
// be downloaded here) that carries Electron's fuse wire, so the build really flips the fuses:
// app.asar holds the bundled main process, the preload, the pages and the icons, and no native
// module and no node_modules; RunAsNode is off, the app loads only from the asar, whose
// integrity is checked.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { extractFile, listPackage } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';
import { Arch, build, Platform } from 'electron-builder';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PAGE_OF } from '../../../src/main/windows.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const CONFIG = parse(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8'));
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

/** An "Electron" whose fuse wire (version 1, 8 fuses) is all enabled, as a build would find. */
function standInElectron(): string {
  const dist = mkdtempSync(join(tmpdir(), 'baomi-electron-dist-'));
  mkdirSync(join(dist, 'resources'));
  const wire = Buffer.concat([
    Buffer.from(`#!/bin/sh\n# ${SENTINEL}`),
    Buffer.from([1, 8]),
    Buffer.from('11111111\n'),
  ]);
  writeFileSync(join(dist, 'electron'), wire);
  chmodSync(join(dist, 'electron'), 0o755);
  for (const f of ['LICENSE', 'LICENSES.chromium.html']) writeFileSync(join(dist, f), '');
  writeFileSync(join(dist, 'version'), '45.5.0');
  return dist;
}

describe('tray packaging', () => {
  it('electron-builder.yml passes electron-builder`s schema, and a wrong key does not', async () => {
    await expect(validateConfiguration(CONFIG, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(
      validateConfiguration(
        { ...CONFIG, linux: { ...CONFIG.linux, targett: 'deb' } },
        new DebugLogger(false),
      ),
    ).rejects.toThrow(/configuration.linux/);
  });

  it('packs an app.asar with the bundles and pages, no native module, and the fuses set', () => {
    const out = mkdtempSync(join(tmpdir(), 'baomi-tray-pack-'));
    const r = spawnSync(
      process.execPath,
      [
        join(ROOT, 'scripts/pack-tray.mjs'),
        '--app',
        join(out, 'app'),
        '--linux',
        'dir',
        `-c.electronDist=${standInElectron()}`,
        '-c.electronVersion=45.5.0',
        `-c.directories.output=${out}`,
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 300_000 },
    );
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    const unpacked = join(out, 'linux-unpacked');
    const asar = join(unpacked, 'resources', 'app.asar');
    const files = listPackage(asar, { isPack: false }).map((f) => f.replaceAll('\\', '/'));
    // Every page the windows open (src/main/windows.ts) is built and packed.
    const pages = new Set(Object.values(PAGE_OF).map((p) => `/renderer/${p.split('#')[0]}`));
    for (const f of [
      '/main.mjs',
      '/preload.cjs',
      '/package.json',
      '/renderer/overlay.html',
      ...pages,
      '/icons/protected.png',
    ])
      expect(files, f).toContain(f);
    expect(files.filter((f) => f.endsWith('.node') || f.includes('/node_modules/'))).toEqual([]);
    const pkg = JSON.parse(extractFile(asar, 'package.json').toString());
    expect(pkg).toMatchObject({ name: 'baomi-tray', main: 'main.mjs' });
    expect(pkg.dependencies).toBeUndefined();
    // The bundle reaches nothing outside itself but Electron and Node's own modules.
    const main = extractFile(asar, 'main.mjs').toString();
    const imports = [...main.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    expect(imports.filter((i) => i !== 'electron' && !i!.startsWith('node:'))).toEqual([]);
    expect(main).not.toMatch(/better-sqlite3|require\("usb"\)/);
    return getCurrentFuseWire(join(unpacked, 'baomi-tray')).then((fuses) => {
      const off = 48;
      const on = 49;
      expect(fuses[FuseV1Options.RunAsNode]).toBe(off);
      expect(fuses[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(off);
      expect(fuses[FuseV1Options.EnableNodeCliInspectArguments]).toBe(off);
      expect(fuses[FuseV1Options.OnlyLoadAppFromAsar]).toBe(on);
      expect(fuses[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(on);
      expect(fuses[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(off);
    });
  }, 300_000);

  it('the .deb and .rpm install the tray’s XDG autostart entry; Windows and macOS have theirs', async () => {
    const out = mkdtempSync(join(tmpdir(), 'baomi-tray-fpm-'));
    const app = join(out, 'app');
    const pack = spawnSync(process.execPath, ['scripts/pack-tray.mjs', '--app', app], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect(pack.status, pack.stderr).toBe(0);
    // electron-builder hands each fpm run's arguments to this hook first; answering true skips
    // fpm itself (it is downloaded from GitHub, which this machine cannot reach).
    const fpmArgs: string[][] = [];
    const cwd = process.cwd();
    process.chdir(ROOT); // where scripts/pack-tray.mjs runs electron-builder
    try {
      await build({
        projectDir: ROOT,
        targets: Platform.LINUX.createTarget(['deb', 'rpm'], Arch.x64),
        config: {
          ...CONFIG,
          electronDist: standInElectron(),
          electronVersion: '45.5.0',
          directories: { ...CONFIG.directories, app, output: join(out, 'dist') },
        },
        effectiveOptionComputed: async (o: unknown) => {
          if (Array.isArray(o) && Array.isArray(o[0])) fpmArgs.push(o[0] as string[]);
          return true;
        },
      });
    } finally {
      process.chdir(cwd);
    }
    expect(fpmArgs).toHaveLength(2);
    for (const args of fpmArgs) {
      const autostart = args.filter((a) => a.endsWith('=/etc/xdg/autostart/baomi-tray.desktop'));
      expect(autostart).toHaveLength(1);
      const source = resolve(ROOT, autostart[0]!.split('=')[0]!);
      // The app goes to /opt/Baomi, where the entry starts it.
      expect(args).toContain(`${join(out, 'dist', 'linux-unpacked')}/=/opt/Baomi`);
      const entry = readFileSync(source, 'utf8');
      expect(entry).toMatch(/^Exec=\/opt\/Baomi\/baomi-tray$/m);
      expect(entry).toMatch(/^Type=Application$/m);
      // Left behind by a removal that is not a purge, it starts nothing.
      expect(entry).toMatch(/^TryExec=\/opt\/Baomi\/baomi-tray$/m);
      expect(entry).not.toMatch(/^(Hidden=true|X-GNOME-Autostart-enabled=false)/m);
    }
    // Windows: the installer's hooks write and remove the per-machine Run entry.
    const nsh = readFileSync(join(ROOT, CONFIG.nsis.include), 'utf8');
    expect(nsh).toMatch(
      /!macro customInstall\s+WriteRegStr HKLM "Software\\Microsoft\\Windows\\CurrentVersion\\Run" "BaomiTray" '"\$INSTDIR\\baomi-tray\.exe"'/,
    );
    expect(nsh).toMatch(
      /!macro customUnInstall\s+DeleteRegValue HKLM "Software\\Microsoft\\Windows\\CurrentVersion\\Run" "BaomiTray"/,
    );
    // macOS: a launch agent in the person's session, restarted only after a crash.
    const plist = readFileSync(join(ROOT, 'native/launchd/cn.baomi.tray.plist'), 'utf8');
    expect(plist).toContain('<string>/Applications/Baomi.app/Contents/MacOS/Baomi</string>');
    expect(plist).toMatch(/<key>LimitLoadToSessionType<\/key>\s*<string>Aqua<\/string>/);
    expect(plist).toMatch(/<key>SuccessfulExit<\/key>\s*<false\/>/);
  }, 300_000);
});
