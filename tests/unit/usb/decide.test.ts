// decide(): every rule form, the HID safety rule, MTP/PTP, hubs, exceptions, whileLocked and
// unreadable devices (src/core/usb/decide.ts's header is the specification).
import { describe, expect, it } from 'vitest';
import { decide, exceptionFor, unreadableReason } from '../../../src/core/usb/decide.js';
import type { Decision } from '../../../src/core/usb/types.js';
import {
  ctx,
  exception,
  hub,
  iface,
  keyboard,
  keyboardWithReader,
  NOW,
  phone,
  rule,
  stick,
  usb,
  webcam,
} from './helpers.js';

/** verdict and rule of each interface, as a compact table. */
const perIface = (d: Decision) => d.interfaces.map((i) => [i.number, i.verdict, i.rule.by]);

describe('storage: usb.storage when no rule matches', () => {
  it.each(['block', 'allow', 'read-only', 'audit'] as const)('storage: %s', (storage) => {
    const d = decide(stick(), usb({ storage }), ctx());
    expect(d).toEqual({
      verdict: storage,
      rule: { by: 'storage-default' },
      storage: true,
      hid: false,
      interfaces: [{ number: 0, verdict: storage, rule: { by: 'storage-default' } }],
    });
  });
});

describe('storage: each matcher alone', () => {
  const allowIf = (r: Parameters<typeof rule>[0]) => usb({ rules: [rule(r)] });

  it('a rule with no matcher matches every storage device, with its index and note', () => {
    const d = decide(stick(), allowIf({ verdict: 'allow', note: '全部放行' }), ctx());
    expect(d.verdict).toBe('allow');
    expect(d.rule).toEqual({ by: 'rule', index: 0, note: '全部放行' });
    expect(decide(phone(), allowIf({ verdict: 'audit' }), ctx()).rule).toEqual({
      by: 'rule',
      index: 0,
    });
  });

  it('vendor', () => {
    expect(decide(stick(), allowIf({ vendor: '0781', verdict: 'allow' }), ctx()).verdict).toBe(
      'allow',
    );
    expect(decide(stick(), allowIf({ vendor: '0782', verdict: 'allow' }), ctx()).verdict).toBe(
      'block',
    );
  });

  it('product', () => {
    expect(decide(stick(), allowIf({ product: '5581', verdict: 'allow' }), ctx()).verdict).toBe(
      'allow',
    );
    expect(decide(stick(), allowIf({ product: '5580', verdict: 'allow' }), ctx()).verdict).toBe(
      'block',
    );
  });

  it('ids compare in any case on either side', () => {
    const upper = stick({ vendor: '0A5C', product: 'BEEF' });
    const r = allowIf({ vendor: '0a5c', product: 'beef', verdict: 'allow' });
    expect(decide(upper, r, ctx()).verdict).toBe('allow');
    const upperRule = allowIf({ vendor: '0A5C', product: 'BEEF', verdict: 'allow' });
    expect(decide(stick({ vendor: '0a5c', product: 'beef' }), upperRule, ctx()).verdict).toBe(
      'allow',
    );
  });

  it('serial: exact, and never for a device without one', () => {
    const r = allowIf({ serial: '4C530001231120115142', verdict: 'allow' });
    expect(decide(stick(), r, ctx()).verdict).toBe('allow');
    expect(decide(stick({ serial: '4c530001231120115142' }), r, ctx()).verdict).toBe('block');
    expect(decide(stick({ serial: '4C530001231120115142 ' }), r, ctx()).verdict).toBe('block');
    expect(decide(stick({ serial: undefined }), r, ctx()).verdict).toBe('block');
  });

  it('hash: any case, and never for a device without one', () => {
    const r = allowIf({ hash: 'A'.repeat(64), verdict: 'allow' });
    expect(decide(stick(), r, ctx()).verdict).toBe('allow');
    expect(decide(stick({ hash: 'A'.repeat(64) }), r, ctx()).verdict).toBe('allow');
    expect(decide(stick({ hash: 'f'.repeat(64) }), r, ctx()).verdict).toBe('block');
    expect(decide(stick({ hash: undefined }), r, ctx()).verdict).toBe('block');
  });

  it("class: the interface's class", () => {
    expect(decide(stick(), allowIf({ class: '08', verdict: 'allow' }), ctx()).verdict).toBe(
      'allow',
    );
    expect(decide(stick(), allowIf({ class: '06', verdict: 'allow' }), ctx()).verdict).toBe(
      'block',
    );
    const camera = stick({ interfaces: [iface(0, '06', { subclass: '01', protocol: '01' })] });
    expect(decide(camera, allowIf({ class: '06', verdict: 'allow' }), ctx()).verdict).toBe('allow');
    expect(decide(camera, allowIf({ class: '08', verdict: 'allow' }), ctx()).verdict).toBe('block');
  });

  it('class: the device class', () => {
    const misc = stick({ deviceClass: 'ef' });
    expect(decide(misc, allowIf({ class: 'ef', verdict: 'allow' }), ctx()).verdict).toBe('allow');
    expect(decide(stick(), allowIf({ class: 'ef', verdict: 'allow' }), ctx()).verdict).toBe(
      'block',
    );
    // Uppercase on either side is the same class.
    const upper = stick({ deviceClass: 'EF', interfaces: [iface(0, '08')] });
    expect(decide(upper, allowIf({ class: 'ef', verdict: 'allow' }), ctx()).verdict).toBe('allow');
    const upperIface = stick({ interfaces: [iface(0, 'FF', { name: 'MTP' })] });
    expect(decide(upperIface, allowIf({ class: 'ff', verdict: 'allow' }), ctx()).verdict).toBe(
      'allow',
    );
    expect(
      decide(stick(), allowIf({ class: 'EF', verdict: 'allow' }), ctx()).verdict,
      'rule class EF vs device 00 / interface 08',
    ).toBe('block');
  });
});

