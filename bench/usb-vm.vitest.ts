// The VM half of `npm run bench:usb` (bench/usb.mjs runs it; read that file's header first).
// One boot of the USB test VM (tests/e2e/usb/vm), then:
//   kernel  authorized_default=1, no agent: a warm-up plug and N counted plugs of a stick; per
//           plug, from the kernel's "new … USB device" message to usb-storage's "USB Mass
//           Storage device detected" (the driver bound) and to "[sdX] Attached SCSI … disk";
//   control authorized_default=0 written by hand, no agent: one stick stays unauthorized
//           ("Device is not authorized for usage", no "authorized to connect", no write to
//           `authorized`), so the marker below can only come from a write;
//   agent   the real agent with --enforce, under a signed policy that allows the stick by
//           serial (the same stick each time; it is pulled and the agent sees it leave before
//           the next plug): a warm-up plug and N counted plugs; per plug, from the same "new"
//           message to the kernel's "authorized to connect" (usb_authorize_device prints it
//           after the agent's write of 1 to the device's `authorized`, once the configuration
//           is set), to "Mass Storage device detected" (later than that here: the sealed hub
//           holds the interfaces back too, and the agent authorizes the storage interface in a
//           second write) and to the disk.
// Every figure is a difference of two kernel timestamps (printk's local_clock), read from
// `dmesg` after each plug, so the host's load between our commands does not count; what the
// guest's single vCPU does meanwhile does (the agent's node runs on it, as on a workstation).
// kprobes and syscall events (tracefs, trace clock `perf`, which is local_clock like printk's)
// add what dmesg cannot say: when the agent's process first read the new device's
// `descriptors` (it found the device), its fsyncs (the store's commit of usb.connected), when
// it wrote the device's `authorized` (the process id proves the write is the agent's) and the
// interface's. The console loglevel is lowered so that printing each message on the emulated
// serial port is not billed to the code timed.
//
// Not a test: it is outside every vitest project of vitest.config.ts (tests/**), so `npm test`,
// `npm run test:e2e` and .ci/run never run it; bench/vitest.bench.config.ts names it alone.
// Lines go to the file BENCH_USB_OUT (bench/usb.mjs relays them to its stdout), one JSON object
// each; the last one is {phase: 'vm-summary', …}. BENCH_USB_RAW=FILE appends each plug's raw
// dmesg and trace to FILE (what the figures were read from).
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SCAN_INTERVAL_MS } from '../src/platform/linux/usb/detect.js';
import {
  bootVm,
  CHECKOUT,
  type GuestProcess,
  sleep,
  type Vm,
  vmUnavailable,
  waitUntil,
} from '../tests/e2e/usb/vm/index.js';
import { type KernelLog, ms, type Probe, parseDmesg, parseTrace, stats } from './usb-vm-logs.js';

const PLUGS = Number(process.env.BENCH_USB_PLUGS ?? 25);
/** Upper bound for one step in the guest (TCG on a loaded host is slow). */
const WAIT_MS = 60_000;
/** The agent finds devices by a sysfs scan every 500 ms here (no udevd in the guest, see
 * src/platform/linux/usb/detect.ts); after a stick leaves, two periods let it see the removal
 * before the next plug, so each plug is a new device to it. */
const SCAN_PERIOD_MS = SCAN_INTERVAL_MS;
const AGENT_SETTLE_MS = 2 * SCAN_PERIOD_MS + 100;
const SERIAL = 'BENCHOK1';
const OUT = process.env.BENCH_USB_OUT;
/** A file to append every plug's raw `dmesg` and trace to (what the figures were read from). */
const RAW = process.env.BENCH_USB_RAW;

const log = (o: Record<string, unknown>) => {
  const line = `${JSON.stringify(o)}\n`;
  if (OUT) appendFileSync(OUT, line);
  else process.stdout.write(line);
};

// ------------------------------------------------------------------ kernel log and trace

