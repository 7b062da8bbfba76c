// A fabricated sysfs for the Linux USB adapter, laid out like the real one: device folders
// under sys/devices/…, symlinks to them (and to their interface folders) in
// sys/bus/usb/devices, root hubs with authorized_default and interface_authorized_default,
// usbcore's authorized_default module parameter (what a new root hub starts with), the
// bus's drivers_probe, Thunderbolt routers and domains; beside it the udev and /run paths the
// read-only check looks at. A small "kernel" loop (startKernel) plays what Linux does on a
// write: authorizing a device makes its interfaces (authorized as the bus's
// interface_authorized_default says, bound at once when authorized), deauthorizing drops
// them, an interface authorized and named in drivers_probe gets a driver, an interface
// deauthorized loses it. drivers_probe is then a FIFO the loop reads, so every probe counts.
// A mass-storage interface that gets a driver makes the device's disks (host0/…/block/sda,
// `ro` 0), and "udev" (readOnlyHelper) makes them read-only a tick later when the device is
// marked, as the rule in native/udev does.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseDescriptors } from '../../src/core/usb/descriptors.js';

export interface FakeInterface {
  number: number;
  alt?: number;
  class: string;
  subclass?: string;
  protocol?: string;
  /** The interface string the kernel reads when it makes the interface ("MTP"). */
  name?: string;
}

export interface FakeDeviceSpec {
  /** Raw descriptors; null: no `descriptors` file. */
  descriptors: Uint8Array | null;
  /** Attribute text; null leaves the file out; default: from the descriptors. */
  idVendor?: string | null;
  idProduct?: string | null;
  bDeviceClass?: string | null;
  serial?: string;
  manufacturer?: string;
  product?: string;
  authorized?: '0' | '1';
  /** What the kernel makes when it configures the device (default: from the descriptors). */
  interfaces?: FakeInterface[];
  configValue?: number;
  /** The device is pulled the moment the kernel sees it authorized. */
  vanishOnAuthorize?: boolean;
  /** Disks (and their partitions) that appear below its mass-storage interface once bound. */
  disks?: { name: string; partitions?: string[] }[];
}

interface Plugged {
  name: string;
  dir: string;
  spec: FakeDeviceSpec;
  state: string;
}

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

export class FakeSysfs {
  readonly root: string;
  readonly sys: string;
  readonly devices: string;
  readonly probed: string[] = [];
  /** For each authorize the kernel saw: the device, and whether a read-only mark existed then. */
  readonly authorizations: { name: string; marked: boolean }[] = [];
  /**
   * What the udev rule does to a disk that appears below a marked device: `works` sets `ro`
   * to 1 a tick later (blockdev --setro), `ignores` leaves it writable (a rule that runs
   * nothing, a helper that exits 0 without acting).
   */
  readOnlyHelper: 'works' | 'ignores' = 'works';
  private plugged = new Map<string, Plugged>();
  /** `ro` files of disks made since the last tick: "udev" has not seen them yet. */
  private newDisks: { device: string; ro: string }[] = [];
  private kernel: NodeJS.Timeout | null = null;
  private fifo: net.Socket | null = null;