describe('non-storage: each matcher alone decides', () => {
  it.each([
    ['vendor', { vendor: '046d' }],
    ['product', { product: '085c' }],
    ['serial', { serial: 'CAM1' }],
    ['hash', { hash: 'E'.repeat(64) }],
    ['class (device)', { class: 'ef' }],
  ] as const)('%s', (_, m) => {
    const cam = webcam({ serial: 'CAM1' });
    const d = decide(cam, usb({ rules: [rule({ ...m, verdict: 'block' })] }), ctx());
    expect([d.verdict, d.rule]).toStrictEqual(['block', { by: 'rule', index: 0 }]);
  });

  it('a rule without a note names none (not even an empty one)', () => {
    const d = decide(stick(), usb({ rules: [rule({ verdict: 'allow' })] }), ctx());
    expect(d.rule).toStrictEqual({ by: 'rule', index: 0 });
    expect('note' in d.rule).toBe(false);
  });

  it("an interface class in capitals is the rule's class", () => {
    const cam = webcam({ interfaces: [iface(0, '0E'), iface(1, '01')] });
    const d = decide(cam, usb({ rules: [rule({ class: '0e', verdict: 'block' })] }), ctx());
    expect(perIface(d)).toEqual([
      [0, 'block', 'rule'],
      [1, 'allow', 'not-storage'],
    ]);
  });
});

describe('storage: combinations and order', () => {
  const approved = rule({
    vendor: '0781',
    product: '5581',
    serial: '4C530001231120115142',
    verdict: 'allow',
    note: '财务部加密U盘',
  });

  it('every matcher a rule gives must hold', () => {
    expect(decide(stick(), usb({ rules: [approved] }), ctx()).rule).toEqual({
      by: 'rule',
      index: 0,
      note: '财务部加密U盘',
    });
    for (const other of [
      stick({ vendor: '0782' }),
      stick({ product: '5582' }),
      stick({ serial: '4C530001231120115143' }),
    ]) {
      expect(decide(other, usb({ rules: [approved] }), ctx()).verdict).toBe('block');
    }
    const withHash = rule({ vendor: '0781', hash: 'a'.repeat(64), verdict: 'read-only' });
    expect(decide(stick(), usb({ rules: [withHash] }), ctx()).verdict).toBe('read-only');
    expect(decide(stick({ hash: 'f'.repeat(64) }), usb({ rules: [withHash] }), ctx()).verdict).toBe(
      'block',
    );
    const withClass = rule({ vendor: '0781', class: '08', verdict: 'audit' });
    expect(decide(stick(), usb({ rules: [withClass] }), ctx()).verdict).toBe('audit');
    expect(decide(stick({ vendor: '0000' }), usb({ rules: [withClass] }), ctx()).verdict).toBe(
      'block',
    );
  });

  it('first match wins', () => {
    const rules = [
      rule({ vendor: '1234', verdict: 'allow' }),
      rule({ vendor: '0781', verdict: 'read-only', note: 'second' }),
      rule({ verdict: 'allow', note: 'third' }),
    ];
    const d = decide(stick(), usb({ rules }), ctx());
    expect([d.verdict, d.rule]).toEqual(['read-only', { by: 'rule', index: 1, note: 'second' }]);
    const other = decide(stick({ vendor: '0951' }), usb({ rules }), ctx());
    expect([other.verdict, other.rule]).toEqual(['allow', { by: 'rule', index: 2, note: 'third' }]);
    // A block rule before an allow rule for the same device wins.
    const blockFirst = [rule({ hash: 'a'.repeat(64), verdict: 'block' }), approved];
    expect(decide(stick(), usb({ storage: 'allow', rules: blockFirst }), ctx()).rule).toEqual({
      by: 'rule',
      index: 0,
    });
  });
});

