// A real Linux kernel for USB tests: QEMU (TCG, no KVM needed) with an emulated xHCI controller
// whose devices a test plugs and pulls through QMP, and a guest that runs this machine's own
// `node` on this checkout.
//
//   const vm = await bootVm();                    // once per test file (beforeAll); ~20 s on TCG
//   await vm.shOk('echo 0 > /sys/bus/usb/devices/usb1/authorized_default');
//   const agent = await vm.spawn(['node', 'bin/baomi.js', 'agent', '--enforce',
//                                 '--data-dir', '/tmp/x', ...]);  // cwd: the checkout
//   await vm.plugStick({ id: 'stick1', serial: 'S1' });          // 46f4:0001 QEMU USB HARDDRIVE
//   const ev = await vm.shOk('node bin/baomi.js events --data-dir /tmp/x --json');
//   await vm.unplug('stick1');  await vm.plugKeyboard('kbd1');
//   await agent.kill('SIGKILL');  await vm.shutdown();          // afterAll
//   await vm.insertCard({ partitioned: true }); await vm.ejectCard();  // the SD card reader
//
// The guest: Debian's stock kernel (kernel.ts), PID 1 init.sh, and the host's / shared through
// read-only virtio-9p under a tmpfs overlay, so every host path (node, the checkout, test temp
// dirs made before boot) reads the same in the guest and every write stays in guest memory
// (the host never sees it: read results back with sh/readGuestFile). /run is a fresh tmpfs;
// /tmp is the host's seen through the overlay (the checkout may live there), so make guest
// folders with mkdtemp rather than fixed names.
// The guest caches what it reads from the host (9p cache=loose: `node -e 1` took 0.3-0.4 s
// against 1.2 s uncached, measured here), so a host file changed after boot may read stale and one created after boot
// may stay absent where the guest looked before: pass such files with writeGuestFile, or put
// them in `vm.share`: a host temp folder mounted read-write at the same path in the guest,
// without overlay or cache, where each side sees the other's files at once. Keep the agent's
// data dir and sockets on the guest's own file systems (/tmp, /run): SQLite's WAL needs shared
// memory and a unix socket needs a local inode, neither of which 9p gives.
//
// Environment: BAOMI_VM_BOOT_TIMEOUT_MS (default 240000), BAOMI_VM_CONSOLE=1 copies the guest
// console to stderr, BAOMI_VM_ACCEL (default tcg: KVM on these machines cannot boot a stock
// kernel), BAOMI_E2E_CACHE (kernel.ts).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GuestChannel, type GuestExit, type GuestReady } from './channel.js';
import { type KernelFiles, prepareKernel } from './kernel.js';
import { Qmp } from './qmp.js';

export type { KernelFiles } from './kernel.js';
export { Qmp } from './qmp.js';

export const CHECKOUT = resolve(import.meta.dirname, '../../../..');
const GUEST_AGENT = join(import.meta.dirname, 'guest-agent.mjs');

export interface ShResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Wall time in the guest. */
  ms: number;
  /** Killed by the guest because timeoutMs passed (a signal without it came from elsewhere). */
  timedOut: boolean;
  /** When it timed out: where the command and its children were waiting, as /proc said. */
  stuck: string;
}

export interface ShOptions {
  /** Default: the checkout. */
  cwd?: string;
  env?: Record<string, string>;
  /** Killed (SIGKILL) after this long; default 120 s. */
  timeoutMs?: number;
}

export interface GuestProcess {
  pid: number;
  /** The guest file holding its stdout and stderr. */
  log: string;
  exited: Promise<GuestExit>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Its output so far. */
  output(): Promise<string>;
}

export interface StickOptions {
  /** QEMU device id, used again by unplug. */
  id: string;
  /** The USB serial string (iSerialNumber). */
  serial: string;
  /** Size of the raw image behind it (sparse); default 16 MiB. */
  sizeMiB?: number;
  /** Report removable media, as real sticks do (default true). */
  removable?: boolean;
}

