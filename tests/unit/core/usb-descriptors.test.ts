// The sysfs `descriptors` parser and the device hash: real layouts (QEMU's stick and keyboard,
// a composite keyboard with a card reader, an Android phone, hubs, a webcam with alternates
// and class-specific descriptors, two configurations), then hostile bytes: every way the
// walk could loop or read past the end, each named in `problems`, and fast-check's random
// and mangled inputs, which must never throw or hang.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDescriptors } from '../../../src/core/usb/descriptors.js';
import { deviceHash } from '../../../src/core/usb/hash.js';
import {
  ANDROID_MTP,
  COMPOSITE_KEYBOARD_READER,
  HUB,
  QEMU_KEYBOARD,
  QEMU_STICK,
  ROOT_HUB,
  TWO_CONFIGS,
  WEBCAM,
} from '../../helpers/usb-descriptors.js';

const iface = (number: number, alt: number, cls: string, sub: string, proto: string) => ({
  number,
  alt,
  class: cls,
  subclass: sub,
  protocol: proto,
});

/** A device descriptor (18 bytes) declaring `configs` configurations, class `cls`. */
const device = (configs: number, cls = 0x00) => [
  0x12,
  0x01,
  0x00,
  0x02,
  cls,
  0x00,
  0x00,
  0x40,
  0x34,
  0x12,
  0x78,
  0x56,
  0x00,
  0x01,
  0x01,
  0x02,
  0x03,
  configs,
];
/** A configuration descriptor header. */
const config = (total: number, interfaces: number, value = 1) => [
  0x09,
  0x02,
  total & 0xff,
  total >> 8,
  interfaces,
  value,
  0x00,
  0x80,
  0x32,
];
const intf = (n: number, alt: number, cls: number) => [0x09, 0x04, n, alt, 0, cls, 0, 0, 0];
const u8 = (...parts: number[][]) => Uint8Array.from(parts.flat());

describe('parseDescriptors on real devices', () => {
  it('QEMU usb-storage: 46f4:0001, one mass-storage interface, SuperSpeed companions skipped', () => {
    expect(parseDescriptors(QEMU_STICK)).toEqual({
      vendor: '46f4',
      product: '0001',
      deviceClass: '00',
      declaredConfigurations: 1,
      configurations: [
        { value: 1, declaredInterfaces: 1, interfaces: [iface(0, 0, '08', '06', '50')] },
      ],
      chosen: 0,
      chosenBy: 'only',
      interfaces: [iface(0, 0, '08', '06', '50')],
      problems: [],
    });
  });

  it('QEMU usb-kbd: 0627:0001, a HID boot keyboard; the HID descriptor is stepped over', () => {
    const p = parseDescriptors(QEMU_KEYBOARD);
    expect([p.vendor, p.product, p.deviceClass]).toEqual(['0627', '0001', '00']);
    expect(p.interfaces).toEqual([iface(0, 0, '03', '01', '01')]);
    expect(p.problems).toEqual([]);
  });

  it('a keyboard with a card reader: HID interface 0 and mass storage interface 1', () => {
    const p = parseDescriptors(COMPOSITE_KEYBOARD_READER);
    expect([p.vendor, p.product]).toEqual(['04d9', 'a0f8']);
    expect(p.interfaces).toEqual([iface(0, 0, '03', '01', '01'), iface(1, 0, '08', '06', '50')]);
    expect(p.problems).toEqual([]);
  });

  it('an Android phone: vendor-specific MTP (ff/ff/00) and ADB (ff/42/01) interfaces', () => {
    const p = parseDescriptors(ANDROID_MTP);
    expect([p.vendor, p.product]).toEqual(['18d1', '4ee2']);
    expect(p.interfaces).toEqual([iface(0, 0, 'ff', 'ff', '00'), iface(1, 0, 'ff', '42', '01')]);
    expect(p.problems).toEqual([]);
  });

  it('hubs say class 09, on the device and on their one interface', () => {
    for (const [bytes, id] of [
      [HUB, '05e3:0608'],
      [ROOT_HUB, '1d6b:0002'],
    ] as const) {
      const p = parseDescriptors(bytes);
      expect(`${p.vendor}:${p.product}`).toBe(id);
      expect(p.deviceClass).toBe('09');
      expect(p.interfaces).toEqual([iface(0, 0, '09', '00', '00')]);
      expect(p.problems).toEqual([]);
    }
  });

  it('a webcam: the association and class-specific descriptors skipped, alternates kept', () => {
    const p = parseDescriptors(WEBCAM);
    expect(p.deviceClass).toBe('ef');
    expect(p.interfaces).toEqual([
      iface(0, 0, '0e', '01', '00'),
      iface(1, 0, '0e', '02', '00'),
      iface(1, 1, '0e', '02', '00'),
    ]);
    expect(p.problems).toEqual([]);
  });
});

