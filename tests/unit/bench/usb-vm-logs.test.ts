// The USB bench's figures are differences of timestamps read from the guest's dmesg and trace
// (bench/usb-vm-logs.ts): a parser that took the wrong line would print a plausible, wrong
// number. These are lines the bench VM's kernel (Debian 6.1) printed, one plug of each kind.
import { describe, expect, it } from 'vitest';
import { ms, parseDmesg, parseTrace, percentile, stats } from '../../../bench/usb-vm-logs.js';

const KERNEL_ALONE = `[    4.343088] usb 2-1: new SuperSpeed USB device number 2 using xhci_hcd
[    4.364513] usb 2-1: New USB device found, idVendor=46f4, idProduct=0001, bcdDevice= 0.00
[    4.364584] usb 2-1: New USB device strings: Mfr=1, Product=2, SerialNumber=3
[    4.364592] usb 2-1: Product: QEMU USB HARDDRIVE
[    4.364598] usb 2-1: Manufacturer: QEMU
[    4.364603] usb 2-1: SerialNumber: S0
[    4.367340] usb-storage 2-1:1.0: USB Mass Storage device detected
[    4.368967] scsi host0: usb-storage 2-1:1.0
[    5.418447] scsi 0:0:0:0: Direct-Access     QEMU     QEMU HARDDISK    2.5+ PQ: 0 ANSI: 5
[    5.424833] sd 0:0:0:0: [sda] 32768 512-byte logical blocks: (16.8 MB/16.0 MiB)
[    5.447717] sd 0:0:0:0: [sda] Attached SCSI removable disk
[    5.560265] usb 2-1: USB disconnect, device number 2
`;

const WITH_AGENT = `[   32.479108] usb 2-5: new SuperSpeed USB device number 6 using xhci_hcd
[   32.498936] usb 2-5: New USB device found, idVendor=46f4, idProduct=0001, bcdDevice= 0.00
[   32.499053] usb 2-5: SerialNumber: BENCHOK1
[   32.499945] usb 2-5: Device is not authorized for usage
[   33.152595] usb-storage 2-5:1.0: Interface 0 is not authorized for usage
[   33.152835] usb 2-5: authorized to connect
[   33.246557] usb-storage 2-5:1.0: USB Mass Storage device detected
[   33.251201] scsi host0: usb-storage 2-5:1.0
[   34.270594] sd 0:0:0:0: [sda] Attached SCSI removable disk
`;

const TRACE = `# tracer: nop
#
#           TASK-PID       TGID     CPU#  |||||  TIMESTAMP  FUNCTION
#              | |           |        |   |||||     |         |
            node-235     (    217) [000] .....    33.031440: desc: (read_descriptors+0x0/0xe0 [usbcore]) name="2-5"
            node-217     (    217) [000] ...1.    33.082669: sys_fsync -> 0x0
            node-232     (    217) [000] .....    33.124943: desc: (read_descriptors+0x0/0xe0 [usbcore]) name="2-5"
            node-234     (    217) [000] .....    33.151590: auth: (authorized_store+0x0/0xa0 [usbcore]) name="2-5" val="1"
            node-234     (    217) [000] .....    33.201590: iauth: (interface_authorized_store+0x0/0x90 [usbcore]) name="2-5:1.0" val="1"
              sh-137     (    137) [000] .....     5.835998: auth: (authorized_store+0x0/0xa0 [usbcore]) name="usb1" val="1"
            node-217     (    217) [000] ...1.    33.296714: sys_fdatasync -> 0x0
            node-217     (    217) [000] ...1.    33.296800: sys_fsync -> 0xfffffffffffffffb
             cat-139     [000] .....     5.830771: read_descriptors <-kernfs_fop_read_iter
`;

describe('the USB bench reads the kernel log', () => {
  it('finds add, bind and disk of a stick the kernel binds alone', () => {
    const k = parseDmesg(KERNEL_ALONE);
    expect(k.add).toEqual({ t: 4.343088, dev: '2-1' });
    expect(k.enumerated).toEqual({ t: 4.364603, dev: '2-1' });
    expect(k.bound).toEqual({ t: 4.36734, dev: '2-1' });
    expect(k.disk).toBe(5.447717);
    // No agent, no seal: neither marker of an authorization is there.
    expect(k.notAuthorized).toBeUndefined();
    expect(k.authorized).toBeUndefined();
    expect(ms(k.add?.t, k.bound?.t)).toBe(24.252);
  });

  it('tells the held-back interface from the bind, and the device authorization from both', () => {
    const k = parseDmesg(WITH_AGENT);
    expect(k.notAuthorized).toEqual({ t: 32.499945, dev: '2-5' });
    expect(k.authorized).toEqual({ t: 33.152835, dev: '2-5' });
    // "Interface 0 is not authorized" is usb-storage's line too, but not the bind.
    expect(k.bound).toEqual({ t: 33.246557, dev: '2-5' });
    expect(ms(k.add?.t, k.authorized?.t)).toBe(673.727);
  });

  it('keeps the first of each kind (a second plug in the same read does not move it)', () => {
    const k = parseDmesg(
      `${KERNEL_ALONE}${KERNEL_ALONE.replaceAll('2-1', '2-2').replace(/\[ {4}(\d)\./g, '[   1$1.')}`,
    );
    expect(k.add?.dev).toBe('2-1');
    expect(k.bound?.t).toBe(4.36734);
  });
});

describe('the USB bench reads the trace', () => {
  it('reads the process, the device and the value of each probe, and the syncs', () => {
    const p = parseTrace(TRACE);
    expect(p.map((x) => x.kind)).toEqual([
      'desc',
      'sync',
      'desc',
      'auth',
      'iauth',
      'auth',
      'sync',
      'sync',
    ]);
    expect(p[0]).toEqual({ kind: 'desc', comm: 'node', tgid: 217, t: 33.03144, name: '2-5' });
    expect(p[3]).toEqual({
      kind: 'auth',
      comm: 'node',
      tgid: 217,
      t: 33.15159,
      name: '2-5',
      val: '1',
    });
    expect(p[4]).toMatchObject({ kind: 'iauth', name: '2-5:1.0', val: '1' });
    // Another process's write is told apart by its thread group, not its thread.
    expect(p[5]).toMatchObject({ comm: 'sh', tgid: 137, name: 'usb1' });
    expect(p[1]).toEqual({ kind: 'sync', comm: 'node', tgid: 217, t: 33.082669 });
  });

  it('skips headers and lines without a thread group', () => {
    expect(parseTrace('# tracer: nop\n\n             cat-139     [000] .....  5.8: x\n')).toEqual(
      [],
    );
  });
});

describe('percentiles', () => {
  it('uses the nearest rank: p50 of an even count is the lower middle, p99 of 25 the largest', () => {
    const xs = Array.from({ length: 25 }, (_, i) => 25 - i);
    expect(percentile(xs, 50)).toBe(13);
    expect(percentile(xs, 99)).toBe(25);
    expect(percentile([4, 1, 3, 2], 50)).toBe(2);
    expect(() => percentile([], 50)).toThrow();
  });

  it('leaves out what is missing and says null for nothing', () => {
    expect(stats([3, undefined, 1, 2])).toEqual({ n: 3, p50: 2, p99: 3, min: 1, max: 3 });
    expect(stats([undefined])).toBeNull();
    expect(ms(undefined, 1)).toBeUndefined();
  });
});