describe('HID is never blocked by a storage rule', () => {
  it('a keyboard under storage: block is allowed, as not storage', () => {
    const d = decide(keyboard(), usb(), ctx());
    expect(d).toEqual({
      verdict: 'allow',
      rule: { by: 'not-storage' },
      storage: false,
      hid: true,
      interfaces: [
        { number: 0, verdict: 'allow', rule: { by: 'not-storage' } },
        { number: 1, verdict: 'allow', rule: { by: 'not-storage' } },
      ],
    });
  });

  it('a matcher-less block rule is a storage rule: it does not touch a keyboard', () => {
    const d = decide(keyboard(), usb({ rules: [rule({ verdict: 'block' })] }), ctx());
    expect([d.verdict, d.rule.by]).toEqual(['allow', 'not-storage']);
  });

  it('a rule that names the keyboard without class "03" keeps it (hid-kept)', () => {
    for (const r of [
      rule({ vendor: '046d', verdict: 'block' }),
      rule({ vendor: '046d', product: 'c31c', verdict: 'block' }),
      rule({ hash: 'b'.repeat(64), verdict: 'block' }),
      rule({ vendor: '046d', verdict: 'allow' }),
    ]) {
      const d = decide(keyboard(), usb({ rules: [r] }), ctx());
      expect(perIface(d)).toEqual([
        [0, 'allow', 'hid-kept'],
        [1, 'allow', 'hid-kept'],
      ]);
      expect([d.verdict, d.rule]).toEqual(['allow', { by: 'hid-kept' }]);
    }
  });

  it('a class rule for another class matching the device class keeps HID too', () => {
    const kb = keyboard({ deviceClass: 'ef' });
    const d = decide(kb, usb({ rules: [rule({ class: 'ef', verdict: 'block' })] }), ctx());
    expect(perIface(d)).toEqual([
      [0, 'allow', 'hid-kept'],
      [1, 'allow', 'hid-kept'],
    ]);
    const storageClass = decide(
      keyboard(),
      usb({ rules: [rule({ class: '08', verdict: 'block' })] }),
      ctx(),
    );
    expect(storageClass.rule).toEqual({ by: 'not-storage' });
  });

  it('a rule with class "03" that names the device decides it', () => {
    const bad = rule({
      class: '03',
      vendor: '046d',
      product: 'c31c',
      verdict: 'block',
      note: 'BadUSB',
    });
    const d = decide(keyboard(), usb({ rules: [bad] }), ctx());
    expect(d.verdict).toBe('block');
    expect(d.rule).toEqual({ by: 'rule', index: 0, note: 'BadUSB' });
    expect(perIface(d)).toEqual([
      [0, 'block', 'rule'],
      [1, 'block', 'rule'],
    ]);
    // Another keyboard is not named.
    expect(decide(keyboard({ product: 'c31d' }), usb({ rules: [bad] }), ctx()).verdict).toBe(
      'allow',
    );
    // Uppercase class in a hand-made policy object reads the same.
    const upper = rule({ class: '03', vendor: '046D', verdict: 'audit' });
    expect(decide(keyboard(), usb({ rules: [upper] }), ctx()).verdict).toBe('audit');
  });

  it('read-only on HID means allow (by the rule); audit is audit', () => {
    const ro = decide(
      keyboard(),
      usb({ rules: [rule({ class: '03', vendor: '046d', verdict: 'read-only' })] }),
      ctx(),
    );
    expect([ro.verdict, ro.rule]).toEqual(['allow', { by: 'rule', index: 0 }]);
    expect(perIface(ro)).toEqual([
      [0, 'allow', 'rule'],
      [1, 'allow', 'rule'],
    ]);
  });

  it('first match wins for HID as well: a class-less rule first keeps it', () => {
    const rules = [
      rule({ vendor: '046d', verdict: 'block' }),
      rule({ class: '03', vendor: '046d', verdict: 'block' }),
    ];
    expect(decide(keyboard(), usb({ rules }), ctx()).rule).toEqual({ by: 'hid-kept' });
    const swapped = [rules[1]!, rules[0]!];
    expect(decide(keyboard(), usb({ rules: swapped }), ctx()).verdict).toBe('block');
  });

  it('a keyboard with a card reader under storage: block: only the reader is refused', () => {
    const d = decide(keyboardWithReader(), usb(), ctx());
    expect(d).toEqual({
      verdict: 'allow',
      rule: { by: 'storage-default' },
      storage: true,
      hid: true,
      interfaces: [
        { number: 0, verdict: 'allow', rule: { by: 'not-storage' } },
        { number: 1, verdict: 'allow', rule: { by: 'not-storage' } },
        { number: 2, verdict: 'block', rule: { by: 'storage-default' } },
      ],
    });
  });

  it('the same composite under a block-all-storage rule, and under an allow rule for it', () => {
    const all = decide(keyboardWithReader(), usb({ rules: [rule({ verdict: 'block' })] }), ctx());
    expect(perIface(all)).toEqual([
      [0, 'allow', 'not-storage'],
      [1, 'allow', 'not-storage'],
      [2, 'block', 'rule'],
    ]);
    expect(all.verdict).toBe('allow');
    const vendorBlock = decide(
      keyboardWithReader(),
      usb({ rules: [rule({ vendor: '046d', verdict: 'block' })] }),
      ctx(),
    );
    expect(perIface(vendorBlock)).toEqual([
      [0, 'allow', 'hid-kept'],
      [1, 'allow', 'hid-kept'],
      [2, 'block', 'rule'],
    ]);
    const ok = decide(
      keyboardWithReader(),
      usb({ rules: [rule({ hash: 'c'.repeat(64), verdict: 'read-only' })] }),
      ctx(),
    );
    expect(ok.verdict).toBe('read-only');
    expect(ok.rule).toEqual({ by: 'rule', index: 0 });
  });

  it('a stick that claims to be a keyboard (class 03 only) passes as HID: the trade-off', () => {
    const ducky = stick({ interfaces: [iface(0, '03', { subclass: '01', protocol: '01' })] });
    const d = decide(ducky, usb({ rules: [rule({ verdict: 'block' })] }), ctx());
    expect([d.verdict, d.storage, d.hid]).toEqual(['allow', false, true]);
  });
});

