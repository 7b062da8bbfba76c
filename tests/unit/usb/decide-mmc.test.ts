// SD/MMC cards in built-in readers (issue 9, point 2): the normalised device built from the
// card's sysfs attributes (core/usb/mmc.ts) and how decide() treats it: a memory card is
// storage under the same policy as a USB stick (usb.storage, rules, class "08", exceptions,
// whileLocked, read-only held), an SDIO card is not storage, and a card the host calls fixed
// (soldered eMMC: the system disk) is always allowed.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/core/usb/decide.js';
import {
  asBuiltIn,
  isMmcCardName,
  type MmcAttributes,
  mayBeBuiltIn,
  mmcDevice,
  mmcFixed,
} from '../../../src/core/usb/mmc.js';
import type { UsbDevice } from '../../../src/core/usb/types.js';
import { ctx, exception, rule, stick, usb } from './helpers.js';

/** What a SanDisk microSD shows in /sys/bus/mmc/devices/mmc0:aaaa (kernel 6.1). */
const SANDISK: MmcAttributes = {
  type: 'SD',
  manfid: '0x000003',
  oemid: '0x5344',
  name: 'SC64G',
  serial: '0x1a2b3c4d',
  cid: '035344534336344780 1a2b3c4d0161b1'.replace(' ', ''),
};
/** QEMU's sd-card (hw/sd/sd.c), as the VM test's kernel shows it. */
const QEMU: MmcAttributes = {
  type: 'SD',
  manfid: '0x0000aa',
  oemid: '0x5859',
  name: 'QEMU!',
  serial: '0xdeadbeef',
  cid: 'aa585951454d552101deadbeef006200',
};

const card = (a: MmcAttributes = SANDISK, name = 'mmc0:aaaa') => mmcDevice(name, a);