export interface CardOptions {
  /** Size of the raw image behind the card (sparse; QEMU wants a power of 2); default 16 MiB. */
  sizeMiB?: number;
  /** An MBR with one Linux partition (from 1 MiB to the end), so the card has mmcblk*p1. */
  partitioned?: boolean;
}

export interface Vm {
  readonly kernel: KernelFiles;
  readonly guest: GuestReady;
  /** Finding (or, the first time, fetching and building) the kernel and initramfs. */
  readonly prepareMs: number;
  /** From starting QEMU to the guest's command server answering. */
  readonly bootMs: number;
  readonly checkout: string;
  /** A host folder, also at this path in the guest (read-write, uncached 9p); removed at shutdown. */
  readonly share: string;
  readonly qmp: Qmp;
  /** Runs `/bin/sh -c cmd` in the guest (as root, in the chroot); never throws on exit status. */
  sh(cmd: string, opts?: ShOptions): Promise<ShResult>;
  /** Like sh, but throws with the output when the exit status is not 0; returns stdout. */
  shOk(cmd: string, opts?: ShOptions): Promise<string>;
  /** The error shOk throws for `r`: how it ended, its output, OOM lines, where it waited. */
  failure(r: ShResult, cmd: string): Error;
  /** Starts a long-running guest process (no shell); its output goes to a guest log file. */
  spawn(
    argv: string[],
    opts?: Omit<ShOptions, 'timeoutMs'> & { log?: string },
  ): Promise<GuestProcess>;
  /** A new empty folder on the guest's own file system (`mktemp -d`): a data dir, a socket dir. */
  mkdtemp(): Promise<string>;
  readGuestFile(path: string): Promise<Buffer>;
  writeGuestFile(path: string, data: string | Buffer, mode?: number): Promise<void>;
  /** Hot-plugs an emulated USB stick (46f4:0001 "QEMU USB HARDDRIVE") on the xHCI controller. */
  plugStick(opts: StickOptions): Promise<void>;
  /** Hot-plugs a USB keyboard (0627:0001 "QEMU USB Keyboard"). */
  plugKeyboard(id: string): Promise<void>;
  /**
   * Puts a card into the guest's SD card reader (QEMU `sdhci-pci` with an `sd-card`, a PCI
   * SD host controller as in a laptop, not USB). Every QEMU card has the same CID (maker
   * 0xaa, OEM "XY", name "QEMU!", serial 0xdeadbeef): tell scenarios apart by policy.
   */
  insertCard(opts?: CardOptions): Promise<void>;
  /** Takes the card out of the reader (no-op when there is none). */
  ejectCard(): Promise<void>;
  /** Pulls a device plugged by plugStick or plugKeyboard; resolves once QEMU has removed it. */
  unplug(id: string): Promise<void>;
  /** The last `lines` lines of the guest's serial console (kernel log and init). */
  consoleTail(lines?: number): string;
  shutdown(): Promise<void>;
}

