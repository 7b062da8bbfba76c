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
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  description,
  packedLinuxAgent,
  stageSystemTree,
  systemPackageArgs,
  UNIT,
} from './agent-system-tree.mjs';
import { debianDepends } from './package-depends.mjs';

const { from, out, fail } = systemPackageArgs('pack-agent-deb', 'baomi-agent_<version>_<arch>.deb');

if (spawnSync('dpkg-deb', ['--version']).status !== 0)
  fail('dpkg-deb is not installed (it comes with dpkg, on Debian and Ubuntu)');
const manifest = packedLinuxAgent(from, fail);
/** Debian's names for Node's architectures. */
const ARCH = { x64: 'amd64', arm64: 'arm64', arm: 'armhf', ia32: 'i386', ppc64: 'ppc64el' };
const arch = ARCH[manifest.arch] ?? fail(`no Debian architecture for ${manifest.arch}`);
const version = manifest.version;

const stage = mkdtempSync(join(tmpdir(), 'baomi-deb-'));
// fail() ends the process: the 150 MB staging copy goes with it, whatever the way out.
process.on('exit', () => rmSync(stage, { recursive: true, force: true }));
stageSystemTree(from, stage, fail);

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
    // What the shipped runtime and native modules ask of the system's libraries (a native
    // module built here on glibc 2.36 needs 2.34, not the 2.28 nodejs.org's node needs).
    `Depends: ${[...debianDepends(manifest.needs, fail), 'passwd'].join(', ')}`,
    'Recommends: udev',
    'Section: admin',
    'Priority: optional',
    ...(Number.isSafeInteger(installedKiB) ? [`Installed-Size: ${installedKiB}`] : []),
    'Description: Baomi (保密) data-leak-prevention agent',
    ...description(manifest).map((l) => ` ${l}`),
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
script('postinst', [
  'case "$1" in configure | abort-upgrade | abort-deconfigure | abort-remove)',
  '  # Security staff on this computer (admin.sock 0660 to this group): empty until IT adds them.',
  '  getent group baomi-admin >/dev/null || groupadd --system baomi-admin',
  '  if [ -d /run/udev ] && command -v udevadm >/dev/null; then udevadm control --reload || true; fi',
  '  if command -v deb-systemd-helper >/dev/null; then',
  '    # The mask postrm put on at removal (only that one) goes: installed again, it runs again.',
  `    deb-systemd-helper unmask ${UNIT} >/dev/null || true`,
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
  '# Removed, not upgraded: the seal goes with the agent (a stopped agent keeps it; a removed',
  '# one would leave new keyboards unauthorized until the next boot). Refused, and said, while',
  '# an agent still answers.',
  'if [ "$1" = remove ]; then /usr/bin/baomi usb release || true; fi',
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