const TRACING = '/sys/kernel/tracing';
/** kprobes on usbcore's sysfs handlers (the first argument names the device: its kobject's
 * name), and the return of every fsync/fdatasync (the agent's store commits durably). */
const TRACE_SETUP = `set -e
mountpoint -q ${TRACING} || mount -t tracefs nodev ${TRACING}
cd ${TRACING}
echo 0 > tracing_on
echo perf > trace_clock
echo 1 > options/record-tgid
echo 'p:baomi/desc usbcore:read_descriptors name=+0(+0(%si)):string' > kprobe_events
echo 'p:baomi/auth usbcore:authorized_store name=+0(+0(%di)):string val=+0(%dx):string' >> kprobe_events
echo 'p:baomi/iauth usbcore:interface_authorized_store name=+0(+0(%di)):string val=+0(%dx):string' >> kprobe_events
echo 1 > events/baomi/enable
echo 1 > events/syscalls/sys_exit_fsync/enable
echo 1 > events/syscalls/sys_exit_fdatasync/enable
echo > trace
echo 1 > tracing_on`;

/** Reads this plug's kernel log and trace, and clears both for the next one. */
async function takeLogs(vm: Vm): Promise<{ k: KernelLog; probes: Probe[]; raw: string }> {
  const out = await vm.shOk(
    `dmesg -c; echo '--- trace'; cat ${TRACING}/trace; echo > ${TRACING}/trace`,
  );
  const [dmesg = '', trace = ''] = out.split('--- trace\n');
  if (RAW) appendFileSync(RAW, `${out}\n=== end of plug\n`);
  return { k: parseDmesg(dmesg), probes: parseTrace(trace), raw: dmesg };
}

/** Waits in the guest (one command, polling every 0.2 s) until `dmesg` shows `pattern`. */
async function waitDmesg(vm: Vm, pattern: string): Promise<void> {
  const loops = Math.ceil(WAIT_MS / 200);
  const r = await vm.sh(
    `i=0; until dmesg | grep -q -- '${pattern}'; do i=$((i + 1)); [ $i -gt ${loops} ] && exit 1; sleep 0.2; done`,
    { timeoutMs: WAIT_MS + 10_000 },
  );
  if (r.code !== 0) {
    const tail = await vm.sh('dmesg | tail -20');
    throw new Error(
      `no "${pattern}" in the guest's kernel log within ${WAIT_MS} ms\n${tail.stdout}`,
    );
  }
}

/**
 * Waits until the stick's disk is there. Polled from the host by reading /proc/partitions
 * through the command server (already running node in the guest, no process started), so the
 * wait costs the guest's one vCPU little while the agent is deciding.
 */
async function waitDisk(vm: Vm): Promise<void> {
  await waitUntil(
    async () => /\bsd[a-z]+\b/.test((await vm.readGuestFile('/proc/partitions')).toString()),
    "the stick's disk in /proc/partitions",
    WAIT_MS,
    150,
  );
}

/** Pulls the stick and waits until the guest has no USB device `dev` and no sd* left. */
async function unplugAndGone(vm: Vm, id: string, dev: string | undefined) {
  await vm.unplug(id);
  const loops = Math.ceil(WAIT_MS / 100);
  const gone = dev ? `[ ! -e /sys/bus/usb/devices/${dev} ] &&` : '';
  const r = await vm.sh(
    `i=0; until ${gone} ! ls /sys/block | grep -q '^sd'; do i=$((i + 1)); [ $i -gt ${loops} ] && exit 1; sleep 0.1; done`,
    { timeoutMs: WAIT_MS + 10_000 },
  );
  if (r.code !== 0) throw new Error(`${id} (${dev}) did not leave the guest within ${WAIT_MS} ms`);
}

// ------------------------------------------------------------------ host files

