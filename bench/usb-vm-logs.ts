// Reading the USB bench VM's evidence (bench/usb-vm.vitest.ts): the guest kernel's log as
// `dmesg` prints it, and the tracefs `trace` of the bench's kprobes and syscall events. Pure,
// so tests/unit/bench/usb-vm-logs.test.ts checks it on lines this kernel really printed.

export interface Stamp {
  /** Seconds of the kernel's local_clock (printk's timestamps; trace clock `perf`). */
  t: number;
  /** The USB device's sysfs name, e.g. `2-3`. */
  dev: string;
}

/** One plug's kernel messages: the first of each kind. */
export interface KernelLog {
  /** "usb 2-3: new SuperSpeed USB device number 4 using xhci_hcd" (hub_port_init). */
  add?: Stamp;
  /** "usb 2-3: SerialNumber: …", the last line of the enumeration. */
  enumerated?: Stamp;
  /** "usb 2-3: Device is not authorized for usage" (the generic driver, sealed hubs only). */
  notAuthorized?: Stamp;
  /** "usb-storage 2-3:1.0: USB Mass Storage device detected" (usb-storage's probe). */
  bound?: Stamp;
  /** "usb 2-3: authorized to connect" (usb_authorize_device, after a write of 1). */
  authorized?: Stamp;
  /** "sd 0:0:0:0: [sda] Attached SCSI removable disk": the disk a person can use. */
  disk?: number;
}

const DMESG = /^\[\s*(\d+\.\d+)\]\s(.*)$/;
const KINDS: [keyof Omit<KernelLog, 'disk'>, RegExp][] = [
  ['add', /^usb (\S+): new .*USB device number \d+/],
  ['enumerated', /^usb (\S+): SerialNumber: /],
  ['notAuthorized', /^usb (\S+): Device is not authorized for usage/],
  ['bound', /^usb-storage (\S+):1\.0: USB Mass Storage device detected/],
  ['authorized', /^usb (\S+): authorized to connect/],
];
const DISK = /\[sd[a-z]+\] Attached SCSI (removable )?disk/;

export function parseDmesg(text: string): KernelLog {
  const k: KernelLog = {};
  for (const line of text.split('\n')) {
    const m = DMESG.exec(line);
    if (!m) continue;
    const t = Number(m[1]);
    const msg = m[2]!;
    if (DISK.test(msg)) {
      k.disk ??= t;
      continue;
    }
    for (const [kind, re] of KINDS) {
      const x = re.exec(msg);
      if (x) {
        k[kind] ??= { t, dev: x[1]! };
        break;
      }
    }
  }
  return k;
}

export interface Probe {
  /** desc: a read of a device's `descriptors`; auth: a write to a device's `authorized`;
   *  iauth: a write to an interface's `authorized`; sync: an fsync/fdatasync returned. */
  kind: 'desc' | 'auth' | 'iauth' | 'sync';
  /** The process (thread group) id: a node process's threads share it. */
  tgid: number;
  comm: string;
  t: number;
  /** The device (`2-3`) or interface (`2-3:1.0`); kprobes only. */
  name?: string;
  /** What was written (auth, iauth), e.g. "1". */
  val?: string;
}

// With options/record-tgid:
//   "            node-245     (    240) [000] .....    12.345678: auth: (authorized_store+0x0/0x160 [usbcore]) name="2-3" val="1\n""
//   "            node-245     (    240) [000] .....    12.345678: sys_fdatasync -> 0x0"
const TRACE = /^\s*(.+?)-\d+\s+\(\s*(\d+)\)\s+\[\d+\]\s+\S+\s+(\d+\.\d+):\s+(\w+)(.*)$/;

export function parseTrace(text: string): Probe[] {
  const out: Probe[] = [];
  for (const line of text.split('\n')) {
    const m = TRACE.exec(line);
    if (!m) continue;
    const event = m[4]!;
    let kind: Probe['kind'];
    if (event === 'desc' || event === 'auth' || event === 'iauth') kind = event;
    else if (/^sys_f(data)?sync$/.test(event)) kind = 'sync';
    else continue;
    const name = /name="([^"]*)"/.exec(m[5]!)?.[1];
    const val = /val="([^"]*)"/.exec(m[5]!)?.[1];
    out.push({
      comm: m[1]!,
      tgid: Number(m[2]),
      t: Number(m[3]),
      kind,
      ...(name !== undefined ? { name } : {}),
      ...(val !== undefined ? { val } : {}),
    });
  }
  return out;
}

/** b − a in milliseconds (µs precision), or undefined when either is missing. */
export const ms = (a?: number, b?: number): number | undefined =>
  a === undefined || b === undefined ? undefined : Math.round((b - a) * 1e6) / 1e3;

/** Nearest-rank percentile (so the p99 of fewer than 100 samples is the largest). */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) throw new Error('percentile of no samples');
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)]!;
}

export interface Stats {
  n: number;
  p50: number;
  p99: number;
  min: number;
  max: number;
}

/** p50, p99, min and max of the samples present; null when there are none. */
export function stats(xs: readonly (number | undefined)[]): Stats | null {
  const v = xs.filter((x): x is number => x !== undefined);
  if (v.length === 0) return null;
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return {
    n: v.length,
    p50: r(percentile(v, 50)),
    p99: r(percentile(v, 99)),
    min: r(Math.min(...v)),
    max: r(Math.max(...v)),
  };
}