describe('other interfaces', () => {
  it('are allowed as not storage, and a matcher-less rule does not touch them', () => {
    for (const p of [usb(), usb({ rules: [rule({ verdict: 'block' })] })]) {
      const d = decide(webcam(), p, ctx());
      expect([d.verdict, d.rule, d.storage, d.hid]).toEqual([
        'allow',
        { by: 'not-storage' },
        false,
        false,
      ]);
    }
  });

  it('a rule with a matcher decides them', () => {
    const d = decide(webcam(), usb({ rules: [rule({ vendor: '046d', verdict: 'block' })] }), ctx());
    expect(d.verdict).toBe('block');
    expect(d.rule).toEqual({ by: 'rule', index: 0 });
    expect(perIface(d).every(([, v]) => v === 'block')).toBe(true);
  });

  it('a class rule decides the interfaces of that class only', () => {
    const d = decide(webcam(), usb({ rules: [rule({ class: '0e', verdict: 'block' })] }), ctx());
    expect(perIface(d)).toEqual([
      [0, 'block', 'rule'],
      [1, 'block', 'rule'],
      [2, 'allow', 'not-storage'],
      [3, 'allow', 'not-storage'],
    ]);
    expect([d.verdict, d.rule]).toEqual(['allow', { by: 'rule', index: 0 }]);
    // A device-class rule (ef) reaches every interface of the device.
    const all = decide(webcam(), usb({ rules: [rule({ class: 'ef', verdict: 'block' })] }), ctx());
    expect(all.verdict).toBe('block');
  });

  it('read-only means allow there; audit is audit', () => {
    const ro = decide(
      webcam(),
      usb({ rules: [rule({ vendor: '046d', verdict: 'read-only' })] }),
      ctx(),
    );
    expect([ro.verdict, ro.rule]).toEqual(['allow', { by: 'rule', index: 0 }]);
    expect(perIface(ro).every(([, v]) => v === 'allow')).toBe(true);
    const au = decide(webcam(), usb({ rules: [rule({ class: '01', verdict: 'audit' })] }), ctx());
    expect(au.verdict).toBe('audit');
    expect(perIface(au).map(([, v]) => v)).toEqual(['allow', 'allow', 'audit', 'audit']);
  });
});

describe('MTP and PTP', () => {
  it('an Android phone in MTP mode is storage', () => {
    const d = decide(phone(), usb(), ctx());
    expect([d.verdict, d.storage, d.rule]).toEqual(['block', true, { by: 'storage-default' }]);
  });

  it('the MTP name is trimmed and any case; other names or none are not MTP', () => {
    for (const name of ['mtp', ' MTP ', 'Mtp\n']) {
      expect(decide(phone({ interfaces: [iface(0, 'ff', { name })] }), usb(), ctx()).storage).toBe(
        true,
      );
    }
    for (const name of ['MTP Device', 'ADB Interface', '', undefined]) {
      const d = decide(phone({ interfaces: [iface(0, 'ff', { name })] }), usb(), ctx());
      expect([d.storage, d.verdict], String(name)).toEqual([false, 'allow']);
    }
    // "MTP" names storage only on a vendor interface.
    const named = decide(phone({ interfaces: [iface(0, '02', { name: 'MTP' })] }), usb(), ctx());
    expect(named.storage).toBe(false);
  });

  it('a phone with MTP and ADB: MTP refused, ADB kept', () => {
    const p = phone({
      interfaces: [iface(0, 'ff', { name: 'MTP' }), iface(1, 'ff', { name: 'ADB Interface' })],
    });
    const d = decide(p, usb(), ctx());
    expect(perIface(d)).toEqual([
      [0, 'block', 'storage-default'],
      [1, 'allow', 'not-storage'],
    ]);
    expect(d.verdict).toBe('allow');
  });

  it('a camera (PTP, class 06) is storage', () => {
    const cam = stick({ interfaces: [iface(0, '06', { subclass: '01', protocol: '01' })] });
    expect(decide(cam, usb(), ctx())).toMatchObject({ verdict: 'block', storage: true });
  });
});

