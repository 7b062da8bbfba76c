// Thunderbolt/USB4 devices: no interfaces are known before their PCIe tunnel is authorized,
// so they are decided as a whole, as storage (they can carry a disk): fail closed by default,
// opened by a rule or an exception, never read-only (a tunnel cannot be held read-only).
import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/core/usb/decide.js';
import type { UsbDevice } from '../../../src/core/usb/types.js';
import { ctx, exception, rule, usb } from './helpers.js';

const dock = (over: Partial<UsbDevice> = {}): UsbDevice => ({
  id: 'thunderbolt:0-1',
  bus: 'thunderbolt',
  vendor: '8086',
  product: '15ef',
  serial: 'd4030000-0080-8708-2263-c8c9e0e4f11a',
  deviceClass: 'ff',
  interfaces: [],
  ...over,
});

describe('decide(): Thunderbolt devices', () => {
  it('are storage under usb.storage when no rule names them (fail closed)', () => {
    expect(decide(dock(), usb(), ctx())).toEqual({
      verdict: 'block',
      rule: { by: 'storage-default' },
      storage: true,
      hid: false,
      interfaces: [],
    });
    expect(decide(dock(), usb({ storage: 'audit' }), ctx()).verdict).toBe('audit');
  });

  it('are allowed by a vendor and product rule, which a USB device of other ids does not match', () => {
    const u = usb({
      rules: [rule({ vendor: '8086', product: '15ef', verdict: 'allow', note: 'docks' })],
    });
    expect(decide(dock(), u, ctx())).toMatchObject({
      verdict: 'allow',
      rule: { by: 'rule', index: 0, note: 'docks' },
    });
    expect(decide(dock({ product: '15f0' }), u, ctx()).verdict).toBe('block');
  });

  it('are never read-only: a PCIe tunnel cannot be held so, so it is blocked', () => {
    const u = usb({ rules: [rule({ vendor: '8086', verdict: 'read-only' })] });
    expect(decide(dock(), u, ctx())).toMatchObject({
      verdict: 'block',
      rule: { by: 'rule', index: 0 },
    });
    expect(decide(dock(), usb({ storage: 'read-only' }), ctx()).verdict).toBe('block');
  });

  it('follow exceptions and whileLocked like storage', () => {
    const ex = exception({ device: `8086:15ef:${dock().serial}` });
    expect(decide(dock(), usb(), ctx({ exceptions: [ex] }))).toMatchObject({
      verdict: 'allow',
      rule: { by: 'exception', id: 'ex-1' },
    });
    const locked = usb({
      whileLocked: 'block',
      rules: [rule({ vendor: '8086', verdict: 'allow' })],
    });
    expect(decide(dock(), locked, ctx({ locked: true })).rule).toEqual({ by: 'while-locked' });
  });

  it('with unreadable ids or problems are blocked as unreadable', () => {
    const allowAll = usb({ storage: 'allow' });
    expect(decide(dock({ vendor: 'zz' }), allowAll, ctx())).toMatchObject({
      verdict: 'block',
      rule: { by: 'unreadable' },
    });
    expect(decide(dock({ product: '15e' }), allowAll, ctx()).rule.by).toBe('unreadable');
    expect(decide(dock({ problems: ['vendor: unreadable'] }), allowAll, ctx()).rule.by).toBe(
      'unreadable',
    );
    expect(decide(dock({ problems: [] }), allowAll, ctx()).verdict).toBe('allow');
  });
});

describe('decide(): read-only only on disks', () => {
  it('a camera or a phone under read-only is blocked (nothing could refuse its writes); a disk stays read-only', async () => {
    const { phone, stick, iface } = await import('./helpers.js');
    const ro = usb({ storage: 'read-only' });
    expect(decide(stick(), ro, ctx()).verdict).toBe('read-only');
    const camera = stick({ interfaces: [iface(0, '06', { subclass: '01', protocol: '01' })] });
    expect(decide(camera, ro, ctx())).toMatchObject({
      verdict: 'block',
      rule: { by: 'storage-default' },
    });
    expect(decide(phone(), ro, ctx()).verdict).toBe('block');
    const byRule = usb({ rules: [rule({ vendor: '0781', verdict: 'read-only' })] });
    expect(decide(camera, byRule, ctx()).interfaces[0]).toMatchObject({
      verdict: 'block',
      rule: { by: 'rule', index: 0 },
    });
  });
});
