// The kernel and initramfs of the USB test VM, built once and cached between runs.
//
// Kernel: Debian's own `linux-image-*-amd64`, the package `linux-image-amd64` depends on,
// fetched with `apt-get download` and unpacked with `dpkg-deb -x`. Its drivers for virtio, 9p,
// xHCI, usb-storage and HID are modules, and the package carries no modules.dep, so we run
// `depmod` over the unpacked tree, read the dependency closure of the modules the VM needs from
// modules.dep and keep only those (a few MB instead of 400).
//
// Initramfs: an uncompressed newc cpio (the kernel needs nothing to unpack it) with the host's
// static busybox, those modules with their own modules.dep, and init.sh as /init.
//
// Cache: $BAOMI_E2E_CACHE, else $XDG_CACHE_HOME/baomi-e2e, else ~/.cache/baomi-e2e, outside the
// test run's TMPDIR (removed after every run) so a machine downloads a kernel once per Debian
// kernel update. Entries are written to a temporary name and renamed into place, so two test
// files building at once both end with the same complete entry; delete the folder to rebuild.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export const INIT_SCRIPT = join(import.meta.dirname, 'init.sh');

/**
 * Loaded by init.sh in this order (modprobe pulls in each one's dependencies). usbhid and
 * hid_generic make a keyboard work once authorized; overlay gives the guest a writable root;
 * sdhci_pci (QEMU's `sdhci-pci`, with mmc_core) and mmc_block make an SD card a /dev/mmcblk*
 * (the built-in card reader scenarios). mmc_block comes after sdhci_pci, so a card present at
 * boot is bound as on a laptop that boots with a card in its reader.
 */
export const GUEST_MODULES = [
  'virtio_pci',
  'virtio_console',
  '9pnet_virtio',
  '9p',
  'overlay',
  'xhci_pci',
  'usb_storage',
  'sd_mod',
  'usbhid',
  'hid_generic',
  'sdhci_pci',
  'mmc_block',
];

export interface KernelFiles {
  /** The Debian package, e.g. linux-image-6.1.0-57-amd64 6.1.192-3. */
  package: string;
  release: string;
  vmlinuz: string;
  initramfs: string;
}

export function cacheRoot(): string {
  if (process.env.BAOMI_E2E_CACHE) return process.env.BAOMI_E2E_CACHE;
  const xdg = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(xdg, 'baomi-e2e');
}

function run(cmd: string, args: string[], opts: { cwd?: string } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}: ${r.stderr.trim()}`);
  }
  return r.stdout;
}

/**
 * The versioned kernel package `linux-image-amd64` depends on, and its version, per apt: one
 * `apt-cache` call, since its Depends line names the exact version
 * (`linux-image-6.1.0-57-amd64 (= 6.1.192-3)`).
 */
function resolveKernelPackage(): { name: string; version: string } {
  const show = run('apt-cache', ['show', '--no-all-versions', 'linux-image-amd64']);
  const m = /^Depends:.*?\b(linux-image-\S+-amd64) \(= ([^)\s]+)\)/m.exec(show);
  if (!m?.[1] || !m[2]) {
    throw new Error(`apt-cache show linux-image-amd64 names no versioned kernel:\n${show}`);
  }
  return { name: m[1], version: m[2] };
}

/** Renames `tmp` to `final` unless another process got there first. */
function publish(tmp: string, final: string): void {
  try {
    renameSync(tmp, final);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && existsSync(final)) {
      rmSync(tmp, { recursive: true, force: true });
      return;
    }
    throw e;
  }
}

/**
 * `<cache>/kernels/<package>_<version>/`: vmlinuz, and lib/modules/<release>/ holding only the
 * closure of GUEST_MODULES with its own modules.dep.
 */
function kernelEntry(root: string): { dir: string; pkg: string } {
  const kernels = join(root, 'kernels');
  mkdirSync(kernels, { recursive: true });
  try {
    return buildKernelEntry(kernels);
  } catch (e) {
    // Offline, or a stale apt index: a kernel built before will do, said aloud.
    const have = readdirSync(kernels).filter(
      (n) => n.endsWith(`+m${modulesTag()}`) && existsSync(join(kernels, n, 'vmlinuz')),
    );
    const last = have.sort().at(-1);
    if (last) {
      console.warn(`USB VM: using the cached ${last}: ${(e as Error).message}`);
      return { dir: join(kernels, last), pkg: last };
    }
    throw new Error(
      `cannot get a kernel for the USB test VM: ${(e as Error).message}\n(needs the Debian archive: run apt-get update; or set BAOMI_E2E_CACHE to a folder holding a built kernel)`,
    );
  }
}

/**
 * The cache entry's name: the kernel package, and a digest of GUEST_MODULES, since an entry
 * keeps only those modules: a list that grows gets an entry of its own, never one that lacks
 * a module the new init.sh loads.
 */
const modulesTag = () =>
  createHash('sha256').update(GUEST_MODULES.join(' ')).digest('hex').slice(0, 8);

function buildKernelEntry(kernels: string): { dir: string; pkg: string } {
  const pkg = resolveKernelPackage();
  const key = `${pkg.name}_${pkg.version}+m${modulesTag()}`;
  const dir = join(kernels, key);
  if (existsSync(join(dir, 'vmlinuz'))) return { dir, pkg: key };

  const work = mkdtempSync(join(kernels, '.build-'));
  try {
    const dl = join(work, 'dl');
    mkdirSync(dl);
    run('apt-get', ['download', `${pkg.name}=${pkg.version}`], { cwd: dl });
    const deb = readdirSync(dl).find((n) => n.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download ${pkg.name} left no .deb`);
    const tree = join(work, 'tree');
    run('dpkg-deb', ['-x', join(dl, deb), tree]);
    const release = readdirSync(join(tree, 'lib/modules'))[0];
    if (!release) throw new Error(`${deb} holds no lib/modules/<release>`);
    run('depmod', ['-b', tree, release]);

    const out = join(work, 'out');
    const srcMods = join(tree, 'lib/modules', release);
    const dstMods = join(out, 'lib/modules', release);
    for (const rel of moduleClosure(readFileSync(join(srcMods, 'modules.dep'), 'utf8'))) {
      mkdirSync(dirname(join(dstMods, rel)), { recursive: true });
      copyFileSync(join(srcMods, rel), join(dstMods, rel));
    }
    for (const f of ['modules.order', 'modules.builtin', 'modules.builtin.modinfo']) {
      if (existsSync(join(srcMods, f))) copyFileSync(join(srcMods, f), join(dstMods, f));
    }
    run('depmod', ['-b', out, release]);
    copyFileSync(join(tree, 'boot', `vmlinuz-${release}`), join(out, 'vmlinuz'));
    writeFileSync(join(out, 'release'), release);
    publish(out, dir);
    return { dir, pkg: key };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The paths (relative to lib/modules/<release>) of GUEST_MODULES and everything they need. */