/** Keys and a signed policy that allows the bench stick by serial (made before the boot). */
function prepareHostFiles(host: string) {
  const cli = (args: string[]) =>
    execFileSync(process.execPath, [join(CHECKOUT, 'bin/baomi.js'), ...args], {
      cwd: host,
      encoding: 'utf8',
      env: { ...process.env, LANG: 'en_US.UTF-8' },
    });
  const keys = join(host, 'keys');
  const trust = join(host, 'trust');
  mkdirSync(join(trust, 'policy'), { recursive: true, mode: 0o755 });
  cli(['policy', 'keygen', 'it', '--out', keys]);
  execFileSync('cp', [join(keys, 'it.pub'), join(trust, 'policy/it.pub')]);
  const policy = join(host, 'policy.yaml');
  const now = Date.now();
  const stamp = (t: number) => new Date(t).toISOString().replace(/\.\d+Z$/, 'Z');
  writeFileSync(
    policy,
    [
      'version: 1',
      'name: USB bench',
      `issued: ${stamp(now - 3_600_000)}`,
      `expires: ${stamp(now + 30 * 86_400_000)}`,
      'usb:',
      '  storage: block',
      '  rules:',
      `    - { vendor: "46f4", product: "0001", serial: "${SERIAL}", verdict: allow, note: bench stick }`,
      '',
    ].join('\n'),
  );
  cli(['policy', 'sign', '--key', join(keys, 'it.key'), policy]);
  return { trust, policy };
}

// ------------------------------------------------------------------ the run

const unavailable = vmUnavailable();
let vm: Vm;
let files: ReturnType<typeof prepareHostFiles>;
let agent: GuestProcess | null = null;
const host = mkdtempSync(join(tmpdir(), 'baomi-bench-usb-'));

beforeAll(async () => {
  if (unavailable) throw new Error(`bench:usb cannot run here: ${unavailable}`);
  files = prepareHostFiles(host);
  vm = await bootVm();
  log({ phase: 'boot', kernel: vm.kernel.release, bootMs: vm.bootMs, prepareMs: vm.prepareMs });
  // Console loglevel 1: the kernel still logs every message, but no longer prints each one on
  // the emulated serial port.
  await vm.shOk('dmesg -n 1 && dmesg -C');
  await vm.shOk(TRACE_SETUP);
});

afterAll(async () => {
  await agent?.kill('SIGKILL').catch(() => {});
  await vm?.shutdown();
  rmSync(host, { recursive: true, force: true });
});