describe('parseDescriptors: which configuration', () => {
  it('several: the one Linux picks (the first whose first interface is not vendor-specific)', () => {
    const p = parseDescriptors(TWO_CONFIGS);
    expect(p.configurations.map((c) => c.value)).toEqual([1, 2]);
    expect([p.chosen, p.chosenBy]).toEqual([1, 'kernel']);
    expect(p.interfaces).toEqual([iface(0, 0, '08', '06', '50')]);
    expect(p.problems).toEqual([]);
  });

  it('the active configuration when the caller knows it; an unknown one is said and ignored', () => {
    const active = parseDescriptors(TWO_CONFIGS, { active: 1 });
    expect([active.chosen, active.chosenBy, active.problems]).toEqual([0, 'active', []]);
    expect(active.interfaces).toEqual([iface(0, 0, 'ff', '00', '00')]);
    const second = parseDescriptors(TWO_CONFIGS, { active: 2 });
    expect([second.chosen, second.chosenBy]).toEqual([1, 'active']);
    const unknown = parseDescriptors(TWO_CONFIGS, { active: 7 });
    expect([unknown.chosen, unknown.chosenBy]).toEqual([1, 'kernel']);
    expect(unknown.problems).toEqual(['descriptors: the active configuration 7 is not among them']);
    const single = parseDescriptors(QEMU_STICK, { active: 1 });
    expect(single.chosenBy).toBe('active');
  });

  it('the first when the device is vendor-specific, when every one is, or when the first is standard', () => {
    const c1 = [...config(18, 1, 1), ...intf(0, 0, 0x08)];
    const c2 = [...config(18, 1, 2), ...intf(0, 0, 0x03)];
    const v1 = [...config(18, 1, 1), ...intf(0, 0, 0xff)];
    const v2 = [...config(18, 1, 2), ...intf(0, 0, 0xff)];
    // A vendor-specific device keeps its first configuration even when a later one is standard.
    const vendorDevice = parseDescriptors(u8(device(2, 0xff), v1, c1));
    expect([vendorDevice.chosen, vendorDevice.chosenBy]).toEqual([0, 'kernel']);
    expect(parseDescriptors(u8(device(2), v1, c1)).chosen).toBe(1);
    const bothStandard = parseDescriptors(u8(device(2), c1, c2));
    expect(bothStandard.chosen).toBe(0);
    const allVendor = parseDescriptors(u8(device(2), v1, v2));
    expect([allVendor.chosen, allVendor.problems]).toEqual([0, []]);
    expect(allVendor.interfaces).toEqual([iface(0, 0, 'ff', '00', '00')]);
  });

  it('a configuration without interfaces is passed over like a vendor-specific one', () => {
    const empty = config(9, 0, 1);
    const storage = [...config(18, 1, 2), ...intf(0, 0, 0x08)];
    const p = parseDescriptors(u8(device(2), empty, storage));
    expect(p.configurations).toEqual([
      { value: 1, declaredInterfaces: 0, interfaces: [] },
      { value: 2, declaredInterfaces: 1, interfaces: [iface(0, 0, '08', '00', '00')] },
    ]);
    expect([p.chosen, p.problems]).toEqual([1, []]);
  });

  it('a device with no configuration at all: nothing chosen, nothing wrong if none is declared', () => {
    const p = parseDescriptors(u8(device(0)));
    expect(p).toMatchObject({ chosen: -1, chosenBy: 'none', interfaces: [], problems: [] });
    expect(p.vendor).toBe('1234');
    expect(p.product).toBe('5678');
  });
});