describe('mmcDevice(): a card as decide() sees it', () => {
  it('an SD card: maker, OEM, serial, name, class 08 storage, hash over CID and serial', () => {
    const cid = Buffer.from(QEMU.cid!, 'hex');
    expect(mmcDevice('mmc0:4567', QEMU)).toEqual({
      id: 'mmc0:4567',
      bus: 'mmc',
      vendor: '00aa',
      product: '5859',
      serial: 'deadbeef',
      productName: 'QEMU!',
      deviceClass: '08',
      interfaces: [{ number: 0, alt: 0, class: '08', subclass: '00', protocol: '00' }],
      hash: createHash('sha256').update(cid).update('deadbeef').digest('hex'),
      mmc: { type: 'SD', fixed: false },
    });
  });

  it('two cards that differ only in serial hash apart; the same card hashes the same', () => {
    const other = {
      ...SANDISK,
      serial: '0x1a2b3c4e',
      cid: SANDISK.cid!.replace('1a2b3c4d', '1a2b3c4e'),
    };
    expect(card().hash).toMatch(/^[0-9a-f]{64}$/);
    expect(card(other).hash).not.toBe(card().hash);
    expect(card(SANDISK, 'mmc1:0001').hash).toBe(card().hash);
  });

  it('an SDIO card (Wi-Fi): its CIS ids, class ff, no serial, no hash', () => {
    const d = mmcDevice('mmc1:0001', { type: 'SDIO', vendor: '0x02d0', device: '0xa9a6' });
    expect(d).toEqual({
      id: 'mmc1:0001',
      bus: 'mmc',
      vendor: '02d0',
      product: 'a9a6',
      deviceClass: 'ff',
      interfaces: [{ number: 0, alt: 0, class: 'ff', subclass: '00', protocol: '00' }],
      mmc: { type: 'SDIO', fixed: false },
    });
  });

  it('names what is missing or wrong, and an unknown type is storage', () => {
    const d = mmcDevice('mmc0:0001', { type: 'SDUC', manfid: '0x1000000', oemid: 'SD' });
    expect(d.deviceClass).toBe('08');
    expect(d.problems).toEqual([
      'type: unknown ("SDUC")',
      'manfid: not an id ("0x1000000")',
      'oemid: not an id ("SD")',
      'serial: missing',
      'cid: missing',
    ]);
    expect(d.hash).toBeUndefined();
  });

  it('reads attributes as sysfs prints them (a newline, stray spaces) like clean ones', () => {
    const padded = Object.fromEntries(
      Object.entries(SANDISK).map(([k, v]) => [k, ` ${v.toUpperCase()}\n`]),
    ) as MmcAttributes;
    const d = card({ ...padded, type: ' SD\n', name: ' SC64G\n' });
    expect(d).toStrictEqual(card());
    expect(mmcFixed({ type: 'SD', removable: ' fixed\n' })).toBe(true);
    expect(mmcFixed({ type: ' MMC\n', removable: 'removable\n' })).toBe(false);
    expect(mmcFixed({ type: ' MMC\n' })).toBe(false);
    expect(card({ ...SANDISK, type: 'MMC', removable: ' unknown\n' }).mmc).toEqual({
      type: 'MMC',
      fixed: false,
      removable: 'unknown',
    });
    expect(
      mmcDevice('mmc1:0001', { type: 'SDIO\n', vendor: '0x02d0\n', device: ' 0xA9A6' }),
    ).toMatchObject({
      vendor: '02d0',
      product: 'a9a6',
    });
  });

  it('ids: whole "0x" numbers up to ffff; anything else is a problem and reads 0000', () => {
    const ids = (manfid: string) => {
      const d = card({ ...SANDISK, manfid });
      return [d.vendor, d.problems ?? []];
    };
    expect(ids('0xffff')).toEqual(['ffff', []]);
    expect(ids('0x3')).toEqual(['0003', []]);
    for (const bad of ['0x10000', 'x0x03', '0x03zz', '10x03', '3', '0x', '0x-3'])
      expect(ids(bad), bad).toEqual(['0000', [`manfid: not an id (${JSON.stringify(bad)})`]]);
    expect(ids('z'.repeat(40))).toEqual([
      '0000',
      [`manfid: not an id (${JSON.stringify('z'.repeat(16))})`],
    ]);
  });

  it('serial: a whole "0x" number of up to 8 digits, padded; anything else is a problem', () => {
    expect(card({ ...SANDISK, serial: '0x1234' }).serial).toBe('00001234');
    for (const bad of ['0x12g', 'ab0x12', '0x12 34', '0x123456789', '1234']) {
      const d = card({ ...SANDISK, serial: bad });
      expect(d.serial, bad).toBeUndefined();
      expect(d.problems, bad).toEqual(['serial: not a number']);
    }
  });

  it('cid: exactly 32 hex digits (any case); anything else is a problem and no hash', () => {
    expect(card({ ...SANDISK, cid: SANDISK.cid!.toUpperCase() }).hash).toBe(card().hash);
    for (const bad of [`${SANDISK.cid}0`, `z${SANDISK.cid}`, SANDISK.cid!.slice(1), 'abc']) {
      const d = card({ ...SANDISK, cid: bad });
      expect(d.hash, bad).toBeUndefined();
      expect(d.problems, bad).toEqual(['cid: not 32 hex digits']);
    }
  });

  it('type: missing or unknown is named (at most 16 characters) and the card stays storage', () => {
    const none = card({ ...SANDISK, type: undefined });
    expect(none).toMatchObject({ deviceClass: '08', mmc: { type: 'unknown', fixed: false } });
    expect(none.problems).toEqual(['type: missing']);
    expect(card({ ...SANDISK, type: '  ' }).problems).toEqual(['type: missing']);
    expect(card({ ...SANDISK, type: 'Q'.repeat(30) }).problems).toEqual([
      `type: unknown (${JSON.stringify('Q'.repeat(16))})`,
    ]);
  });

  it('a card with no name has no productName; an SDIO card without ids has problems', () => {
    expect(Object.keys(card({ ...SANDISK, name: undefined }))).not.toContain('productName');
    expect(Object.keys(card({ ...SANDISK, name: ' ' }))).not.toContain('productName');
    expect(card({ ...SANDISK, name: 'SC\n64G' }).productName).toBe('SC\n64G');
    const wifi = mmcDevice('mmc1:0001', { type: 'SDIO' });
    expect(wifi).toMatchObject({ vendor: '0000', product: '0000' });
    expect(wifi.problems).toEqual(['vendor: missing', 'device: missing']);
    expect(
      Object.keys(mmcDevice('mmc1:0001', { type: 'SDIO', vendor: '0x1', device: '0x2' })),
    ).not.toContain('problems');
  });

  it('fixed: only the kernel`s removable attribute says so; a type alone proves nothing', () => {
    expect(mmcFixed({ type: 'SD', removable: 'fixed' })).toBe(true);
    expect(mmcFixed({ type: 'MMC', removable: 'removable' })).toBe(false);
    // Kernels before 6.6 have no `removable`: an MMC card is not taken as soldered eMMC on
    // its word (an MMCplus card, or anything answering as one, is type MMC too).
    expect(mmcFixed({ type: 'MMC' })).toBe(false);
    expect(mmcFixed({ type: 'MMC', removable: 'unknown' })).toBe(false);
    expect(mmcFixed({ type: 'SD' })).toBe(false);
    expect(mmcFixed({ type: 'SDcombo', removable: 'unknown' })).toBe(false);
    // What `removable` said is kept when it is one of the kernel's words, else left out.
    expect(card({ ...SANDISK, removable: 'fixed' }).mmc).toEqual({
      type: 'SD',
      fixed: true,
      removable: 'fixed',
    });
    expect(card({ ...SANDISK, removable: 'maybe' }).mmc).toEqual({ type: 'SD', fixed: false });
  });

  it('may be built in: type MMC and the kernel silent; asBuiltIn makes only such a card fixed', () => {
    const silent = card({ ...SANDISK, type: 'MMC' }, 'mmc0:0001');
    const unknown = card({ ...SANDISK, type: 'MMC', removable: 'unknown' }, 'mmc0:0001');
    expect(mayBeBuiltIn(silent)).toBe(true);
    expect(mayBeBuiltIn(unknown)).toBe(true);
    expect(asBuiltIn(silent).mmc).toEqual({ type: 'MMC', fixed: true });
    expect(asBuiltIn(unknown).mmc).toEqual({ type: 'MMC', fixed: true, removable: 'unknown' });
    expect(silent.mmc?.fixed).toBe(false); // not changed in place
    // The kernel said, an SD card, a USB stick: never made fixed.
    for (const d of [
      card({ ...SANDISK, type: 'MMC', removable: 'removable' }),
      card({ ...SANDISK, type: 'MMC', removable: 'fixed' }),
      card(),
      card({ ...SANDISK, type: 'SDcombo' }),
      { ...stick(), mmc: { type: 'MMC', fixed: false } },
      { ...card({ ...SANDISK, type: 'MMC' }), mmc: undefined },
    ] as UsbDevice[]) {
      expect(mayBeBuiltIn(d), JSON.stringify(d.mmc)).toBe(false);
      expect(asBuiltIn(d)).toBe(d);
    }
  });

  it('card names: mmc<host>:<4 hex digits> only', () => {
    for (const n of ['mmc0:0001', 'mmc12:aaaa']) expect(isMmcCardName(n)).toBe(true);
    for (const n of ['mmc0', 'mmc0:1', 'mmc0:AAAA', '../mmc0:0001', 'mmc0:0001/x', '1-1'])
      expect(isMmcCardName(n)).toBe(false);
  });
});