export interface BootOptions {
  /** The host folder the guest works in (default: this checkout). */
  checkout?: string;
  memoryMiB?: number;
  bootTimeoutMs?: number;
  /** A card in the SD card reader from power-on (the kernel binds it before any agent runs). */
  cardAtBoot?: CardOptions;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns something other than undefined/false; throws `what` at timeout. */
export async function waitUntil<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 30_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Why the VM cannot run here, or null when it can (the suite skips with this reason). */
export function vmUnavailable(): string | null {
  if (process.platform !== 'linux' || process.arch !== 'x64') return 'needs x86-64 Linux';
  if (process.getuid?.() !== 0) {
    return 'needs root: QEMU shares the host / with the permissions of the user running it, and the guest must read root-only paths the way the root agent does';
  }
  const missing = ['qemu-system-x86_64', 'busybox', 'cpio', 'depmod', 'apt-get', 'dpkg-deb'].filter(
    (c) => spawnSync('sh', ['-c', `command -v ${c}`]).status !== 0,
  );
  if (missing.length > 0) {
    return `needs ${missing.join(', ')}: sudo bash scripts/install-e2e-deps.sh`;
  }
  return null;
}

class Console {
  private chunks: string[] = [];
  private size = 0;
  constructor(private readonly echo: boolean) {}
  push(s: string) {
    if (this.echo) process.stderr.write(s);
    this.chunks.push(s);
    this.size += s.length;
    while (this.size > 512 * 1024 && this.chunks.length > 1) {
      this.size -= this.chunks.shift()!.length;
    }
  }
  tail(lines: number): string {
    // SeaBIOS clears the screen with escape sequences; keep the text.
    const text = this.chunks
      .join('')
      .replace(/\x1b(\[[0-9;?]*[A-Za-z]|[A-Za-z])/g, '')
      .replace(/\r/g, '');
    return text.split('\n').slice(-lines).join('\n');
  }
}

/** A sparse card image; with `partitioned`, an MBR whose one partition starts at 1 MiB. */
function cardImage(file: string, o: CardOptions = {}): void {
  const size = (o.sizeMiB ?? 16) * 1024 * 1024;
  const fd = openSync(file, 'w');
  try {
    ftruncateSync(fd, size);
    if (o.partitioned) {
      const mbr = Buffer.alloc(512);
      const entry = 446;
      mbr[entry + 4] = 0x83; // Linux
      mbr.writeUInt32LE(2048, entry + 8); // first sector
      mbr.writeUInt32LE(size / 512 - 2048, entry + 12); // sectors
      mbr[510] = 0x55;
      mbr[511] = 0xaa;
      writeSync(fd, mbr, 0, 512, 0);
    }
  } finally {
    closeSync(fd);
  }
}

function qemuArgs(
  k: KernelFiles,
  dir: string,
  memoryMiB: number,
  bootCard: string | null,
): string[] {
  const share = join(dir, 'share');
  const words = [
    `baomi.agent=${GUEST_AGENT}`,
    `baomi.node=${process.execPath}`,
    `baomi.share=${share}`,
  ];
  if (words.some((w) => /[\s,"]/.test(w))) {
    // The kernel command line splits on white space, and QEMU's options on commas.
    throw new Error(
      `paths for the VM must hold no white space, comma or quote: ${words.join(' ')}`,
    );
  }
  const append = ['console=ttyS0', 'panic=-1', ...words].join(' ');
  return [
    ...['-M', 'q35', '-accel', process.env.BAOMI_VM_ACCEL ?? 'tcg', '-cpu', 'max'],
    // One vCPU: with two, guest commands were slower here (2 host cores shared with other work).
    ...['-m', String(memoryMiB), '-smp', '1'],
    ...['-nodefaults', '-nographic', '-no-reboot', '-serial', 'stdio'],
    ...['-kernel', k.vmlinuz, '-initrd', k.initramfs, '-append', append],
    ...['-qmp', `unix:${join(dir, 'qmp.sock')},server=on,wait=off`],
    ...[
      '-virtfs',
      'local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap',
    ],
    ...['-virtfs', `local,path=${share},mount_tag=share,security_model=none,multidevs=remap`],
    ...['-chardev', `socket,id=ctl,path=${join(dir, 'ctl.sock')},server=on,wait=off`],
    ...['-device', 'virtio-serial-pci', '-device', 'virtserialport,chardev=ctl,name=baomi.ctl'],
    // 8 USB 2 and 8 USB 3 ports: room for a dock's worth of devices at once.
    ...['-device', 'qemu-xhci,id=xhci,p2=8,p3=8'],
    // A built-in card reader: a PCI SD host controller (Linux: sdhci-pci, mmc0) with a slot
    // whose card is changed through QMP (the drive is tray-less removable media).
    ...['-device', 'sdhci-pci,id=sdhci'],
    ...[
      '-drive',
      bootCard ? `if=none,id=sdcard-drive,format=raw,file=${bootCard}` : 'if=none,id=sdcard-drive',
    ],
    ...['-device', 'sd-card,id=sdcard,drive=sdcard-drive'],
  ];
}

export async function bootVm(opts: BootOptions = {}): Promise<Vm> {
  const checkout = opts.checkout ?? CHECKOUT;
  const bootTimeoutMs =
    opts.bootTimeoutMs ?? Number(process.env.BAOMI_VM_BOOT_TIMEOUT_MS ?? 240_000);
  const t0 = Date.now();
  const kernel = prepareKernel();
  const prepareMs = Date.now() - t0;
  const dir = mkdtempSync(join(tmpdir(), 'baomi-vm-'));
  mkdirSync(join(dir, 'share'));
  const con = new Console(process.env.BAOMI_VM_CONSOLE === '1');
  let cardFile: string | null = null;
  let cards = 0;
  if (opts.cardAtBoot) {
    cardFile = join(dir, `card-${++cards}.img`);
    cardImage(cardFile, opts.cardAtBoot);
  }
  const started = Date.now();
  const qemu: ChildProcess = spawn(
    'qemu-system-x86_64',
    qemuArgs(kernel, dir, opts.memoryMiB ?? 1024, cardFile),
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let exitInfo: string | null = null;
  const qemuExited = new Promise<void>((r) =>
    qemu.on('exit', (code, signal) => {
      exitInfo = `QEMU exited (${signal ?? code})`;
      r();
    }),
  );
  let spawnFailed: () => void = () => {};
  const qemuFailed = new Promise<void>((r) => {
    spawnFailed = r;
  });
  qemu.on('error', (e) => {
    exitInfo = `QEMU did not start: ${e.message}`;
    spawnFailed(); // no 'exit' follows a failed spawn
  });
  const qemuGone = Promise.race([qemuExited, qemuFailed]);
  qemu.stdout?.setEncoding('utf8').on('data', (s: string) => con.push(s));
  qemu.stderr?.setEncoding('utf8').on('data', (s: string) => con.push(`[qemu] ${s}`));
  const killOnExit = () => qemu.kill('SIGKILL');
  process.on('exit', killOnExit);

  let qmp: Qmp | undefined;
  let chan: GuestChannel | undefined;
  const cleanup = async () => {
    process.off('exit', killOnExit);
    try {
      if (qmp && exitInfo === null) {
        await Promise.race([qmp.execute('quit').catch(() => {}), sleep(5_000)]);
      }
    } finally {
      qmp?.close();
      chan?.close();
      const timer = setTimeout(() => qemu.kill('SIGKILL'), 10_000);
      if (exitInfo === null) qemu.kill('SIGTERM');
      await qemuGone;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    }
  };

  let guest: GuestReady;
  try {
    await waitUntil(
      () => {
        if (exitInfo !== null) throw new Error(exitInfo);
        return existsSync(join(dir, 'qmp.sock')) && existsSync(join(dir, 'ctl.sock'));
      },
      'QEMU to open its sockets',
      20_000,
      20,
    );
    qmp = await Qmp.connect(join(dir, 'qmp.sock'));
    chan = await GuestChannel.connect(join(dir, 'ctl.sock'));
    let timer: NodeJS.Timeout | undefined;
    guest = await Promise.race([
      chan.ready,
      qemuGone.then(() => {
        throw new Error(exitInfo ?? 'QEMU exited');
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the guest was not ready within ${bootTimeoutMs} ms`)),
          bootTimeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
  } catch (e) {
    await cleanup();
    throw new Error(
      `the USB test VM did not boot: ${(e as Error).message}\n--- guest console (last 60 lines) ---\n${con.tail(60)}`,
    );
  }
  const bootMs = Date.now() - started;
  const c = chan;
  const q = qmp;
  let spawned = 0;
  const images = new Map<string, string>();

  const vm: Vm = {
    kernel,
    guest,
    prepareMs,
    bootMs,
    checkout,
    share: join(dir, 'share'),
    qmp: q,
    async sh(cmd, o = {}) {
      const timeoutMs = o.timeoutMs ?? 120_000;
      const a = await c.request(
        'sh',
        { cmd, cwd: o.cwd ?? checkout, env: o.env, timeoutMs },
        timeoutMs + 15_000,
      );
      // Said at once, whoever asked: a poll that ignores the failure would otherwise hide it.
      if (a.timedOut === true)
        console.warn(`[vm] timed out after ${a.ms} ms: ${cmd}\nwhere it waited:\n${a.stuck}`);
      return {
        code: a.code as number | null,
        signal: a.signal as string | null,
        stdout: a.stdout as string,
        stderr: a.stderr as string,
        ms: a.ms as number,
        timedOut: a.timedOut === true,
        stuck: typeof a.stuck === 'string' ? a.stuck : '',
      };
    },
    async shOk(cmd, o) {
      const r = await vm.sh(cmd, o);
      if (r.code !== 0) throw vm.failure(r, cmd);
      return r.stdout;
    },
    failure(r, cmd) {
      const how = r.timedOut ? `, timed out after ${r.ms} ms` : `, after ${r.ms} ms`;
      // A signal the guest did not send: the kernel's OOM killer says so on the console.
      const oom =
        r.signal && !r.timedOut
          ? con
              .tail(400)
              .split('\n')
              .filter((l) => /out of memory|killed process|oom-kill/i.test(l))
              .join('\n')
          : '';
      return new Error(
        `guest command failed (${r.signal ?? r.code}${how}): ${cmd}\n${r.stderr}${r.stdout ? `\nstdout: ${r.stdout}` : ''}${oom ? `\nguest console: ${oom}` : ''}${r.stuck ? `\nwhere it waited:\n${r.stuck}` : ''}`,
      );
    },
    async spawn(argv, o = {}) {
      spawned += 1;
      const log = o.log ?? `/run/baomi-vm/spawn-${spawned}.log`;
      const a = await c.request('spawn', { argv, cwd: o.cwd ?? checkout, env: o.env, log });
      const pid = a.pid as number;
      return {
        pid,
        log,
        exited: c.exited(pid),
        async kill(signal = 'SIGTERM') {
          await c.request('kill', { pid, signal });
        },
        async output() {
          return (await vm.readGuestFile(log)).toString('utf8');
        },
      };
    },
    async mkdtemp() {
      return (await vm.shOk('mktemp -d /tmp/baomi-vm-XXXXXXXX')).trim();
    },
    async readGuestFile(path) {
      const a = await c.request('read', { path });
      return Buffer.from(a.data as string, 'base64');
    },
    async writeGuestFile(path, data, mode) {
      await c.request('write', { path, data: Buffer.from(data).toString('base64'), mode });
    },
    async plugStick(s) {
      const img = join(dir, `${s.id}.img`);
      const fd = openSync(img, 'w');
      ftruncateSync(fd, (s.sizeMiB ?? 16) * 1024 * 1024);
      closeSync(fd);
      const node = `${s.id}-blk`;
      await q.execute('blockdev-add', {
        driver: 'raw',
        'node-name': node,
        file: { driver: 'file', filename: img },
      });
      images.set(s.id, node);
      await q.execute('device_add', {
        driver: 'usb-storage',
        bus: 'xhci.0',
        drive: node,
        serial: s.serial,
        removable: s.removable ?? true,
        id: s.id,
      });
    },
    async plugKeyboard(id) {
      await q.execute('device_add', { driver: 'usb-kbd', bus: 'xhci.0', id });
    },
    async insertCard(o = {}) {
      if (cardFile) throw new Error('there is a card in the reader already: ejectCard() first');
      const file = join(dir, `card-${++cards}.img`);
      cardImage(file, o);
      await q.execute('blockdev-change-medium', { id: 'sdcard', filename: file, format: 'raw' });
      cardFile = file;
    },
    async ejectCard() {
      if (!cardFile) return;
      await q.execute('eject', { id: 'sdcard', force: true });
      rmSync(cardFile, { force: true });
      cardFile = null;
    },
    async unplug(id) {
      const since = q.eventCount;
      await q.execute('device_del', { id });
      await q.waitEvent('DEVICE_DELETED', (e) => e.data?.device === id, 60_000, since);
      const node = images.get(id);
      if (node) {
        images.delete(id);
        await q.execute('blockdev-del', { 'node-name': node });
        rmSync(join(dir, `${id}.img`), { force: true });
      }
    },
    consoleTail: (lines = 60) => con.tail(lines),
    shutdown: cleanup,
  };
  return vm;
}
