// Packs the agent to ship beside the tray (issue 14 §7, DESIGN.md "Packaging"): its own Node
// runtime (the one running this script, which must be ≥ 20.19: distributions' nodejs may be
// older) and its native modules as built for that runtime (better-sqlite3, usb), with the
// compiled agent, CLI and console, the production dependencies only, and the service files.
// The tree is what goes to /usr/lib/baomi (native/systemd), /Library/Application Support/Baomi
// (native/launchd) or %ProgramFiles%\Baomi (native/windows): `node` (node.exe) at its top,
// bin/baomi.js beside it, and bin/baomi (bin/baomi.cmd) to run the command with that node.
// It packs for the platform and architecture it runs on (a runtime and native modules cannot
// be taken from elsewhere): run it on each target, after `npm ci` and `npm run build`.
//
//   node scripts/pack-agent.mjs [--out DIR] [--tar]
// DIR (default dist/agent-package) gets baomi/ and, with --tar,
// baomi-agent-<version>-<platform>-<arch>.tar.gz of it. Exits 1 with one line when the
// project is not built or this Node is too old.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemNeeds } from './elf-needs.mjs';
import { scriptArgs } from './script-args.mjs';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const USAGE = `usage: node scripts/pack-agent.mjs [--out DIR] [--tar]
  --out DIR  where baomi/ (and the tarball) go; default dist/agent-package
  --tar      also write baomi-agent-<version>-<platform>-<arch>.tar.gz of it
Packs the agent for this OS and CPU with the Node running this script (>= 20.19).`;
const fail = (msg) => {
  console.error(`pack-agent: ${msg}`);
  process.exit(1);
};
const args = scriptArgs(
  'pack-agent',
  USAGE,
  { out: { type: 'string' }, tar: { type: 'boolean' } },
  ['out'],
);
const out = args.out !== undefined ? resolve(args.out) : join(root, 'dist/agent-package');

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19))
  fail(`this Node is ${process.versions.node}; the agent needs ≥ 20.19 (package.json engines)`);
// A runtime linked to shared libraries (a distribution's libnode, Homebrew's libuv or OpenSSL)
// would not start where those are missing: ship a self-contained build (nodejs.org's).
const shared = Object.entries(process.config.variables ?? {})
  .filter(([k, v]) => k.startsWith('node_shared') && v === true)
  .map(([k]) => k);
if (shared.length > 0)
  fail(
    `this Node (${process.execPath}) is linked to shared libraries (${shared.join(', ')}); run this with a self-contained Node (nodejs.org's build)`,
  );
if (!existsSync(join(root, 'dist/cli/main.js')))
  fail('dist/ is not built; run `npm ci` (or `npm run build`) first');

/** The agent's side of dist/: everything but the tray's (main, preload, renderer, tray-*). */
const DIST = ['agent', 'cli', 'console', 'console-web', 'core', 'ipc', 'platform'];

/**
 * The production dependency closure, as installed: from package.json's dependencies, each
 * resolved the way Node resolves it (the nearest node_modules up from its dependent), following
 * dependencies, installed optional dependencies and required peers (an optional peer, such as
 * i18next's typescript, is not shipped).
 */
function productionPackages() {
  const found = new Map();
  const visit = (fromDir, name, optional) => {
    for (let d = fromDir; ; d = dirname(d)) {
      const candidate = join(d, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) {
        if (found.has(candidate)) return;
        found.set(candidate, true);
        const pkg = JSON.parse(readFileSync(join(candidate, 'package.json'), 'utf8'));
        for (const dep of Object.keys(pkg.dependencies ?? {})) visit(candidate, dep, false);
        for (const dep of Object.keys(pkg.optionalDependencies ?? {})) visit(candidate, dep, true);
        for (const dep of Object.keys(pkg.peerDependencies ?? {}))
          if (!pkg.peerDependenciesMeta?.[dep]?.optional) visit(candidate, dep, false);
        return;
      }
      if (d === root || !d.startsWith(`${root}${sep}`)) break; // never above the checkout
    }
    if (!optional)
      fail(
        `${name} (needed from ${relative(root, fromDir) || 'the project'}) is not installed; run npm ci`,
      );
  };
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  for (const dep of Object.keys(pkg.dependencies ?? {})) visit(root, dep, false);
  return [...found.keys()].sort();
}

/**
 * What a native module's build leaves that the runtime never loads: its sources (C, C++,
 * headers), objects, archives, makefiles and gyp files, by file type; the build's object and
 * dependency folders; better-sqlite3's test extension; and prebuilt binaries for other
 * platforms (usb carries one per OS and CPU). JavaScript is kept wherever it is.
 */
const BUILD_LEFTOVERS =
  /\.(o|a|obj|lib|pdb|mk|gyp|gypi|cc|cpp|c|h|hpp|d|stamp)$|(^|[/\\])(obj\.target|\.deps|test_extension\.node$)|(^|[/\\])Makefile$/;
/** prebuilds/<platform>-<arch>[+<arch>…]/ for another platform or CPU than this one. */
const foreignPrebuild = (inside) => {
  const m = /^prebuilds[/\\]([^/\\]+)/.exec(inside);
  if (!m) return false;
  const [platform, ...archs] = m[1].split('-');
  return platform !== process.platform || !archs.join('-').split('+').includes(process.arch);
};

