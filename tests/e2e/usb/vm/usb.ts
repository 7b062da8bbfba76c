// What the guest kernel says about USB devices, read through the VM's command channel: the
// devices in /sys/bus/usb/devices with their identity and `authorized`, the block devices, and
// a parser of the binary `descriptors` file that is independent of the agent's own (a test that
// used the code under test to read its evidence would prove nothing).
import type { Vm } from './index.js';

export interface SysfsUsbDevice {
  /** The sysfs name, e.g. `1-1` (bus 1, port 1); root hubs are `usbN`. */
  name: string;
  path: string;
  idVendor: string;
  idProduct: string;
  serial?: string;
  product?: string;
  /** `authorized`: '0' or '1'. */
  authorized: string;
}

/** Every USB device (not interface) the guest kernel knows, root hubs included. */
export async function usbDevices(vm: Vm): Promise<SysfsUsbDevice[]> {
  // One line per device, fields separated by tabs; a missing attribute prints as empty.
  const out = await vm.shOk(
    `for d in /sys/bus/usb/devices/*; do
       [ -f "$d/idVendor" ] || continue
       printf '%s\\t%s\\t%s\\t%s\\t%s\\t%s\\n' "\${d##*/}" "$(cat $d/idVendor)" "$(cat $d/idProduct)" \
         "$(cat $d/serial 2>/dev/null)" "$(cat $d/product 2>/dev/null)" "$(cat $d/authorized)"
     done`,
  );
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [name = '', idVendor = '', idProduct = '', serial, product, authorized = ''] =
        line.split('\t');
      return {
        name,
        path: `/sys/bus/usb/devices/${name}`,
        idVendor,
        idProduct,
        serial: serial || undefined,
        product: product || undefined,
        authorized,
      };
    });
}

/**
 * Runs `plug` and waits for the new USB device it brings to appear in /sys/bus/usb/devices;
 * returns its sysfs name and the time from just before `plug` to the guest seeing it (a guest
 * loop polls every 20 ms, so this is the kernel's enumeration plus a few tens of ms).
 */
export async function plugAndWatch(
  vm: Vm,
  plug: () => Promise<void>,
  timeoutMs = 60_000,
): Promise<{ name: string; ms: number }> {
  const known = (await usbDevices(vm)).map((d) => d.name).join(' ');
  const script = `known=" ${known} "; i=0
    while [ $i -lt ${Math.ceil(timeoutMs / 20)} ]; do
      for d in /sys/bus/usb/devices/*; do
        n=\${d##*/}
        case "$n" in *:*) continue ;; esac
        case "$known" in *" $n "*) continue ;; esac
        [ -f "$d/idVendor" ] && { echo "$n"; exit 0; }
      done
      sleep 0.02; i=$((i + 1))
    done
    exit 1`;
  const t0 = Date.now();
  const watch = vm.sh(script, { timeoutMs: timeoutMs + 5_000 });
  await plug();
  const r = await watch;
  if (r.code !== 0)
    throw new Error(`no new USB device in the guest's sysfs within ${timeoutMs} ms`);
  return { name: r.stdout.trim(), ms: Date.now() - t0 };
}

/** The names in /sys/block that are SCSI disks (sda, sdb…). */
export async function scsiDisks(vm: Vm): Promise<string[]> {
  const out = await vm.shOk('ls /sys/block');
  return out.split(/\s+/).filter((n) => /^sd[a-z]+$/.test(n));
}

export interface DeviceDescriptor {
  bLength: number;
  bDescriptorType: number;
  bcdUSB: number;
  bDeviceClass: number;
  idVendor: number;
  idProduct: number;
  iSerialNumber: number;
  bNumConfigurations: number;
}

export interface InterfaceDescriptor {
  bInterfaceNumber: number;
  bAlternateSetting: number;
  bInterfaceClass: number;
  bInterfaceSubClass: number;
  bInterfaceProtocol: number;
}

export interface ConfigDescriptor {
  bLength: number;
  bDescriptorType: number;
  wTotalLength: number;
  bNumInterfaces: number;
  bConfigurationValue: number;
  interfaces: InterfaceDescriptor[];
}

/**
 * Parses sysfs `descriptors`: the 18-byte device descriptor, then each configuration's raw
 * descriptors (configuration, interfaces, endpoints, class-specific ones), as in USB 2.0 §9.6.
 * Throws on anything malformed.
 */
export function parseDescriptors(buf: Buffer): {
  device: DeviceDescriptor;
  configs: ConfigDescriptor[];
} {
  if (buf.length < 18 || buf[0] !== 18 || buf[1] !== 1) {
    throw new Error(
      `no device descriptor (length ${buf.length}, first bytes ${buf.subarray(0, 2).toString('hex')})`,
    );
  }
  const device: DeviceDescriptor = {
    bLength: buf[0],
    bDescriptorType: buf[1],
    bcdUSB: buf.readUInt16LE(2),
    bDeviceClass: buf[4]!,
    idVendor: buf.readUInt16LE(8),
    idProduct: buf.readUInt16LE(10),
    iSerialNumber: buf[16]!,
    bNumConfigurations: buf[17]!,
  };
  const configs: ConfigDescriptor[] = [];
  let off = 18;
  while (off < buf.length) {
    if (off + 9 > buf.length || buf[off] !== 9 || buf[off + 1] !== 2) {
      throw new Error(`no configuration descriptor at offset ${off}`);
    }
    const total = buf.readUInt16LE(off + 2);
    if (total < 9 || off + total > buf.length) {
      throw new Error(`configuration at ${off} claims ${total} bytes; ${buf.length - off} left`);
    }
    const cfg: ConfigDescriptor = {
      bLength: buf[off]!,
      bDescriptorType: buf[off + 1]!,
      wTotalLength: total,
      bNumInterfaces: buf[off + 4]!,
      bConfigurationValue: buf[off + 5]!,
      interfaces: [],
    };
    let p = off + 9;
    while (p < off + total) {
      const len = buf[p]!;
      if (len < 2 || p + len > off + total) throw new Error(`descriptor at ${p} has length ${len}`);
      if (buf[p + 1] === 4) {
        if (len < 9) throw new Error(`interface descriptor at ${p} has length ${len}`);
        cfg.interfaces.push({
          bInterfaceNumber: buf[p + 2]!,
          bAlternateSetting: buf[p + 3]!,
          bInterfaceClass: buf[p + 5]!,
          bInterfaceSubClass: buf[p + 6]!,
          bInterfaceProtocol: buf[p + 7]!,
        });
      }
      p += len;
    }
    configs.push(cfg);
    off += total;
  }
  return { device, configs };
}