describe('hubs', () => {
  it('are allowed whatever the rules say', () => {
    const rules = [rule({ verdict: 'block' }), rule({ vendor: '05e3', verdict: 'block' })];
    for (const h of [hub(), hub({ id: 'usb1', vendor: '1d6b', product: '0002' })]) {
      const d = decide(h, usb({ rules }), ctx({ locked: true }));
      expect(d).toEqual({
        verdict: 'allow',
        rule: { by: 'hub' },
        storage: false,
        hid: false,
        interfaces: [{ number: 0, verdict: 'allow', rule: { by: 'hub' } }],
      });
    }
  });

  it('a hub interface on a device of class 00 is a hub as well', () => {
    expect(decide(hub({ deviceClass: '00' }), usb(), ctx()).rule).toEqual({ by: 'hub' });
  });

  it('a "hub" that also offers storage is decided per interface', () => {
    const fake = hub({ interfaces: [iface(0, '09'), iface(1, '08')] });
    const d = decide(fake, usb(), ctx());
    expect(perIface(d)).toEqual([
      [0, 'allow', 'hub'],
      [1, 'block', 'storage-default'],
    ]);
    expect([d.verdict, d.rule, d.storage]).toEqual(['allow', { by: 'storage-default' }, true]);
    // Device class 09 alone does not make a hub.
    const claims = decide(stick({ deviceClass: '09' }), usb(), ctx());
    expect([claims.verdict, claims.rule]).toEqual(['block', { by: 'storage-default' }]);
  });
});

