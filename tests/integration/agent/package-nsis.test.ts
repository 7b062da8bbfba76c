// The agent's Windows installer (issue 14 §7, scripts/pack-agent-nsis.mjs,
// native/windows/agent-installer.nsi), compiled by Debian's makensis (the `nsis` package,
// installed by scripts/install-e2e-deps.sh) from a stand-in of the tree pack-agent.mjs makes
// on Windows (a Windows tree with its node.exe and native modules cannot be packed here), and
// read back with 7-Zip, which lists and extracts NSIS installers: the tree and WinSW as
// baomi-agent.exe in it, byte for byte, and the uninstaller. What is refused: a tree packed for
// another system, no service wrapper, a wrapper that is not a Windows executable, a tree
// missing the service files. The installer has not run on Windows here.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/agent.js';

const makensis = spawnSync('makensis', ['-VERSION']).status === 0;
const sevenZip = spawnSync('7z', ['i']).status === 0;
const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

let dir: string;
/** A tree as pack-agent.mjs lays it out on Windows, with stand-in executables. */
let tree: string;
let winsw: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'baomi-nsis-test-'));
  tree = join(dir, 'baomi');
  const put = (rel: string, body: string | Buffer) => {
    mkdirSync(join(tree, rel, '..'), { recursive: true });
    writeFileSync(join(tree, rel), body);
  };
  put('node.exe', 'MZ stand-in for node.exe');
  put('bin/baomi.js', readFileSync(join(ROOT, 'bin/baomi.js')));
  put('bin/baomi.cmd', '@echo off\r\n');
  put('dist/agent/agent.js', '// the compiled agent\n');
  put('node_modules/better-sqlite3/build/Release/better_sqlite3.node', 'MZ stand-in');
  put('dist/文件 with spaces/说明.txt', '非 ASCII names survive\n');
  for (const f of ['baomi-agent.xml', 'install-service.ps1'])
    put(f, readFileSync(join(ROOT, 'native/windows', f)));
  put('native/windows/baomi-agent.xml', readFileSync(join(ROOT, 'native/windows/baomi-agent.xml')));
  put('package.json', '{}');
  put('README.md', '# Baomi\n');
  put(
    'MANIFEST.json',
    JSON.stringify({ name: 'baomi-agent', version, platform: 'win32', arch: 'x64' }),
  );
  winsw = join(dir, 'WinSW-x64.exe');
  writeFileSync(winsw, 'MZ stand-in for WinSW');
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const pack = (...args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'scripts/pack-agent-nsis.mjs'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });

describe.skipIf(!makensis || !sevenZip)('the agent’s Windows installer', () => {
  it('holds the packed tree and WinSW as baomi-agent.exe, byte for byte, and an uninstaller', () => {
    const out = join(dir, 'out');
    const r = pack('--from', tree, '--out', out, '--winsw', winsw);
    expect(r.status, r.stderr).toBe(0);
    const exe = join(out, `baomi-agent-setup-${version}-x64.exe`);
    expect(readdirSync(out)).toEqual([`baomi-agent-setup-${version}-x64.exe`]);
    expect(readFileSync(exe).subarray(0, 2).toString('latin1')).toBe('MZ');
    const info = spawnSync('7z', ['l', '-slt', exe], { encoding: 'utf8' });
    expect(info.stdout).toMatch(/Type = Nsis/);
    expect(info.stdout).toMatch(/SubType = NSIS-3 Unicode/);
    const names = [...info.stdout.matchAll(/^Path = (.+)$/gm)].map((m) => m[1]!).slice(1);
    const files = names.filter((n) => !n.startsWith('$PLUGINSDIR'));
    const expected = [
      ...readdirSync(tree, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name).slice(tree.length + 1)),
      'baomi-agent.exe',
      'uninstall.exe',
    ];
    expect(files.sort()).toEqual(expected.sort());
    // What the installer runs on the machine is what the repository holds.
    const x = join(dir, 'extracted');
    expect(spawnSync('7z', ['x', `-o${x}`, exe], { encoding: 'utf8' }).status).toBe(0);
    expect(readFileSync(join(x, 'baomi-agent.exe'))).toEqual(readFileSync(winsw));
    for (const f of ['baomi-agent.xml', 'install-service.ps1'])
      expect(readFileSync(join(x, f)), f).toEqual(readFileSync(join(ROOT, 'native/windows', f)));
    expect(readFileSync(join(x, 'dist/文件 with spaces/说明.txt'), 'utf8')).toBe(
      '非 ASCII names survive\n',
    );
  }, 120_000);

  it('uninstalls by name every top-level entry pack-agent lays out on Windows, and nothing else', () => {
    const nsi = readFileSync(join(ROOT, 'native/windows/agent-installer.nsi'), 'utf8');
    const uninstall = nsi.slice(nsi.indexOf('Section "Uninstall"'));
    const named = new Set(
      [...uninstall.matchAll(/^\s+(?:Delete|RMDir \/r) "\$INSTDIR\\([^"*]+)"$/gm)].map(
        (m) => m[1]!,
      ),
    );
    // What pack-agent.mjs writes at the top of a Windows tree (its layout, spelled out there).
    const packed = readFileSync(join(ROOT, 'scripts/pack-agent.mjs'), 'utf8');
    for (const name of ['dist', 'bin', 'native', 'node_modules', 'package.json', 'MANIFEST.json'])
      expect(packed, name).toContain(`'${name}'`);
    for (const name of [...readdirSync(tree), 'baomi-agent.exe', 'uninstall.exe', 'LICENSE'])
      expect(named, name).toContain(name);
    // The seal goes with the agent (after the service is removed, before its files are).
    const release = uninstall.indexOf('bin\\baomi.js" usb release');
    expect(release).toBeGreaterThan(uninstall.indexOf('baomi-agent.exe" uninstall'));
    expect(release).toBeLessThan(uninstall.indexOf('RMDir /r "$INSTDIR\\bin"'));
    // Never the folder itself recursively: a /D folder keeps what is not the agent's.
    expect(uninstall).not.toMatch(/RMDir \/r "\$INSTDIR"/);
    expect(uninstall).toMatch(/^\s+RMDir "\$INSTDIR"$/m);
  });

  it('refuses what would install an agent that cannot run, writing nothing', () => {
    const out = join(dir, 'refused');
    const variant = (name: string, change: (t: string) => void) => {
      const t = join(dir, name);
      cpSync(tree, t, { recursive: true });
      change(t);
      return t;
    };
    const linux = variant('linux', (t) =>
      writeFileSync(
        join(t, 'MANIFEST.json'),
        JSON.stringify({ version, platform: 'linux', arch: 'x64' }),
      ),
    );
    const noScript = variant('no-script', (t) => rmSync(join(t, 'install-service.ps1')));
    const notExe = join(dir, 'not-an-exe');
    writeFileSync(notExe, '#!/bin/sh\n');
    for (const [args, said] of [
      [['--from', linux, '--winsw', winsw], /packed for linux: pack the agent on Windows/],
      [['--from', tree], /give WinSW’s executable with --winsw/],
      [['--from', tree, '--winsw', notExe], /is not a Windows executable/],
      [['--from', tree, '--winsw', join(dir, 'missing.exe')], /is not a Windows executable/],
      [['--from', noScript, '--winsw', winsw], /has no install-service\.ps1/],
      [['--from', tree, '--winsw', winsw, '--wnisw', winsw], /Unknown option '--wnisw'/],
    ] as const) {
      const r = pack(...args, '--out', out);
      expect(r.status, args.join(' ')).not.toBe(0);
      expect(r.stderr).toMatch(said);
    }
    expect(readdirSync(dir)).not.toContain('refused');
  });
});