describe('parseDescriptors on hostile bytes', () => {
  it('empty, or too short for a device descriptor: nothing but the problem', () => {
    expect(parseDescriptors(new Uint8Array())).toEqual({
      configurations: [],
      chosen: -1,
      chosenBy: 'none',
      interfaces: [],
      problems: ['descriptors: empty'],
    });
    const short = parseDescriptors(QEMU_STICK.subarray(0, 17));
    expect(short.problems).toEqual(['descriptors: device descriptor cut short (17 of 18 bytes)']);
    expect(short.vendor).toBeUndefined();
  });

  it('a device descriptor with the wrong length or type is said, and read anyway', () => {
    const badLength = Uint8Array.from(QEMU_STICK);
    badLength[0] = 0x11;
    expect(parseDescriptors(badLength).problems).toEqual([
      'descriptors: not a device descriptor (bLength 17, bDescriptorType 1)',
    ]);
    const badType = Uint8Array.from(QEMU_STICK);
    badType[1] = 0x02;
    const p = parseDescriptors(badType);
    expect(p.problems).toEqual([
      'descriptors: not a device descriptor (bLength 18, bDescriptorType 2)',
    ]);
    expect(p.interfaces).toEqual([iface(0, 0, '08', '06', '50')]);
  });

  it('bLength 0 or 1 inside a configuration stops the walk instead of looping', () => {
    for (const len of [0, 1]) {
      const p = parseDescriptors(
        u8(device(1), config(9 + 9 + 2 + 9, 2), intf(0, 0, 0x03), [len, 0x24], intf(1, 0, 8)),
      );
      expect(p.interfaces).toEqual([iface(0, 0, '03', '00', '00')]);
      expect(p.problems).toEqual([
        `descriptors: descriptor of bLength ${len} at offset 36`,
        'descriptors: configuration 1 declares 2 interfaces, has 1',
      ]);
    }
  });

  it('a two-byte descriptor is legal and stepped over', () => {
    const p = parseDescriptors(u8(device(1), config(9 + 2 + 9, 1), [0x02, 0x24], intf(0, 0, 0x08)));
    expect(p.interfaces).toEqual([iface(0, 0, '08', '00', '00')]);
    expect(p.problems).toEqual([]);
  });

  it('a descriptor running past its configuration is not read', () => {
    // wTotalLength says 9 + 9 + 5, but the interface descriptor that follows claims 9.
    const p = parseDescriptors(u8(device(1), config(23, 1), intf(0, 0, 3), intf(1, 0, 8)));
    expect(p.interfaces).toEqual([iface(0, 0, '03', '00', '00')]);
    expect(p.problems).toEqual([
      'descriptors: descriptor at offset 36 runs past its configuration',
      'descriptors: 4 stray bytes at offset 41',
    ]);
  });

  it('an interface descriptor shorter than 9 bytes is said and not taken', () => {
    const p = parseDescriptors(
      u8(device(1), config(9 + 5 + 9, 1), [0x05, 0x04, 0x01, 0x00, 0x00], intf(0, 0, 3)),
    );
    expect(p.interfaces).toEqual([iface(0, 0, '03', '00', '00')]);
    expect(p.problems).toEqual(['descriptors: interface descriptor of bLength 5 at offset 27']);
  });

  it('a cut-short configuration gives what is there and says so', () => {
    // Cut in the middle of the second interface descriptor.
    const p = parseDescriptors(COMPOSITE_KEYBOARD_READER.subarray(0, 18 + 9 + 25 + 4));
    expect(p.interfaces).toEqual([iface(0, 0, '03', '01', '01')]);
    expect(p.problems).toEqual([
      'descriptors: configuration 1 cut short (38 of 57 bytes)',
      'descriptors: descriptor at offset 52 runs past its configuration',
      'descriptors: configuration 1 declares 2 interfaces, has 1',
    ]);
  });

  it('what is not a configuration descriptor ends the walk', () => {
    const cases: [number[], string][] = [
      [
        [0x09, 0x04, 0x12, 0x00, 0x01, 0x01, 0x00, 0x80, 0x32],
        'bLength 9, bDescriptorType 4, wTotalLength 18',
      ],
      [
        [0x08, 0x02, 0x12, 0x00, 0x01, 0x01, 0x00, 0x80, 0x32],
        'bLength 8, bDescriptorType 2, wTotalLength 18',
      ],
      [
        [0x09, 0x02, 0x08, 0x00, 0x01, 0x01, 0x00, 0x80, 0x32],
        'bLength 9, bDescriptorType 2, wTotalLength 8',
      ],
    ];
    for (const [header, said] of cases) {
      const p = parseDescriptors(u8(device(1), header, intf(0, 0, 8)));
      expect(p.configurations).toEqual([]);
      expect(p.problems).toEqual([
        `descriptors: no configuration descriptor at offset 18 (${said})`,
        'descriptors: 1 configurations declared, 0 found',
      ]);
    }
  });

  it('a configuration of exactly its header, at the very end, is read', () => {
    const p = parseDescriptors(u8(device(1), config(9, 0)));
    expect(p.configurations).toEqual([{ value: 1, declaredInterfaces: 0, interfaces: [] }]);
    expect(p.problems).toEqual([]);
  });

  it('stray bytes after the last configuration, and a wrong count of configurations', () => {
    const p = parseDescriptors(u8([...QEMU_KEYBOARD], [0x01, 0x02, 0x03]));
    expect(p.problems).toEqual(['descriptors: 3 stray bytes at offset 52']);
    const more = Uint8Array.from(QEMU_KEYBOARD);
    more[17] = 3;
    expect(parseDescriptors(more).problems).toEqual([
      'descriptors: 3 configurations declared, 1 found',
    ]);
  });

  it('the same interface and alternate twice is said; both are kept (decide sees either)', () => {
    const p = parseDescriptors(u8(device(1), config(27, 1), intf(0, 0, 3), intf(0, 0, 8)));
    expect(p.interfaces).toEqual([iface(0, 0, '03', '00', '00'), iface(0, 0, '08', '00', '00')]);
    expect(p.problems).toEqual([
      'descriptors: configuration 1 lists interface 0 alternate 0 twice',
    ]);
  });

  it('reads little-endian 16-bit fields (a high byte above 0x7f too)', () => {
    const d = Uint8Array.from(QEMU_KEYBOARD);
    d.set([0xcd, 0xab, 0x01, 0xff], 8);
    const p = parseDescriptors(d);
    expect([p.vendor, p.product]).toEqual(['abcd', 'ff01']);
    // wTotalLength above 255: 0x0100 bytes declared, far fewer present.
    const long = parseDescriptors(u8(device(1), config(0x100, 0)));
    expect(long.problems).toEqual(['descriptors: configuration 1 cut short (9 of 256 bytes)']);
  });

  it('never throws, never hangs, never finds more interfaces than bytes allow (random bytes)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.option(fc.nat(255)), (b, active) => {
        const p = parseDescriptors(b, active === null ? {} : { active });
        expect(p.interfaces.length).toBeLessThanOrEqual(Math.floor(b.length / 9));
        for (const i of p.interfaces) expect(i.class).toMatch(/^[0-9a-f]{2}$/);
        if (b.length < 18) expect(p.problems.length).toBeGreaterThan(0);
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws on real descriptors with bytes changed, cut short or spliced', () => {
    const real = [QEMU_STICK, QEMU_KEYBOARD, COMPOSITE_KEYBOARD_READER, ANDROID_MTP, WEBCAM];
    fc.assert(
      fc.property(
        fc.constantFrom(...real),
        fc.array(fc.tuple(fc.nat(200), fc.nat(255)), { maxLength: 6 }),
        fc.nat(200),
        (orig, edits, cut) => {
          const b = Uint8Array.from(orig);
          for (const [at, v] of edits) b[at % b.length] = v;
          const p = parseDescriptors(b.subarray(0, Math.max(cut, 0)));
          expect(Array.isArray(p.problems)).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('every strict prefix of a well-formed blob is said to be wrong', () => {
    for (const orig of [QEMU_STICK, COMPOSITE_KEYBOARD_READER, ANDROID_MTP, WEBCAM, TWO_CONFIGS]) {
      expect(parseDescriptors(orig).problems).toEqual([]);
      for (let n = 0; n < orig.length; n++)
        expect(parseDescriptors(orig.subarray(0, n)).problems.length).toBeGreaterThan(0);
    }
  });
});

describe('deviceHash', () => {
  it('is SHA-256 over the raw descriptors followed by the UTF-8 serial, in lowercase hex', () => {
    const expected = createHash('sha256')
      .update(Buffer.concat([Buffer.from(QEMU_STICK), Buffer.from('1-0000:00:04.0-1', 'utf8')]))
      .digest('hex');
    expect(deviceHash(QEMU_STICK, '1-0000:00:04.0-1')).toBe(expected);
    expect(deviceHash(QEMU_STICK, '序列号')).toBe(
      createHash('sha256')
        .update(Buffer.concat([Buffer.from(QEMU_STICK), Buffer.from('序列号', 'utf8')]))
        .digest('hex'),
    );
  });

  it('without a serial (or an empty one) it is the hash of the descriptors alone', () => {
    const bare = createHash('sha256').update(QEMU_KEYBOARD).digest('hex');
    expect(deviceHash(QEMU_KEYBOARD)).toBe(bare);
    expect(deviceHash(QEMU_KEYBOARD, '')).toBe(bare);
    expect(bare).toMatch(/^[0-9a-f]{64}$/);
    // A known value, so the definition cannot drift unnoticed (pinned devices would unpin).
    expect(deviceHash(Uint8Array.from([1, 2, 3]), 'A')).toBe(
      createHash('sha256').update('\x01\x02\x03A', 'latin1').digest('hex'),
    );
  });

  it('two sticks of one model with different serials hash apart', () => {
    expect(deviceHash(QEMU_STICK, 'a')).not.toBe(deviceHash(QEMU_STICK, 'b'));
  });
});