describe('unreadable devices are blocked (fail closed)', () => {
  const blocked = (d: Decision) => [d.verdict, d.rule];
  it('no interface known', () => {
    const d = decide(stick({ interfaces: [] }), usb({ storage: 'allow' }), ctx());
    expect(d).toEqual({
      verdict: 'block',
      rule: { by: 'unreadable' },
      storage: false,
      hid: false,
      interfaces: [],
    });
    expect(unreadableReason(stick({ interfaces: [] }))).toBe('no-interfaces');
    expect(unreadableReason(stick({ problems: ['descriptors'] }))).toBe('problems');
    expect(unreadableReason(stick())).toBeNull();
  });

  it('only alternate settings other than 0', () => {
    const d = stick({ interfaces: [iface(0, '08', { alt: 1 })] });
    expect(blocked(decide(d, usb({ storage: 'allow' }), ctx()))).toEqual([
      'block',
      { by: 'unreadable' },
    ]);
  });

  it('problems named by the adapter, on storage, a hub, or a keyboard with anything more', () => {
    for (const dev of [
      stick({ problems: ['descriptors'] }),
      hub({ problems: ['bDeviceClass'] }),
      keyboardWithReader({ problems: ['interface 3'] }),
      keyboard({ problems: ['x'], interfaces: [iface(0, '03'), iface(1, 'ff')] }),
      keyboard({ problems: ['x'], interfaces: [iface(0, '03'), iface(1, '0e')] }),
      phone({ problems: ['x'] }),
    ]) {
      expect(unreadableReason(dev)).toBe('problems');
      const d = decide(dev, usb({ storage: 'allow' }), ctx());
      expect(blocked(d)).toEqual(['block', { by: 'unreadable' }]);
      expect(d.interfaces.every((i) => i.verdict === 'block' && i.rule.by === 'unreadable')).toBe(
        true,
      );
    }
    const reader = decide(keyboardWithReader({ problems: ['x'] }), usb(), ctx());
    expect([reader.hid, reader.storage, reader.interfaces.length]).toEqual([true, true, 3]);
    // An empty list names no problem.
    expect(decide(stick({ problems: [] }), usb({ storage: 'allow' }), ctx()).verdict).toBe('allow');
  });

  it('a keyboard with problems is decided as a keyboard: HID only, or HID and hub', () => {
    const quirks = ['descriptors: configuration 1 declares 2 interfaces, has 1'];
    for (const dev of [
      keyboard({ problems: quirks }),
      keyboard({ problems: quirks, interfaces: [iface(0, '03')] }),
      keyboard({ problems: quirks, interfaces: [iface(0, '09'), iface(1, '03')] }),
      keyboard({ problems: quirks, interfaces: [iface(0, '03'), iface(1, '08', { alt: 1 })] }),
    ]) {
      expect(unreadableReason(dev)).toBeNull();
      const d = decide(dev, usb({ storage: 'block' }), ctx());
      expect(d.verdict).toBe('allow');
      expect(d.storage).toBe(false);
      expect(d.hid).toBe(true);
      expect(d.interfaces.every((i) => i.verdict === 'allow')).toBe(true);
    }
    const kb = decide(keyboard({ problems: quirks }), usb(), ctx());
    expect(kb).toEqual({
      verdict: 'allow',
      rule: { by: 'not-storage' },
      storage: false,
      hid: true,
      interfaces: [
        { number: 0, verdict: 'allow', rule: { by: 'not-storage' } },
        { number: 1, verdict: 'allow', rule: { by: 'not-storage' } },
      ],
    });
    // Its rules still apply: a class "03" rule blocks it, a storage rule does not.
    const bad = usb({ rules: [{ vendor: '046d', class: '03', verdict: 'block' }] });
    expect(blocked(decide(keyboard({ problems: quirks }), bad, ctx()))).toEqual([
      'block',
      { by: 'rule', index: 0 },
    ]);
    const sticks = usb({ rules: [{ vendor: '046d', verdict: 'block' }] });
    expect(decide(keyboard({ problems: quirks }), sticks, ctx()).verdict).toBe('allow');
    // What else makes a device unreadable still does.
    expect(unreadableReason(keyboard({ problems: quirks, vendor: 'zz' }))).toBe('ids');
    expect(unreadableReason(keyboard({ problems: quirks, deviceClass: '3' }))).toBe('deviceClass');
    expect(unreadableReason(keyboard({ problems: quirks, interfaces: [] }))).toBe('no-interfaces');
    expect(
      unreadableReason(keyboard({ problems: quirks, interfaces: [iface(0, '03', { alt: 1 })] })),
    ).toBe('no-interfaces');
    expect(
      unreadableReason(
        keyboard({ problems: quirks, interfaces: [iface(0, '03'), iface(0, '03')] }),
      ),
    ).toBe('duplicate-interface');
    expect(unreadableReason(hub({ problems: quirks, interfaces: [iface(0, '09')] }))).toBe(
      'problems',
    );
  });

  it.each([
    ['vendor not hex', stick({ vendor: '07g1' }), 'ids'],
    ['vendor too short', stick({ vendor: '781' }), 'ids'],
    ['vendor too long', stick({ vendor: '07811' }), 'ids'],
    ['product not hex', stick({ product: 'xyzw' }), 'ids'],
    ['product empty', stick({ product: '' }), 'ids'],
    ['device class too long', stick({ deviceClass: '000' }), 'deviceClass'],
    ['device class not hex', stick({ deviceClass: 'zz' }), 'deviceClass'],
    ['interface class too short', stick({ interfaces: [iface(0, '8')] }), 'interface'],
    ['interface class not hex', stick({ interfaces: [iface(0, '0g')] }), 'interface'],
    ['interface number negative', stick({ interfaces: [iface(-1, '08')] }), 'interface'],
    ['interface number over 255', stick({ interfaces: [iface(256, '08')] }), 'interface'],
    ['interface number fractional', stick({ interfaces: [iface(0.5, '08')] }), 'interface'],
    [
      'one interface number twice',
      stick({ interfaces: [iface(0, '03'), iface(0, '08')] }),
      'duplicate-interface',
    ],
  ])('%s', (_, dev, reason) => {
    expect(unreadableReason(dev)).toBe(reason);
    expect(blocked(decide(dev, usb({ storage: 'allow' }), ctx()))).toEqual([
      'block',
      { by: 'unreadable' },
    ]);
  });

  it('the edges of what is readable are readable', () => {
    for (const dev of [
      stick({ interfaces: [iface(255, '08')] }),
      stick({ vendor: 'FFFF', product: '0000', deviceClass: 'FF' }),
      stick({ interfaces: [iface(0, '08'), iface(0, '08', { alt: 1 })] }),
    ]) {
      expect(unreadableReason(dev)).toBeNull();
    }
  });
});

describe('alternate settings', () => {
  it('only alternate 0 is decided; others stay out of the decision', () => {
    const cam = webcam({
      interfaces: [iface(0, '0e'), iface(1, '0e'), iface(1, '08', { alt: 1 })],
    });
    const d = decide(cam, usb(), ctx());
    expect(d.storage).toBe(false);
    expect(d.interfaces.map((i) => i.number)).toEqual([0, 1]);
    expect(d.verdict).toBe('allow');
    const hidAlt = decide(
      stick({ interfaces: [iface(0, '08'), iface(0, '03', { alt: 1 })] }),
      usb(),
      ctx(),
    );
    expect([hidAlt.hid, hidAlt.verdict]).toEqual([false, 'block']);
  });
});

