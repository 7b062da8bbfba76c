// Properties of decide() over generated devices, policies and contexts: the HID safety rule,
// fail-closed and that every decision names a rule.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UsbRule } from '../../../src/core/policy/types.js';
import { decide } from '../../../src/core/usb/decide.js';
import type { DecideContext, UsbDevice } from '../../../src/core/usb/types.js';
import { NOW } from './helpers.js';

const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
const CLASSES = ['00', '01', '02', '03', '06', '07', '08', '09', '0e', 'e0', 'ef', 'fe', 'ff'];
const cls = fc.oneof(fc.constantFrom(...CLASSES), hex(2));
const verdict = fc.constantFrom('allow', 'block', 'read-only', 'audit' as const);

const ifaceArb = fc.record({
  number: fc.integer({ min: 0, max: 7 }),
  alt: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 })),
  class: cls,
  subclass: hex(2),
  protocol: hex(2),
  name: fc.option(fc.constantFrom('MTP', 'ADB', ' mtp ', 'Keyboard'), { nil: undefined }),
});

const deviceArb: fc.Arbitrary<UsbDevice> = fc.record({
  id: fc.constant('1-1'),
  bus: fc.constant('usb' as const),
  vendor: fc.constantFrom('0781', '046d', '18d1', '1234'),
  product: fc.constantFrom('5581', 'c31c', '0001'),
  serial: fc.option(fc.constantFrom('S1', 'S2', 'AB:CD'), { nil: undefined }),
  deviceClass: cls,
  interfaces: fc.array(ifaceArb, { maxLength: 5 }),
  hash: fc.option(fc.constantFrom('a'.repeat(64), 'b'.repeat(64)), { nil: undefined }),
  problems: fc.option(fc.constantFrom([], ['descriptors']), { nil: undefined }),
});

const ruleArb = (withClass: fc.Arbitrary<string | undefined>): fc.Arbitrary<UsbRule> =>
  fc
    .record({
      vendor: fc.option(fc.constantFrom('0781', '046d', '18d1'), { nil: undefined }),
      product: fc.option(fc.constantFrom('5581', 'c31c'), { nil: undefined }),
      serial: fc.option(fc.constantFrom('S1', 'S2'), { nil: undefined }),
      hash: fc.option(fc.constantFrom('a'.repeat(64), 'B'.repeat(64)), { nil: undefined }),
      class: withClass,
      verdict,
      note: fc.option(fc.constant('n'), { nil: undefined }),
    })
    .map(
      (r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as UsbRule,
    );

const policyArb = (rules: fc.Arbitrary<UsbRule>) =>
  fc.record({
    storage: verdict,
    rules: fc.array(rules, { maxLength: 6 }),
    whileLocked: fc.option(verdict, { nil: undefined }),
  });

const ctxArb: fc.Arbitrary<DecideContext> = fc.record({
  now: fc.integer({ min: NOW - 10, max: NOW + 10 }),
  user: fc.constantFrom('u', null),
  locked: fc.boolean(),
  exceptions: fc.array(
    fc.record({
      id: fc.constantFrom('e1', 'e2'),
      device: fc.constantFrom('0781:5581:S1', 'a'.repeat(64), '046d:c31c:S2'),
      user: fc.constantFrom('u', 'v'),
      notBefore: fc.integer({ min: NOW - 10, max: NOW + 10 }),
      notAfter: fc.integer({ min: NOW - 10, max: NOW + 10 }),
      reason: fc.constant('r'),
    }),
    { maxLength: 3 },
  ),
});

const anyClass = fc.option(cls, { nil: undefined });
const notHid = fc.option(
  cls.filter((c) => c !== '03'),
  { nil: undefined },
);

describe('decide() properties', () => {
  it('a HID interface is never blocked by a rule without class "03"', () => {
    fc.assert(
      fc.property(deviceArb, policyArb(ruleArb(notHid)), ctxArb, (device, usb, ctx) => {
        const d = decide(device, usb, ctx);
        if (d.rule.by === 'unreadable') return;
        for (const [k, i] of device.interfaces.filter((x) => x.alt === 0).entries()) {
          if (i.class === '03') expect(d.interfaces[k]!.verdict).not.toBe('block');
        }
        // So a HID-only device is never blocked.
        const alt0 = device.interfaces.filter((x) => x.alt === 0);
        if (alt0.every((x) => x.class === '03')) expect(d.verdict).not.toBe('block');
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws, always names a rule, decides each alternate-0 interface once', () => {
    fc.assert(
      fc.property(deviceArb, policyArb(ruleArb(anyClass)), ctxArb, (device, usb, ctx) => {
        const d = decide(device, usb, ctx);
        expect(typeof d.rule.by).toBe('string');
        expect(d.interfaces.map((i) => i.number)).toEqual(
          device.interfaces.filter((i) => i.alt === 0).map((i) => i.number),
        );
        for (const i of d.interfaces) expect(typeof i.rule.by).toBe('string');
        // The device verdict follows from the interfaces.
        if (d.interfaces.length > 0 && d.interfaces.every((i) => i.verdict === 'block')) {
          expect(d.verdict).toBe('block');
        }
        if (d.verdict === 'block')
          expect(d.interfaces.every((i) => i.verdict === 'block')).toBe(true);
        // read-only and audit only come from interfaces that say so.
        if (d.verdict !== 'block' && d.verdict !== 'allow') {
          expect(d.interfaces.some((i) => i.verdict === d.verdict)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('fails closed: a device with problems (unless all HID, or HID and hub) or no interface is blocked whatever the policy', () => {
    fc.assert(
      fc.property(
        deviceArb.map((d) => ({ ...d, problems: ['descriptors'] })),
        policyArb(ruleArb(anyClass)),
        ctxArb,
        (device, usb, ctx) => {
          const shown = device.interfaces.filter((i) => i.alt === 0).map((i) => i.class);
          const keyboard = shown.includes('03') && shown.every((c) => c === '03' || c === '09');
          const d = decide(device, usb, ctx);
          if (!keyboard) expect([d.verdict, d.rule]).toEqual(['block', { by: 'unreadable' }]);
          // A keyboard with problems is decided as without them.
          else expect(d).toEqual(decide({ ...device, problems: [] }, usb, ctx));
          expect(decide({ ...device, problems: [], interfaces: [] }, usb, ctx).verdict).toBe(
            'block',
          );
        },
      ),
    );
  });

  it('locked with whileLocked set, every storage interface gets whileLocked', () => {
    fc.assert(
      fc.property(deviceArb, policyArb(ruleArb(anyClass)), verdict, ctxArb, (device, p, wl, c) => {
        const d = decide(device, { ...p, whileLocked: wl }, { ...c, locked: true });
        if (d.rule.by === 'unreadable') return;
        for (const i of d.interfaces) {
          const src = device.interfaces.find((x) => x.alt === 0 && x.number === i.number)!;
          const storage =
            src.class === '08' ||
            src.class === '06' ||
            (src.class === 'ff' && src.name?.trim().toLowerCase() === 'mtp');
          // read-only holds on a disk only: a camera or phone under it is blocked.
          const want = wl === 'read-only' && src.class !== '08' ? 'block' : wl;
          if (storage) expect([i.verdict, i.rule.by]).toEqual([want, 'while-locked']);
        }
      }),
    );
  });
});