describe('decide(): SD/MMC cards', () => {
  it('are storage under usb.storage, with the rule named', () => {
    expect(decide(card(), usb(), ctx())).toEqual({
      verdict: 'block',
      rule: { by: 'storage-default' },
      storage: true,
      hid: false,
      interfaces: [{ number: 0, verdict: 'block', rule: { by: 'storage-default' } }],
    });
    expect(decide(card(), usb({ storage: 'allow' }), ctx()).verdict).toBe('allow');
    expect(decide(card(), usb({ storage: 'audit' }), ctx()).verdict).toBe('audit');
  });

  it('a matcher-less storage rule and a class "08" rule match cards as they match sticks', () => {
    const u = usb({ rules: [rule({ verdict: 'read-only', note: 'all storage' })] });
    expect(decide(card(), u, ctx())).toMatchObject({
      verdict: 'read-only',
      rule: { by: 'rule', index: 0, note: 'all storage' },
    });
    const c = usb({ rules: [rule({ class: '08', verdict: 'allow' })] });
    expect(decide(card(), c, ctx()).verdict).toBe('allow');
    expect(decide(stick(), c, ctx()).verdict).toBe('allow');
  });

  it('one card approved by maker, OEM and serial, or by hash; another card stays blocked', () => {
    const bySerial = usb({
      rules: [rule({ vendor: '0003', product: '5344', serial: '1a2b3c4d', verdict: 'allow' })],
    });
    expect(decide(card(), bySerial, ctx()).rule).toEqual({ by: 'rule', index: 0 });
    const other = card({ ...SANDISK, serial: '0x00000001' });
    expect(decide(other, bySerial, ctx()).verdict).toBe('block');
    const byHash = usb({ rules: [rule({ hash: card().hash!.toUpperCase(), verdict: 'allow' })] });
    expect(decide(card(), byHash, ctx()).verdict).toBe('allow');
    expect(decide(other, byHash, ctx()).verdict).toBe('block');
  });

  it('read-only holds on a card (a disk)', () => {
    const u = usb({ storage: 'read-only' });
    expect(decide(card(), u, ctx())).toMatchObject({ verdict: 'read-only' });
  });

  it('an exception by vid:pid:serial opens the card for its user only', () => {
    const ex = exception({ device: '0003:5344:1a2b3c4d' });
    expect(decide(card(), usb(), ctx({ exceptions: [ex] })).rule).toEqual({
      by: 'exception',
      id: 'ex-1',
    });
    expect(decide(card(), usb(), ctx({ exceptions: [ex], user: 'li.na' })).verdict).toBe('block');
  });

  it('whileLocked decides a card plugged while the session is locked, over rules', () => {
    const u = usb({ whileLocked: 'block', rules: [rule({ class: '08', verdict: 'allow' })] });
    expect(decide(card(), u, ctx({ locked: true })).rule).toEqual({ by: 'while-locked' });
    expect(decide(card(), u, ctx()).verdict).toBe('allow');
  });

  it('a card whose attributes are missing or garbage is blocked (fail closed)', () => {
    const broken = mmcDevice('mmc0:0001', { type: 'SD', manfid: '0x000003' });
    expect(decide(broken, usb({ storage: 'allow' }), ctx())).toMatchObject({
      verdict: 'block',
      rule: { by: 'unreadable' },
    });
  });

  it('a fixed card (soldered eMMC, the system disk) is allowed whatever the rules say', () => {
    const emmc = card({ ...SANDISK, type: 'MMC', removable: 'fixed' }, 'mmc0:0001');
    const hostile = usb({
      rules: [rule({ class: '08', verdict: 'block' }), rule({ verdict: 'block' })],
    });
    expect(decide(emmc, hostile, ctx({ locked: true }))).toEqual({
      verdict: 'allow',
      rule: { by: 'internal' },
      storage: true,
      hid: false,
      interfaces: [{ number: 0, verdict: 'allow', rule: { by: 'internal' } }],
    });
    // On a kernel that does not say (before 6.6), a type-MMC card is storage under policy
    // until the usb module finds it present at its first scan since boot (asBuiltIn).
    const silent = card({ ...SANDISK, type: 'MMC' }, 'mmc0:0001');
    expect(decide(silent, hostile, ctx()).verdict).toBe('block');
    expect(decide(asBuiltIn(silent), hostile, ctx()).rule).toEqual({ by: 'internal' });
    // The host says removable: an MMC card in an SD slot is storage like any card.
    const loose = card({ ...SANDISK, type: 'MMC', removable: 'removable' });
    expect(decide(loose, hostile, ctx()).verdict).toBe('block');
    // An mmc device an adapter made without card info is decided as any card.
    const bare: UsbDevice = { ...card() };
    delete bare.mmc;
    expect(decide(bare, hostile, ctx()).verdict).toBe('block');
    // fixed only counts on the mmc bus: a USB stick cannot claim it.
    const claim: UsbDevice = { ...stick(), mmc: { type: 'MMC', fixed: true } };
    expect(decide(claim, hostile, ctx()).verdict).toBe('block');
  });

  it('an SDIO card is not storage: allowed, unless a rule with matchers names it', () => {
    const wifi = mmcDevice('mmc1:0001', { type: 'SDIO', vendor: '0x02d0', device: '0xa9a6' });
    expect(decide(wifi, usb({ rules: [rule({ verdict: 'block' })] }), ctx())).toMatchObject({
      verdict: 'allow',
      rule: { by: 'not-storage' },
      storage: false,
    });
    const named = usb({ rules: [rule({ vendor: '02d0', verdict: 'block' })] });
    expect(decide(wifi, named, ctx()).verdict).toBe('block');
  });
});
