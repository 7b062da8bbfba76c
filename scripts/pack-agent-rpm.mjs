// The agent's RPM package (issue 14 §7), for RHEL, Rocky, Alma, Fedora and SUSE: the same
// layout as the .deb (scripts/agent-system-tree.mjs: /usr/lib/baomi, the systemd unit, the
// udev rule and its helper, /usr/bin/baomi), built with rpmbuild from the packed tree, owned by
// root whoever builds it. Its scriptlets make the baomi-admin group, enable and start the
// service on the first install (an admin's disable or mask is kept on upgrades), restart it on
// an upgrade, and stop and disable it on removal. Depends on what its binaries ask of the
// system's libraries, as rpm's own generator writes it (package-depends.mjs).
//
//   node scripts/pack-agent-rpm.mjs [--from DIR] [--out DIR]
// --from: the packed tree (default dist/agent-package/baomi; run pack-agent.mjs first).
// --out: where baomi-agent-<version>-1.<arch>.rpm goes (default dist/agent-package).
// Removing the package stops the agent (the USB ports stay sealed until reboot); the event log
// in /var/lib/baomi is not the package's and stays (evidence is deleted by a person).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  description,
  packedLinuxAgent,
  stageSystemTree,
  systemPackageArgs,
  UNIT,
} from './agent-system-tree.mjs';
import { rpmRequires } from './package-depends.mjs';

const { from, out, fail } = systemPackageArgs(
  'pack-agent-rpm',
  'baomi-agent-<version>-1.<arch>.rpm',
);

if (spawnSync('rpmbuild', ['--version']).status !== 0)
  fail(
    'rpmbuild is not installed (Debian and Ubuntu: apt-get install rpm; RHEL: dnf install rpm-build)',
  );
const manifest = packedLinuxAgent(from, fail);
/** RPM's names for Node's architectures, and their word size (rpm marks 64-bit sonames). */
const ARCH = {
  x64: ['x86_64', 64],
  arm64: ['aarch64', 64],
  ppc64: ['ppc64le', 64],
  s390x: ['s390x', 64],
  arm: ['armv7hl', 32],
  ia32: ['i686', 32],
};
const [arch, bits] = ARCH[manifest.arch] ?? fail(`no RPM architecture for ${manifest.arch}`);
// RPM versions cannot hold '-'; '~' sorts a pre-release before its release, as semver does.
const version = manifest.version.replaceAll('-', '~');

const work = mkdtempSync(join(tmpdir(), 'baomi-rpm-'));
// fail() ends the process: the 150 MB staging copies go with it, whatever the way out.
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const stage = join(work, 'root');
mkdirSync(stage);
stageSystemTree(from, stage, fail);

const sh = (lines) => [...lines, 'exit 0'].join('\n');
const spec = [
  // A prebuilt tree: no debug packages, no stripping or byte-compiling, no build-id links, and
  // dependencies written below rather than generated (the generator would also read the
  // musl prebuild usb ships beside the glibc one).
  '%global debug_package %{nil}',
  '%global __os_install_post %{nil}',
  '%global _build_id_links none',
  // gzip: every rpm reads it (zstd needs rpm ≥ 4.14), and it packs 150 MB in seconds.
  '%global _binary_payload w6.gzdio',
  'AutoReqProv: no',
  'Name: baomi-agent',
  `Version: ${version}`,
  'Release: 1',
  'Summary: Baomi (保密) data-leak-prevention agent',
  'License: Proprietary',
  'URL: https://baomi.invalid/',
  ...rpmRequires(manifest.needs, bits).map((r) => `Requires: ${r}`),
  'Requires: /bin/sh',
  // groupadd: shadow-utils on RHEL and Fedora, shadow on SUSE.
  'Requires(post): (shadow-utils or shadow)',
  'Recommends: systemd-udev',
  '',
  '%description',
  ...description(manifest),
  '',
  '%install',
  `cp -a '${stage}'/. "%{buildroot}"/`,
  '',
  '%files',
  '%defattr(-,root,root,-)',
  '/usr/lib/baomi',
  '/usr/bin/baomi',
  '/usr/lib/systemd/system/baomi-agent.service',
  '/usr/lib/udev/rules.d/70-baomi-usb-ro.rules',
  '',
  // $1: 1 on the first install, 2 on an upgrade (post); 0 on removal (preun, postun).
  '%post',
  sh([
    '# Security staff on this computer (admin.sock 0660 to this group): empty until IT adds them.',
    'groupadd -r -f baomi-admin || echo "baomi-agent: could not make the baomi-admin group" >&2',
    'if [ -d /run/udev ] && command -v udevadm >/dev/null; then udevadm control --reload || :; fi',
    'if command -v systemctl >/dev/null; then',
    '  # Enabled on the first install (offline too: an image being built); a masked or disabled',
    '  # unit stays so on upgrades.',
    `  if [ "$1" -eq 1 ]; then systemctl enable ${UNIT} >/dev/null 2>&1 || :; fi`,
    '  if [ -d /run/systemd/system ]; then',
    '    systemctl daemon-reload >/dev/null 2>&1 || :',
    '    # A new version takes over at once; the ports stay sealed in between (fail closed).',
    `    if systemctl --quiet is-enabled ${UNIT}; then`,
    `      if [ "$1" -eq 1 ]; then systemctl start ${UNIT} || :; else systemctl restart ${UNIT} || :; fi`,
    '    fi',
    `    systemctl --quiet is-active ${UNIT} ||`,
    `      echo "baomi-agent: the service is not running; see journalctl -u ${UNIT}" >&2`,
    '  fi',
    'fi',
  ]),
  '',
  '%preun',
  sh([
    `if [ "$1" -eq 0 ] && command -v systemctl >/dev/null; then`,
    `  systemctl --no-reload disable --now ${UNIT} >/dev/null 2>&1 || :`,
    'fi',
    '# Erased, not upgraded: the seal goes with the agent (refused, and said, while one answers).',
    'if [ "$1" -eq 0 ]; then /usr/bin/baomi usb release || :; fi',
  ]),
  '',
  '%postun',
  sh([
    '# The event log (/var/lib/baomi) is not the package’s: it stays, as evidence.',
    'if [ -d /run/systemd/system ]; then systemctl daemon-reload >/dev/null 2>&1 || :; fi',
    'if [ -d /run/udev ] && command -v udevadm >/dev/null; then udevadm control --reload || :; fi',
  ]),
  '',
].join('\n');
const specFile = join(work, 'baomi-agent.spec');
writeFileSync(specFile, spec);

mkdirSync(out, { recursive: true });
const file = join(out, `baomi-agent-${version}-1.${arch}.rpm`);
rmSync(file, { force: true });
const r = spawnSync(
  'rpmbuild',
  [
    '-bb',
    '--nodeps',
    '--target',
    arch,
    '--define',
    `_topdir ${join(work, 'top')}`,
    '--define',
    `_rpmdir ${out}`,
    '--define',
    '_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm',
    '--buildroot',
    join(work, 'buildroot'),
    specFile,
  ],
  { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
);
if (r.status !== 0)
  fail(`rpmbuild failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-15).join('\n')}`);
if (!existsSync(file)) fail(`rpmbuild made no ${file}`);
console.log(`pack-agent-rpm: ${file}`);
