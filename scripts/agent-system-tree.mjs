// The agent as a Linux system lays it out, shared by the .deb and the .rpm
// (scripts/pack-agent-deb.mjs, scripts/pack-agent-rpm.mjs): the tree pack-agent.mjs made at
// /usr/lib/baomi as the service files expect it, the udev rule's helper beside it, the systemd
// unit and the udev rule under /usr/lib (merged /usr: a later move from /lib would let a package
// manager lose the files), /usr/bin/baomi, nothing writable but by root.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scriptArgs } from './script-args.mjs';

export const UNIT = 'baomi-agent.service';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

/**
 * The flags of a system package script (`name`, making `made`): --from, --out, --help, strict;
 * with the folders resolved and its fail(), which says why in one line and exits 1.
 */
export function systemPackageArgs(name, made) {
  const usage = `usage: node scripts/${name}.mjs [--from DIR] [--out DIR]
  --from DIR  the tree pack-agent.mjs made; default dist/agent-package/baomi
  --out DIR   where ${made} goes; default dist/agent-package`;
  const args = scriptArgs(name, usage, { from: { type: 'string' }, out: { type: 'string' } }, [
    'from',
    'out',
  ]);
  return {
    from: resolve(args.from ?? join(root, 'dist/agent-package/baomi')),
    out: resolve(args.out ?? join(root, 'dist/agent-package')),
    fail: (msg) => {
      console.error(`${name}: ${msg}`);
      process.exit(1);
    },
  };
}

/** The files the packages install outside /usr/lib/baomi, and their modes. */
export const SYSTEM_FILES = {
  '/usr/lib/systemd/system/baomi-agent.service': 0o644,
  '/usr/lib/udev/rules.d/70-baomi-usb-ro.rules': 0o644,
};

/** MANIFEST.json of a Linux tree packed by pack-agent.mjs, or `fail` says why not. */
export function packedLinuxAgent(from, fail) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(from, 'MANIFEST.json'), 'utf8'));
  } catch {
    fail(`${from} holds no packed agent (MANIFEST.json); run node scripts/pack-agent.mjs first`);
  }
  if (manifest.platform !== 'linux') fail(`${from} was packed for ${manifest.platform}, not Linux`);
  if (!manifest.needs)
    fail(`${from} does not say what it needs from the system; pack it again with this checkout`);
  return manifest;
}

/** Lays the packed tree `from` out under `stage` (the system's /). */
export function stageSystemTree(from, stage, fail) {
  chmodSync(stage, 0o755); // the package's ./ is the system's /
  const lib = join(stage, 'usr/lib/baomi');
  mkdirSync(join(stage, 'usr/lib'), { recursive: true });
  cpSync(from, lib, { recursive: true, verbatimSymlinks: true });
  // The udev rule runs the helper from here (native/udev/70-baomi-usb-ro.rules).
  copyFileSync(join(from, 'native/udev/baomi-usb-ro'), join(lib, 'baomi-usb-ro'));
  chmodSync(join(lib, 'baomi-usb-ro'), 0o755);
  mkdirSync(join(stage, 'usr/bin'), { recursive: true });
  symlinkSync('../lib/baomi/bin/baomi', join(stage, 'usr/bin/baomi'));
  const place = (src, path) => {
    const dir = join(stage, path, '..');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(from, src), join(stage, path));
    chmodSync(join(stage, path), SYSTEM_FILES[path]);
  };
  place('native/systemd/baomi-agent.service', '/usr/lib/systemd/system/baomi-agent.service');
  place('native/udev/70-baomi-usb-ro.rules', '/usr/lib/udev/rules.d/70-baomi-usb-ro.rules');
  // Whatever the builder's umask: nothing in the package writable but by root.
  const modes = spawnSync('chmod', ['-R', 'go-w', stage]);
  if (modes.status !== 0) fail('chmod -R go-w failed on the staging folder');
}

/** The package's description, the same for both formats. */
export function description(manifest) {
  return [
    'Seals USB storage unless a signed policy or exception allows it, watches classified',
    'folders, reminds idle people to lock their screen, and keeps every event in a',
    'tamper-evident local log. Runs as the baomi-agent systemd service (root), with its',
    `own Node.js ${manifest.node} runtime in /usr/lib/baomi.`,
  ];
}