export function moduleClosure(modulesDep: string): string[] {
  const deps = new Map<string, string[]>();
  const byName = new Map<string, string>();
  for (const line of modulesDep.split('\n')) {
    const [mod, rest] = line.split(':');
    if (!mod || rest === undefined) continue;
    deps.set(mod, rest.trim().split(/\s+/).filter(Boolean));
    const name = mod
      .replace(/^.*\//, '')
      .replace(/\.ko(\.(xz|gz|zst))?$/, '')
      .replace(/-/g, '_');
    byName.set(name, mod);
  }
  const need = new Set<string>();
  for (const name of GUEST_MODULES) {
    const mod = byName.get(name);
    if (!mod) throw new Error(`module ${name} is not in this kernel's modules.dep (built in?)`);
    need.add(mod);
    for (const d of deps.get(mod) ?? []) need.add(d);
  }
  return [...need].sort();
}

function hashOf(parts: (string | Buffer)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 16);
}

/** Builds (or finds) the kernel and initramfs; throws with the reason when it cannot. */
export function prepareKernel(): KernelFiles {
  const root = cacheRoot();
  const { dir, pkg } = kernelEntry(root);
  const release = readFileSync(join(dir, 'release'), 'utf8').trim();
  const busybox = run('sh', ['-c', 'command -v busybox']).trim();
  const init = readFileSync(INIT_SCRIPT);
  const bb = statSync(busybox);
  const key = hashOf([init, GUEST_MODULES.join(' '), `${busybox}:${bb.size}:${bb.mtimeMs}`]);
  const initramfs = join(dir, `initramfs-${key}.cpio`);
  if (!existsSync(initramfs)) {
    const work = mkdtempSync(join(dir, '.initramfs-'));
    try {
      const tree = join(work, 'tree');
      for (const d of ['bin', 'etc/baomi-vm', 'lib']) mkdirSync(join(tree, d), { recursive: true });
      copyFileSync(busybox, join(tree, 'bin/busybox'));
      copyFileSync(INIT_SCRIPT, join(tree, 'init'));
      execFileSync('chmod', ['0755', join(tree, 'bin/busybox'), join(tree, 'init')]);
      writeFileSync(join(tree, 'etc/baomi-vm/modules'), `${GUEST_MODULES.join('\n')}\n`);
      execFileSync('cp', ['-a', join(dir, 'lib/modules'), join(tree, 'lib/')]);
      const cpio = join(work, 'initramfs.cpio');
      run('sh', ['-c', `find . -print0 | cpio --null -o -H newc --quiet > "${cpio}"`], {
        cwd: tree,
      });
      publish(cpio, initramfs);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return { package: pkg, release, vmlinuz: join(dir, 'vmlinuz'), initramfs };
}
