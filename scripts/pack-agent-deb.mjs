// The agent's Debian package (issue 14 §7): the tree scripts/pack-agent.mjs made, at
// /usr/lib/baomi as the service files expect it, with the systemd unit, the udev rule and its
// helper in their places, /usr/bin/baomi, and maintainer scripts that make the baomi-admin
// group and enable and start the service. Built with dpkg-deb (Debian's own tool, on every
// Debian and Ubuntu machine), owned by root whoever builds it.
//
//   node scripts/pack-agent-deb.mjs [--from DIR] [--out DIR]
// --from: the packed tree (default dist/agent-package/baomi; run pack-agent.mjs first).
// --out: where baomi-agent_<version>_<arch>.deb goes (default dist/agent-package).
// Removing the package stops the agent (the USB ports stay sealed until reboot); purging it
// keeps the event log in /var/lib/baomi (evidence is deleted by a person, never by a package
// tool).
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scriptArgs } from './script-args.mjs';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const USAGE = `usage: node scripts/pack-agent-deb.mjs [--from DIR] [--out DIR]
  --from DIR  the tree pack-agent.mjs made; default dist/agent-package/baomi
  --out DIR   where baomi-agent_<version>_<arch>.deb goes; default dist/agent-package`;
const fail = (msg) => {
  console.error(`pack-agent-deb: ${msg}`);
  process.exit(1);
};
const args = scriptArgs(
  'pack-agent-deb',
  USAGE,
  { from: { type: 'string' }, out: { type: 'string' } },
  ['from', 'out'],
);
const from = resolve(args.from ?? join(root, 'dist/agent-package/baomi'));
const out = resolve(args.out ?? join(root, 'dist/agent-package'));

if (spawnSync('dpkg-deb', ['--version']).status !== 0)
  fail('dpkg-deb is not installed (it comes with dpkg, on Debian and Ubuntu)');
let manifest;
try {
  manifest = JSON.parse(readFileSync(join(from, 'MANIFEST.json'), 'utf8'));
} catch {
  fail(`${from} holds no packed agent (MANIFEST.json); run node scripts/pack-agent.mjs first`);
}
if (manifest.platform !== 'linux') fail(`${from} was packed for ${manifest.platform}, not Linux`);
/** Debian's names for Node's architectures. */
const ARCH = { x64: 'amd64', arm64: 'arm64', arm: 'armhf', ia32: 'i386', ppc64: 'ppc64el' };
const arch = ARCH[manifest.arch] ?? fail(`no Debian architecture for ${manifest.arch}`);
const version = manifest.version;

const stage = mkdtempSync(join(tmpdir(), 'baomi-deb-'));
// fail() ends the process: the 150 MB staging copy goes with it, whatever the way out.
process.on('exit', () => rmSync(stage, { recursive: true, force: true }));
chmodSync(stage, 0o755); // the package's ./ is the system's /
const lib = join(stage, 'usr/lib/baomi');
mkdirSync(join(stage, 'usr/lib'), { recursive: true });
cpSync(from, lib, { recursive: true, verbatimSymlinks: true });
// The udev rule runs the helper from here (native/udev/70-baomi-usb-ro.rules).
copyFileSync(join(from, 'native/udev/baomi-usb-ro'), join(lib, 'baomi-usb-ro'));
chmodSync(join(lib, 'baomi-usb-ro'), 0o755);
mkdirSync(join(stage, 'usr/bin'), { recursive: true });
symlinkSync('../lib/baomi/bin/baomi', join(stage, 'usr/bin/baomi'));
const place = (src, dir, name) => {
  mkdirSync(join(stage, dir), { recursive: true });
  copyFileSync(join(from, src), join(stage, dir, name));
  chmodSync(join(stage, dir, name), 0o644);
};
// Under /usr (merged-/usr, DEP17): a later move from /lib would let dpkg lose the files.
place('native/systemd/baomi-agent.service', 'usr/lib/systemd/system', 'baomi-agent.service');
place('native/udev/70-baomi-usb-ro.rules', 'usr/lib/udev/rules.d', '70-baomi-usb-ro.rules');
// Whatever the builder's umask: nothing in the package writable but by root.
const modes = spawnSync('chmod', ['-R', 'go-w', stage]);
if (modes.status !== 0) fail('chmod -R go-w failed on the staging folder');