describe('exceptions', () => {
  const withEx = (...exceptions: ReturnType<typeof exception>[]) => ctx({ exceptions });

  it('by vid:pid:serial and by hash allow a blocked stick, naming the exception', () => {
    const d = decide(stick(), usb(), withEx(exception()));
    expect(d).toMatchObject({ verdict: 'allow', rule: { by: 'exception', id: 'ex-1' } });
    const byHash = decide(
      stick(),
      usb(),
      withEx(exception({ id: 'ex-2', device: 'A'.repeat(64) })),
    );
    expect(byHash.rule).toEqual({ by: 'exception', id: 'ex-2' });
    const letters = stick({ vendor: '0a5c', product: 'c31c' });
    for (const device of ['0A5C:C31C:4C530001231120115142', '0a5c:c31c:4C530001231120115142']) {
      expect(decide(letters, usb(), withEx(exception({ device }))).verdict, device).toBe('allow');
    }
    const lettersUpper = stick({ vendor: '0A5C', product: 'C31C' });
    expect(
      decide(lettersUpper, usb(), withEx(exception({ device: '0a5c:c31c:4C530001231120115142' })))
        .verdict,
    ).toBe('allow');
    const caseIds = decide(
      stick({ vendor: '0a5c' }),
      usb(),
      withEx(exception({ device: '0A5C:5581:4C530001231120115142' })),
    );
    expect(caseIds.verdict).toBe('allow');
  });

  it('win over a rule that blocks the device', () => {
    const rules = [rule({ vendor: '0781', verdict: 'block', note: 'no SanDisk' })];
    expect(decide(stick(), usb({ rules }), withEx(exception())).rule.by).toBe('exception');
  });

  it('the window is notBefore <= now < notAfter', () => {
    const at = (now: number) =>
      decide(
        stick(),
        usb(),
        ctx({ now, exceptions: [exception({ notBefore: NOW, notAfter: NOW + 10 })] }),
      ).verdict;
    expect([at(NOW - 1), at(NOW), at(NOW + 9), at(NOW + 10)]).toEqual([
      'block',
      'allow',
      'allow',
      'block',
    ]);
  });

  it('only for the seat user it was issued to', () => {
    expect(decide(stick(), usb(), ctx({ user: 'li.na', exceptions: [exception()] })).verdict).toBe(
      'block',
    );
    expect(decide(stick(), usb(), ctx({ user: null, exceptions: [exception()] })).verdict).toBe(
      'block',
    );
    expect(
      exceptionFor(stick(), ctx({ user: 'Zhang.Wei', exceptions: [exception()] })),
    ).toBeUndefined();
  });

  it('only for the device it names', () => {
    for (const device of [
      '0782:5581:4C530001231120115142',
      '0781:5582:4C530001231120115142',
      '0781:5581:4c530001231120115142',
      '0781:5581:4C53000123112011514',
      '0781:5581:',
      '0781:5581',
      '781:5581:4C530001231120115142',
      'f'.repeat(64),
      'a'.repeat(63),
      '',
    ]) {
      expect(decide(stick(), usb(), withEx(exception({ device }))).verdict, device).toBe('block');
    }
  });

  it('a hash exception never matches a device without a hash; vid:pid:serial needs a serial', () => {
    expect(
      decide(stick({ hash: undefined }), usb(), withEx(exception({ device: 'a'.repeat(64) })))
        .verdict,
    ).toBe('block');
    expect(
      decide(stick({ serial: undefined }), usb(), withEx(exception({ device: '0781:5581:' })))
        .verdict,
    ).toBe('block');
  });

  it('a serial may be 64 hex digits, and the ids must start the text', () => {
    const s = stick({ serial: 'f'.repeat(64) });
    expect(
      decide(s, usb(), withEx(exception({ device: `0781:5581:${'f'.repeat(64)}` }))).verdict,
    ).toBe('allow');
    expect(
      decide(stick(), usb(), withEx(exception({ device: 'x0781:5581:4C530001231120115142' })))
        .verdict,
    ).toBe('block');
  });

  it('a serial may hold colons', () => {
    const s = stick({ serial: 'AB:CD:EF' });
    expect(decide(s, usb(), withEx(exception({ device: '0781:5581:AB:CD:EF' }))).verdict).toBe(
      'allow',
    );
    expect(decide(s, usb(), withEx(exception({ device: '0781:5581:AB:CD' }))).verdict).toBe(
      'block',
    );
  });

  it('the first exception in force is the one named', () => {
    const expired = exception({ id: 'old', notAfter: NOW - 1 });
    const other = exception({ id: 'other', device: '0781:5581:X' });
    const good = exception({ id: 'good' });
    const later = exception({ id: 'later' });
    expect(decide(stick(), usb(), withEx(expired, other, good, later)).rule).toEqual({
      by: 'exception',
      id: 'good',
    });
  });

  it('apply to storage only: a keyboard blocked by a class "03" rule stays blocked', () => {
    const rules = [rule({ class: '03', vendor: '046d', verdict: 'block' })];
    const d = decide(
      keyboardWithReader(),
      usb({ rules }),
      withEx(exception({ device: 'c'.repeat(64) })),
    );
    expect(perIface(d)).toEqual([
      [0, 'block', 'rule'],
      [1, 'block', 'rule'],
      [2, 'allow', 'exception'],
    ]);
  });
});