it('times the kernel’s own bind, then the agent’s authorization, in one boot', async () => {
  const roots = (await vm.shOk('ls -d /sys/bus/usb/devices/usb*')).split(/\s+/).filter(Boolean);
  const defaults = async () =>
    (await vm.shOk(`cat ${roots.map((r) => `${r}/authorized_default`).join(' ')}`)).split(/\s+/);
  expect(await defaults()).not.toContain('0');

  // ---- kernel: authorized_default=1, nothing but the kernel (plug 0 warms up, not counted)
  const kernel: Record<string, number | undefined>[] = [];
  for (let i = 0; i <= PLUGS; i++) {
    const id = `k${i}`;
    await vm.plugStick({ id, serial: `KERNEL${i}` });
    await waitDisk(vm);
    const { k } = await takeLogs(vm);
    if (!k.add || !k.bound) throw new Error(`plug ${i}: no add or bind message`);
    const row = {
      addToBindMs: ms(k.add.t, k.bound.t),
      addToEnumeratedMs: ms(k.add.t, k.enumerated?.t),
      addToDiskMs: ms(k.add.t, k.disk),
    };
    if (i > 0) kernel.push(row);
    log({ phase: 'kernel', plug: i, ...(i === 0 ? { warmup: true } : {}), dev: k.add.dev, ...row });
    await unplugAndGone(vm, id, k.add.dev);
    await takeLogs(vm);
  }

  // ---- control: sealed by hand, no agent: no "authorized to connect", no write
  await vm.shOk(roots.map((r) => `echo 0 > ${r}/authorized_default`).join(' && '));
  await vm.plugStick({ id: 'c1', serial: SERIAL });
  await waitDmesg(vm, 'Device is not authorized for usage');
  await sleep(3_000);
  const control = await takeLogs(vm);
  const controlDev = control.k.notAuthorized?.dev;
  const controlAuthorized = await vm.shOk(`cat /sys/bus/usb/devices/${controlDev}/authorized`);
  const controlOk =
    controlDev !== undefined &&
    controlAuthorized.trim() === '0' &&
    control.k.authorized === undefined &&
    control.k.bound === undefined &&
    !control.probes.some((p) => p.kind === 'auth');
  log({
    phase: 'control',
    dev: controlDev,
    authorized: controlAuthorized.trim(),
    authorizedMessage: control.k.authorized !== undefined,
    writes: control.probes.filter((p) => p.kind === 'auth').length,
    ok: controlOk,
  });
  expect(controlOk, control.raw).toBe(true);
  await unplugAndGone(vm, 'c1', controlDev);
  await takeLogs(vm);

  // ---- agent: the real agent, --enforce, the stick allowed by serial
  const dataDir = await vm.mkdtemp();
  const sockets = await vm.mkdtemp();
  agent = await vm.spawn([
    'node',
    'bin/baomi.js',
    'agent',
    '--enforce',
    '--policy',
    files.policy,
    '--trust-dir',
    files.trust,
    '--data-dir',
    dataDir,
    '--socket',
    sockets,
  ]);
  const t0 = Date.now();
  const status = await waitUntil(
    async () => {
      const r = await vm.sh(`node bin/baomi.js status --socket ${sockets}/admin.sock --json`);
      if (r.code !== 0) return undefined;
      const s = JSON.parse(r.stdout);
      return s.policy?.name === 'USB bench' ? s : undefined;
    },
    'the agent to answer with its policy in force',
    120_000,
  );
  log({ phase: 'agent-started', ms: Date.now() - t0, usb: status.usb });
  expect(status.usb, await agent.output()).toMatchObject({ enforcing: true });
  await sleep(AGENT_SETTLE_MS);
  await takeLogs(vm);

  // Plug 0 warms up (the agent's first device takes code paths node has not compiled yet: it is
  // printed, not counted). Before each plug a wait spread evenly over one scan period, so the
  // plugs fall at every phase of the agent's 500 ms scan, as a person's plugs would, instead of
  // at whatever phase this loop's own rhythm would lock onto.
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i <= PLUGS; i++) {
    const id = `a${i}`;
    await sleep(Math.round(((i * 0.618_034) % 1) * SCAN_PERIOD_MS));
    await vm.plugStick({ id, serial: SERIAL });
    await waitDisk(vm);
    const { k, probes, raw } = await takeLogs(vm);
    const dev = k.add?.dev;
    if (!k.add || !k.authorized || k.authorized.dev !== dev)
      throw new Error(`plug ${i}: no add or "authorized to connect" for ${dev}\n${raw}`);
    const mine = probes.filter((p) => p.name === dev && p.t >= k.add!.t);
    const read = mine.find((p) => p.kind === 'desc' && p.tgid === agent!.pid);
    const write = mine.find((p) => p.kind === 'auth' && p.val?.startsWith('1'));
    // The agent's durable commits between finding the device and authorizing it.
    const syncs = probes.filter(
      (p) =>
        p.kind === 'sync' &&
        p.tgid === agent!.pid &&
        read !== undefined &&
        write !== undefined &&
        p.t > read.t &&
        p.t < write.t,
    );
    const lastSync = syncs.at(-1);
    // Then the interfaces: the kernel made them held back (interface_authorized_default=0 on a
    // sealed hub); the agent authorizes the storage interface and asks for a probe.
    const iface = probes.find(
      (p) =>
        p.kind === 'iauth' &&
        p.tgid === agent!.pid &&
        p.name?.startsWith(`${dev}:`) &&
        p.val?.startsWith('1'),
    );
    if (!write || write.tgid !== agent.pid)
      throw new Error(
        `plug ${i}: the write to ${dev}/authorized came from ${write ? `pid ${write.tgid}` : 'nobody'}, not the agent (pid ${agent.pid})`,
      );
    const row = {
      addToAuthorizedMs: ms(k.add.t, k.authorized.t),
      addToBindMs: ms(k.add.t, k.bound?.t),
      addToEnumeratedMs: ms(k.add.t, k.notAuthorized?.t),
      addToAgentReadMs: ms(k.add.t, read?.t),
      readToWriteMs: ms(read?.t, write.t),
      syncsBeforeWrite: syncs.length,
      readToLastSyncMs: ms(read?.t, lastSync?.t),
      lastSyncToWriteMs: ms(lastSync?.t, write.t),
      addToWriteMs: ms(k.add.t, write.t),
      writeToAuthorizedMs: ms(write.t, k.authorized.t),
      authorizedToInterfaceWriteMs: ms(k.authorized.t, iface?.t),
      interfaceWriteToBindMs: ms(iface?.t, k.bound?.t),
      addToDiskMs: ms(k.add.t, k.disk),
    };
    if (i > 0) rows.push(row);
    log({
      phase: 'agent',
      plug: i,
      ...(i === 0 ? { warmup: true } : {}),
      dev,
      writer: `${write.comm}/${write.tgid}`,
      ...row,
    });
    await unplugAndGone(vm, id, dev);
    await sleep(AGENT_SETTLE_MS);
    await takeLogs(vm);
  }
  await agent.kill('SIGTERM');
  await agent.exited;
  agent = null;

  // ---- how much slower node runs in this guest than on the host, the same work on both
  // (decide() over 2,000 devices), to read the agent's figures above against real hardware.
  const decideRate = (stdout: string) =>
    JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}').decisionsPerSec as number;
  const guestRate = decideRate(await vm.shOk('node bench/usb-decide.mjs 2000'));
  const hostRate = decideRate(
    execFileSync(process.execPath, [join(CHECKOUT, 'bench/usb-decide.mjs'), '2000'], {
      encoding: 'utf8',
    }),
  );
  const guestSlowdown = Math.round((hostRate / guestRate) * 10) / 10;
  log({
    phase: 'guest-speed',
    hostDecisionsPerSec: hostRate,
    guestDecisionsPerSec: guestRate,
    guestSlowdown,
  });

  const col = (xs: Record<string, unknown>[], key: string) =>
    xs.map((r) => r[key] as number | undefined);
  log({
    phase: 'vm-summary',
    plugs: PLUGS,
    kernel: {
      addToBindMs: stats(col(kernel, 'addToBindMs')),
      addToEnumeratedMs: stats(col(kernel, 'addToEnumeratedMs')),
      addToDiskMs: stats(col(kernel, 'addToDiskMs')),
    },
    agent: {
      addToAuthorizedMs: stats(col(rows, 'addToAuthorizedMs')),
      addToBindMs: stats(col(rows, 'addToBindMs')),
      addToEnumeratedMs: stats(col(rows, 'addToEnumeratedMs')),
      addToAgentReadMs: stats(col(rows, 'addToAgentReadMs')),
      readToWriteMs: stats(col(rows, 'readToWriteMs')),
      readToLastSyncMs: stats(col(rows, 'readToLastSyncMs')),
      lastSyncToWriteMs: stats(col(rows, 'lastSyncToWriteMs')),
      addToWriteMs: stats(col(rows, 'addToWriteMs')),
      writeToAuthorizedMs: stats(col(rows, 'writeToAuthorizedMs')),
      authorizedToInterfaceWriteMs: stats(col(rows, 'authorizedToInterfaceWriteMs')),
      interfaceWriteToBindMs: stats(col(rows, 'interfaceWriteToBindMs')),
      addToDiskMs: stats(col(rows, 'addToDiskMs')),
    },
    detection: status.usb?.detection ?? null,
    guestSlowdown,
  });
});