const debian = join(stage, 'DEBIAN');
mkdirSync(debian);
const du = spawnSync('du', ['-sk', '--exclude=DEBIAN', stage], { encoding: 'utf8' });
const installedKiB = Number.parseInt(du.stdout, 10);
writeFileSync(
  join(debian, 'control'),
  [
    'Package: baomi-agent',
    `Version: ${version}`,
    `Architecture: ${arch}`,
    'Maintainer: Baomi <it@baomi.invalid>',
    // nodejs.org's Linux builds need glibc 2.28; the runtime is shipped, not depended on.
    'Depends: libc6 (>= 2.28), passwd',
    'Recommends: udev',
    'Section: admin',
    'Priority: optional',
    ...(Number.isSafeInteger(installedKiB) ? [`Installed-Size: ${installedKiB}`] : []),
    'Description: Baomi (保密) data-leak-prevention agent',
    ' Seals USB storage unless a signed policy or exception allows it, watches classified',
    ' folders, reminds idle people to lock their screen, and keeps every event in a',
    ' tamper-evident local log. Runs as the baomi-agent systemd service (root), with its',
    ` own Node.js ${manifest.node} runtime in /usr/lib/baomi.`,
    '',
  ].join('\n'),
);
const script = (name, lines) => {
  writeFileSync(join(debian, name), `#!/bin/sh\nset -e\n${lines.join('\n')}\n`);
  chmodSync(join(debian, name), 0o755);
};
// Debian's conventions for a service (what debhelper's snippets do): deb-systemd-helper
// keeps an admin's disable or mask across upgrades, deb-systemd-invoke honours policy-rc.d,
// and neither fails the install (a masked unit, no systemd, a chroot).
const UNIT = 'baomi-agent.service';
script('postinst', [
  'case "$1" in configure | abort-upgrade | abort-deconfigure | abort-remove)',
  '  # Security staff on this computer (admin.sock 0660 to this group): empty until IT adds them.',
  '  getent group baomi-admin >/dev/null || groupadd --system baomi-admin',
  '  if [ -d /run/udev ] && command -v udevadm >/dev/null; then udevadm control --reload || true; fi',
  '  if command -v deb-systemd-helper >/dev/null; then',
  '    # Enabled on the first install; an admin who disabled it keeps it disabled.',
  `    if deb-systemd-helper --quiet was-enabled ${UNIT}; then`,
  `      deb-systemd-helper enable ${UNIT} >/dev/null || true`,
  '    else',
  `      deb-systemd-helper update-state ${UNIT} >/dev/null || true`,
  '    fi',
  '  fi',
  '  if [ -d /run/systemd/system ]; then',
  '    systemctl --system daemon-reload >/dev/null || true',
  '    # A new version takes over at once; the ports stay sealed in between (fail closed).',
  '    if [ -n "$2" ]; then action=restart; else action=start; fi',
  '    if command -v deb-systemd-invoke >/dev/null; then',
  `      deb-systemd-invoke "$action" ${UNIT} >/dev/null || true`,
  '    else',
  `      systemctl "$action" ${UNIT} >/dev/null || true`,
  '    fi',
  `    systemctl is-active --quiet ${UNIT} ||`,
  `      echo "baomi-agent: the service is not running; see journalctl -u ${UNIT}" >&2`,
  '  fi',
  '  ;;',
  'esac',
]);
script('prerm', [
  'if [ "$1" = remove ] && [ -d /run/systemd/system ]; then',
  `  deb-systemd-invoke stop ${UNIT} >/dev/null 2>&1 || systemctl stop ${UNIT} || true`,
  'fi',
]);
script('postrm', [
  '# The event log (/var/lib/baomi) is kept, purge included: it is evidence.',
  'if [ -d /run/systemd/system ]; then systemctl --system daemon-reload >/dev/null || true; fi',
  'if [ -d /run/udev ] && command -v udevadm >/dev/null; then udevadm control --reload || true; fi',
  'if command -v deb-systemd-helper >/dev/null; then',
  `  if [ "$1" = remove ]; then deb-systemd-helper mask ${UNIT} >/dev/null || true; fi`,
  '  if [ "$1" = purge ]; then',
  `    deb-systemd-helper purge ${UNIT} >/dev/null || true`,
  `    deb-systemd-helper unmask ${UNIT} >/dev/null || true`,
  '  fi',
  'fi',
]);

mkdirSync(out, { recursive: true });
const file = join(out, `baomi-agent_${version}_${arch}.deb`);
rmSync(file, { force: true });
// gzip: every dpkg reads it, and it packs the 150 MB tree in seconds (xz took a minute).
const r = spawnSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', stage, file], {
  encoding: 'utf8',
});
if (r.status !== 0) fail(`dpkg-deb failed: ${(r.stderr || r.stdout).trim()}`);
if (!existsSync(file)) fail(`dpkg-deb made no ${file}`);
console.log(`pack-agent-deb: ${file}`);