describe('whileLocked', () => {
  const approved = rule({ serial: '4C530001231120115142', verdict: 'allow' });

  it('wins over rules and exceptions for storage plugged while locked', () => {
    const d = decide(
      stick(),
      usb({ storage: 'allow', rules: [approved], whileLocked: 'block' }),
      ctx({ locked: true, exceptions: [exception()] }),
    );
    expect(d).toMatchObject({ verdict: 'block', rule: { by: 'while-locked' } });
    const ro = decide(stick(), usb({ whileLocked: 'read-only' }), ctx({ locked: true }));
    expect([ro.verdict, ro.rule]).toEqual(['read-only', { by: 'while-locked' }]);
  });

  it('does nothing while unlocked, or when the policy does not set it', () => {
    const p = usb({ rules: [approved], whileLocked: 'block' });
    expect(decide(stick(), p, ctx()).verdict).toBe('allow');
    expect(decide(stick(), usb({ rules: [approved] }), ctx({ locked: true })).verdict).toBe(
      'allow',
    );
    expect(
      decide(stick(), usb({ rules: [] }), ctx({ locked: true, exceptions: [exception()] })).rule.by,
    ).toBe('exception');
  });

  it('never touches a keyboard: the composite keeps its keys while locked', () => {
    const d = decide(
      keyboardWithReader(),
      usb({ storage: 'allow', whileLocked: 'block' }),
      ctx({ locked: true }),
    );
    expect(perIface(d)).toEqual([
      [0, 'allow', 'not-storage'],
      [1, 'allow', 'not-storage'],
      [2, 'block', 'while-locked'],
    ]);
    expect(d.verdict).toBe('allow');
  });
});

describe('the device verdict', () => {
  it('is block only when every interface is blocked', () => {
    const twoDisks = stick({ interfaces: [iface(0, '08'), iface(1, '08')] });
    expect(decide(twoDisks, usb(), ctx()).verdict).toBe('block');
    // One of them allowed is enough for the device to be authorized, with the other refused.
    const half = stick({ interfaces: [iface(0, '08'), iface(1, '06')] });
    const d = decide(half, usb({ rules: [rule({ class: '06', verdict: 'allow' })] }), ctx());
    expect([d.verdict, perIface(d)]).toEqual([
      'allow',
      [
        [0, 'block', 'storage-default'],
        [1, 'allow', 'rule'],
      ],
    ]);
  });

  it('read-only beats audit, audit beats allow', () => {
    const mixed = stick({
      interfaces: [iface(0, '08'), iface(1, '01')],
    });
    const rules = [
      rule({ class: '01', verdict: 'audit' }),
      rule({ class: '08', verdict: 'read-only' }),
    ];
    expect(decide(mixed, usb({ rules }), ctx()).verdict).toBe('read-only');
    expect(decide(mixed, usb({ rules: [rules[0]!], storage: 'allow' }), ctx()).verdict).toBe(
      'audit',
    );
    expect(decide(mixed, usb({ storage: 'audit' }), ctx()).verdict).toBe('audit');
    expect(decide(mixed, usb({ storage: 'allow' }), ctx()).verdict).toBe('allow');
    // read-only given to a non-storage interface does not make the device read-only.
    expect(
      decide(
        mixed,
        usb({ storage: 'allow', rules: [rule({ class: '01', verdict: 'read-only' })] }),
        ctx(),
      ).verdict,
    ).toBe('allow');
  });

  it('names the first storage interface’s rule, else the first interface’s', () => {
    const d = decide(
      webcam({ interfaces: [iface(0, '0e'), iface(1, '08'), iface(2, '06')] }),
      usb({
        rules: [rule({ class: '06', verdict: 'allow' }), rule({ class: '0e', verdict: 'audit' })],
      }),
      ctx(),
    );
    expect(perIface(d)).toEqual([
      [0, 'audit', 'rule'],
      [1, 'block', 'storage-default'],
      [2, 'allow', 'rule'],
    ]);
    expect(d.rule).toEqual({ by: 'storage-default' });
    expect(d.verdict).toBe('audit');
  });
});