  constructor() {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'baomi-sysfs-'));
    this.sys = path.join(this.root, 'sys');
    this.devices = path.join(this.sys, 'bus/usb/devices');
    fs.mkdirSync(this.devices, { recursive: true });
    fs.writeFileSync(path.join(this.sys, 'bus/usb/drivers_probe'), '');
    // usbcore's parameter a new root hub copies (hcd.c): -1, the kernel's default.
    fs.mkdirSync(path.dirname(this.usbcoreDefault), { recursive: true });
    fs.writeFileSync(this.usbcoreDefault, '-1\n');
  }

  /** /sys/module/usbcore/parameters/authorized_default. */
  get usbcoreDefault(): string {
    return path.join(this.sys, 'module/usbcore/parameters/authorized_default');
  }

  /** Where a device's folder really is. */
  private real(name: string): string {
    return path.join(this.sys, 'devices/pci0000:00/0000:00:04.0', name);
  }

  private write(dir: string, attrs: Record<string, string | Uint8Array | null | undefined>) {
    fs.mkdirSync(dir, { recursive: true });
    for (const [k, v] of Object.entries(attrs))
      if (v !== undefined && v !== null)
        fs.writeFileSync(path.join(dir, k), typeof v === 'string' ? `${v}\n` : v);
  }

  private link(name: string, target: string) {
    const at = path.join(this.devices, name);
    fs.rmSync(at, { force: true });
    fs.symlinkSync(path.relative(this.devices, target), at);
  }

  /**
   * A root hub usb<bus>; `iad: null` is a kernel without interface authorization (< 4.2). Its
   * authorized_default is, unless given, what the kernel copies from usbcore's parameter
   * (hcd.c: 0 stays 0, anything else authorizes: 1 here).
   */
  rootHub(bus: number, o: { authorizedDefault?: string; iad?: string | null } = {}): string {
    const name = `usb${bus}`;
    const dir = this.real(name);
    const param = this.readFile(this.usbcoreDefault);
    this.write(dir, {
      idVendor: '1d6b',
      idProduct: '0002',
      bDeviceClass: '09',
      authorized: '1',
      authorized_default: o.authorizedDefault ?? (param === '0' ? '0' : '1'),
      interface_authorized_default: o.iad === undefined ? '1' : o.iad,
      bConfigurationValue: '1',
      manufacturer: 'Linux 6.1.0-28-amd64 xhci-hcd',
      product: 'xHCI Host Controller',
      serial: '0000:00:04.0',
    });
    this.link(name, dir);
    return name;
  }

  plug(name: string, spec: FakeDeviceSpec): void {
    const dir = this.real(name);
    const parsed = spec.descriptors ? parseDescriptors(spec.descriptors) : undefined;
    const pick = (v: string | null | undefined, fallback: string | undefined) =>
      v === undefined ? fallback : v;
    this.write(dir, {
      descriptors: spec.descriptors,
      idVendor: pick(spec.idVendor, parsed?.vendor),
      idProduct: pick(spec.idProduct, parsed?.product),
      bDeviceClass: pick(spec.bDeviceClass, parsed?.deviceClass),
      serial: spec.serial,
      manufacturer: spec.manufacturer,
      product: spec.product,
      authorized: spec.authorized ?? '0',
      bConfigurationValue: '',
    });
    this.link(name, dir);
    const p: Plugged = { name, dir, spec, state: '0' };
    this.plugged.set(name, p);
    if (spec.authorized === '1') this.configure(p);
  }

  unplug(name: string): void {
    const p = this.plugged.get(name);
    this.plugged.delete(name);
    for (const e of fs.readdirSync(this.devices))
      if (e === name || e.startsWith(`${name}:`))
        fs.rmSync(path.join(this.devices, e), { force: true });
    fs.rmSync(p?.dir ?? this.real(name), { recursive: true, force: true });
  }

  /** A device whose bus/usb/devices link is still there while its folder is already gone. */
  dangling(name: string): void {
    this.link(name, this.real(`${name}-gone`));
  }

  attr(name: string, attr: string): string | undefined {
    try {
      return fs.readFileSync(path.join(this.devices, name, attr), 'utf8').trim();
    } catch {
      return undefined;
    }
  }

  setAttr(name: string, attr: string, value: string): void {
    fs.writeFileSync(path.join(this.devices, name, attr), `${value}\n`);
  }

  interfaceFolders(name: string): string[] {
    try {
      return fs
        .readdirSync(path.join(this.devices, name))
        .filter((e) => e.startsWith(`${name}:`))
        .sort();
    } catch {
      return [];
    }
  }

  bound(folder: string): boolean {
    const name = folder.slice(0, folder.indexOf(':'));
    return fs.existsSync(path.join(this.devices, name, folder, 'driver'));
  }

  private bus(name: string): string {
    return `usb${name.slice(0, name.indexOf('-'))}`;
  }

  /** What Linux does when 1 is written to a device's `authorized`. */
  private configure(p: Plugged) {
    const parsed = p.spec.descriptors ? parseDescriptors(p.spec.descriptors) : undefined;
    const config = p.spec.configValue ?? parsed?.configurations[parsed.chosen]?.value ?? 1;
    const list =
      p.spec.interfaces ??
      (parsed?.interfaces ?? [])
        .filter((i) => i.alt === 0)
        .map((i) => ({ ...i, subclass: i.subclass, protocol: i.protocol }));
    const iad = this.attr(this.bus(p.name), 'interface_authorized_default');
    for (const i of list) {
      const folder = `${p.name}:${config}.${i.number}`;
      const dir = path.join(p.dir, folder);
      this.write(dir, {
        bInterfaceNumber: hex2(i.number),
        bAlternateSetting: String(i.alt ?? 0).padStart(2, ' '),
        bInterfaceClass: i.class,
        bInterfaceSubClass: i.subclass ?? '00',
        bInterfaceProtocol: i.protocol ?? '00',
        interface: i.name,
        authorized: iad === undefined ? undefined : iad,
      });
      if (iad === undefined || iad === '1') this.bind(dir);
      this.link(folder, dir);
    }
    fs.writeFileSync(path.join(p.dir, 'bConfigurationValue'), `${config}\n`);
    p.state = '1';
  }

  private unconfigure(p: Plugged) {
    for (const e of fs.readdirSync(p.dir))
      if (e.startsWith(`${p.name}:`)) {
        fs.rmSync(path.join(p.dir, e), { recursive: true, force: true });
        fs.rmSync(path.join(this.devices, e), { force: true });
      }
    fs.writeFileSync(path.join(p.dir, 'bConfigurationValue'), '\n');
    p.state = '0';
  }

  private bind(dir: string) {
    fs.mkdirSync(path.join(dir, 'driver'), { recursive: true });
    const folder = path.basename(dir);
    const p = this.plugged.get(folder.slice(0, folder.indexOf(':')));
    const cls = this.readFile(path.join(dir, 'bInterfaceClass'));
    if (!p?.spec.disks || cls !== '08' || fs.existsSync(path.join(dir, 'host0'))) return;
    const block = path.join(dir, 'host0/target0:0:0/0:0:0:0/block');
    for (const disk of p.spec.disks) {
      const at = path.join(block, disk.name);
      this.write(at, { ro: '0', size: '62530624' });
      this.newDisks.push({ device: p.name, ro: path.join(at, 'ro') });
      for (const part of disk.partitions ?? []) {
        this.write(path.join(at, part), { ro: '0', partition: '1' });
        this.newDisks.push({ device: p.name, ro: path.join(at, part, 'ro') });
      }
    }
  }

  private readFile(file: string): string | undefined {
    try {
      return fs.readFileSync(file, 'utf8').trim();
    } catch {
      return undefined;
    }
  }

  /** The `ro` of a disk or partition below a device (undefined: there is none). */
  diskRo(name: string, disk: string): string | undefined {
    const found = (dir: string): string | undefined => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        if (!e.isDirectory()) continue;
        const at = path.join(dir, e.name);
        if (e.name === disk && fs.existsSync(path.join(at, 'ro')))
          return this.readFile(path.join(at, 'ro'));
        const deeper = found(at);
        if (deeper !== undefined) return deeper;
      }
      return undefined;
    };
    const p = this.plugged.get(name);
    return p && fs.existsSync(p.dir) ? found(p.dir) : undefined;
  }

  private tick() {
    // "udev" runs the read-only rule on the disks made since the last tick.
    for (const d of this.newDisks.splice(0))
      if (this.readOnlyHelper === 'works' && this.mark(d.device) && fs.existsSync(d.ro))
        fs.writeFileSync(d.ro, '1\n');
    for (const p of [...this.plugged.values()]) {
      const now = this.attr(p.name, 'authorized');
      if (now === undefined) continue;
      if (now === '1' && p.state !== '1') {
        this.authorizations.push({
          name: p.name,
          marked: fs.existsSync(path.join(this.root, 'run/baomi/usb-ro', p.name)),
        });
        if (p.spec.vanishOnAuthorize) this.unplug(p.name);
        else this.configure(p);
      } else if (now === '0' && p.state === '1') this.unconfigure(p);
      if (p.state !== '1' || !this.plugged.has(p.name)) continue;
      for (const folder of this.interfaceFolders(p.name)) {
        const dir = path.join(p.dir, folder);
        const auth = this.attr(folder, 'authorized');
        if (auth === '0')
          for (const gone of ['driver', 'host0'])
            fs.rmSync(path.join(dir, gone), { recursive: true, force: true });
      }
    }
  }

  private probe(folder: string) {
    this.probed.push(folder);
    const name = folder.slice(0, folder.indexOf(':'));
    const p = this.plugged.get(name);
    if (!p) return;
    const dir = path.join(p.dir, folder);
    if (fs.existsSync(dir) && this.attr(folder, 'authorized') === '1') this.bind(dir);
  }

  /** Starts the kernel loop; drivers_probe becomes a FIFO it reads. */
  async startKernel(): Promise<void> {
    const probe = path.join(this.sys, 'bus/usb/drivers_probe');
    fs.rmSync(probe);
    execFileSync('mkfifo', [probe]);
    // Read and write, non-blocking: opening never waits for a writer, the reader never sees
    // end-of-file, and libuv polls it (no thread of the pool is held in a read).
    const fd = fs.openSync(probe, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
    this.fifo = new net.Socket({ fd, readable: true, writable: false });
    this.fifo.on('data', (chunk: Buffer) => {
      this.tick();
      this.splitProbes(chunk.toString('utf8'));
    });
    this.fifo.on('error', () => {});
    this.kernel = setInterval(() => this.tick(), 2);
  }

  /** Writes arrive without separators; interface names are told apart by the ones that exist. */
  private splitProbes(text: string) {
    let rest = text.replace(/\n/g, '');
    const names = () =>
      [...this.plugged.keys()]
        .flatMap((n) => this.interfaceFolders(n))
        .sort((a, b) => b.length - a.length);
    while (rest.length > 0) {
      const hit = names().find((n) => rest.startsWith(n));
      if (!hit) {
        if (rest) this.probed.push(`?${rest}`);
        return;
      }
      this.probe(hit);
      rest = rest.slice(hit.length);
    }
  }

  /** Lets the loop run long enough to react to the last write. */
  async settle(ms = 30): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
  }

  /** Installs (parts of) what read-only needs: the udev rule, the helper, a running udevd. */
  readOnlySetup(
    o: { rule?: string | null; helper?: boolean; udevd?: boolean; where?: string } = {},
  ) {
    const rules = path.join(this.root, o.where ?? 'etc/udev/rules.d');
    if (o.rule !== null) {
      fs.mkdirSync(rules, { recursive: true });
      fs.writeFileSync(
        path.join(rules, '70-baomi-usb-ro.rules'),
        o.rule ??
          fs.readFileSync(
            path.resolve(import.meta.dirname, '../../native/udev/70-baomi-usb-ro.rules'),
          ),
      );
    }
    if (o.helper !== false) {
      const helper = path.join(this.root, 'usr/lib/baomi/baomi-usb-ro');
      fs.mkdirSync(path.dirname(helper), { recursive: true });
      fs.writeFileSync(helper, '#!/bin/sh\n', { mode: 0o755 });
    }
    if (o.udevd !== false) {
      fs.mkdirSync(path.join(this.root, 'run/udev'), { recursive: true });
      fs.writeFileSync(path.join(this.root, 'run/udev/control'), '');
    }
  }

  mark(name: string): boolean {
    return fs.existsSync(path.join(this.root, 'run/baomi/usb-ro', name));
  }

  /** A Thunderbolt domain with its security level, and routers below it. */
  thunderbolt(domain: number, security: string, routers: Record<string, Record<string, string>>) {
    const tb = path.join(this.sys, 'bus/thunderbolt/devices');
    this.write(path.join(tb, `domain${domain}`), { security });
    this.write(path.join(tb, `${domain}-0`), {
      authorized: '1',
      vendor: '0x8086',
      device: '0x15ef',
    });
    for (const [route, attrs] of Object.entries(routers))
      this.write(path.join(tb, `${domain}-${route}`), attrs);
  }

  tbAttr(router: string, attr: string): string | undefined {
    try {
      return fs
        .readFileSync(path.join(this.sys, 'bus/thunderbolt/devices', router, attr), 'utf8')
        .trim();
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {
    if (this.kernel) clearInterval(this.kernel);
    this.fifo?.destroy();
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