const pkgDir = join(out, 'baomi');
const tarball = (version) =>
  join(out, `baomi-agent-${version}-${process.platform}-${process.arch}.tar.gz`);
// Only what this script makes is replaced: never the folder it was given.
rmSync(pkgDir, { recursive: true, force: true });
mkdirSync(pkgDir, { recursive: true });

const windows = process.platform === 'win32';
const nodeName = windows ? 'node.exe' : 'node';
copyFileSync(process.execPath, join(pkgDir, nodeName));
if (!windows) chmodSync(join(pkgDir, nodeName), 0o755);

for (const d of DIST) cpSync(join(root, 'dist', d), join(pkgDir, 'dist', d), { recursive: true });
cpSync(join(root, 'bin'), join(pkgDir, 'bin'), { recursive: true });
cpSync(join(root, 'native'), join(pkgDir, 'native'), { recursive: true });
// WinSW runs baomi-agent.xml beside its own exe, %BASE% being that folder, where node.exe is:
// the service files go to the top of the package on Windows (install-service.ps1 expects them).
if (windows)
  for (const f of ['baomi-agent.xml', 'install-service.ps1'])
    copyFileSync(join(root, 'native/windows', f), join(pkgDir, f));
for (const f of ['README.md', 'LICENSE'])
  if (existsSync(join(root, f))) copyFileSync(join(root, f), join(pkgDir, f));

const packages = productionPackages();
for (const p of packages) {
  const rel = relative(root, p);
  const native = existsSync(join(p, 'binding.gyp'));
  cpSync(p, join(pkgDir, rel), {
    recursive: true,
    // Nested node_modules are copied as packages of their own, only when in the closure; a
    // native module (binding.gyp) without what its build left behind.
    filter: (src) => {
      const inside = relative(p, src);
      if (inside.split(sep).includes('node_modules')) return false;
      if (!native) return true;
      return !BUILD_LEFTOVERS.test(inside) && !foreignPrebuild(inside);
    },
  });
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
writeFileSync(
  join(pkgDir, 'package.json'),
  `${JSON.stringify(
    {
      name: pkg.name,
      version: pkg.version,
      private: true,
      type: pkg.type,
      license: pkg.license,
      bin: pkg.bin,
      engines: pkg.engines,
      dependencies: pkg.dependencies,
    },
    null,
    2,
  )}\n`,
);

// The command with this package's node, wherever the package is (symlinked into /usr/bin too).
writeFileSync(
  join(pkgDir, 'bin', 'baomi'),
  [
    '#!/bin/sh',
    '# `baomi` with the Node runtime shipped beside it (scripts/pack-agent.mjs). Follows the',
    '# links to this file (/usr/bin/baomi) without `readlink -f`, which older macOS lacks.',
    'f=$0',
    'while [ -L "$f" ]; do',
    '  l=$(readlink "$f")',
    '  case $l in /*) f=$l ;; *) f=$(dirname "$f")/$l ;; esac',
    'done',
    'here=$(cd -P "$(dirname "$f")" && pwd)',
    'exec "$here/../node" "$here/baomi.js" "$@"',
    '',
  ].join('\n'),
);
chmodSync(join(pkgDir, 'bin', 'baomi'), 0o755);
writeFileSync(
  join(pkgDir, 'bin', 'baomi.cmd'),
  '@echo off\r\nrem `baomi` with the Node runtime shipped beside it (scripts/pack-agent.mjs).\r\n"%~dp0..\\node.exe" "%~dp0baomi.js" %*\r\n',
);

// What this package was built for: a runtime and native modules work only there.
const natives = [];
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const f = join(dir, e.name);
    if (e.isDirectory()) walk(f);
    else if (e.name.endsWith('.node')) natives.push(relative(pkgDir, f).split(sep).join('/'));
  }
};
walk(join(pkgDir, 'node_modules'));
const manifest = {
  name: 'baomi-agent',
  version: pkg.version,
  node: process.versions.node,
  modules: process.versions.modules,
  platform: process.platform,
  arch: process.arch,
  packages: packages.length,
  native: natives.sort(),
  // On Linux, what the runtime and the native modules need from the system's libraries (the
  // newest glibc symbol version, libstdc++'s…): the .deb and .rpm depend on exactly that, so a
  // package built on a newer distribution than a target is refused there, not installed to fail.
  ...(process.platform === 'linux'
    ? {
        needs: systemNeeds([
          join(pkgDir, nodeName),
          ...natives.filter((f) => !/\.musl\./.test(f)).map((f) => join(pkgDir, f)),
        ]),
      }
    : {}),
};
writeFileSync(join(pkgDir, 'MANIFEST.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(
  `pack-agent: ${pkgDir} (node ${manifest.node}, ${manifest.packages} packages, ${natives.length} native modules)`,
);

if (args.tar) {
  const file = tarball(pkg.version);
  rmSync(file, { force: true });
  const r = spawnSync('tar', ['-czf', file, '-C', out, basename(pkgDir)], { stdio: 'inherit' });
  if (r.status !== 0) fail(`tar failed (${r.status ?? r.signal})`);
  console.log(`pack-agent: ${file}`);
}
