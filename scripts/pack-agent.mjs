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

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const at = argv.indexOf('--out');
const out = at >= 0 ? resolve(argv[at + 1] ?? '') : join(root, 'dist/agent-package');
const fail = (msg) => {
  console.error(`pack-agent: ${msg}`);
  process.exit(1);
};

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19))
  fail(`this Node is ${process.versions.node}; the agent needs ≥ 20.19 (package.json engines)`);
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
      if (d === root || dirname(d) === d) break;
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

/** What a native module's build leaves that the runtime never loads (sources, objects). */
const BUILD_LEFTOVERS = /[/\\](deps|src|obj\.target|\.deps)([/\\]|$)|\.(o|a|mk|gyp|gypi|cc|c|h)$/;

const pkgDir = join(out, 'baomi');
rmSync(out, { recursive: true, force: true });
mkdirSync(pkgDir, { recursive: true });

const windows = process.platform === 'win32';
const nodeName = windows ? 'node.exe' : 'node';
copyFileSync(process.execPath, join(pkgDir, nodeName));
if (!windows) chmodSync(join(pkgDir, nodeName), 0o755);

for (const d of DIST) cpSync(join(root, 'dist', d), join(pkgDir, 'dist', d), { recursive: true });
cpSync(join(root, 'bin'), join(pkgDir, 'bin'), { recursive: true });
cpSync(join(root, 'native'), join(pkgDir, 'native'), { recursive: true });
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
      if (!native || src.endsWith('.node')) return true;
      return !BUILD_LEFTOVERS.test(`${sep}${inside}`);
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
  '#!/bin/sh\n# `baomi` with the Node runtime shipped beside it (scripts/pack-agent.mjs).\nhere=$(dirname "$(readlink -f "$0")")\nexec "$here/../node" "$here/baomi.js" "$@"\n',
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
};
writeFileSync(join(pkgDir, 'MANIFEST.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(
  `pack-agent: ${pkgDir} (node ${manifest.node}, ${manifest.packages} packages, ${natives.length} native modules)`,
);

if (argv.includes('--tar')) {
  const file = join(out, `baomi-agent-${pkg.version}-${process.platform}-${process.arch}.tar.gz`);
  const r = spawnSync('tar', ['-czf', file, '-C', out, basename(pkgDir)], { stdio: 'inherit' });
  if (r.status !== 0) fail(`tar failed (${r.status ?? r.signal})`);
  console.log(`pack-agent: ${file}`);
}
