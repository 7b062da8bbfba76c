import { describe, expect, it } from 'vitest';
import {
  decidingInterfaces,
  isHidInterface,
  isHub,
  isHubInterface,
  isMtp,
  isStorageInterface,
} from '../../../src/core/usb/classify.js';
import { hub, iface, keyboard, stick } from './helpers.js';

describe('classify', () => {
  it('storage is 08, 06, or ff named "MTP"; nothing else', () => {
    const storage = (cls: string, name?: string) => isStorageInterface({ class: cls, name });
    expect([storage('08'), storage('06'), storage('ff', 'MTP'), storage('FF', ' mtp\t')]).toEqual([
      true,
      true,
      true,
      true,
    ]);
    for (const [cls, name] of [
      ['ff', undefined],
      ['ff', 'ADB Interface'],
      ['ff', 'MTPX'],
      ['ff', 'M T P'],
      ['03', 'MTP'],
      ['07', undefined], // printer
      ['0e', undefined],
      ['00', undefined],
      ['09', undefined],
      ['80', undefined],
    ] as const) {
      expect(storage(cls, name), `${cls} ${name}`).toBe(false);
    }
    expect(isMtp({ class: 'ff', name: 'mTp' })).toBe(true);
    expect(isMtp({ class: '06', name: 'MTP' })).toBe(false);
  });

  it('HID is class 03 in any case of hex', () => {
    expect([isHidInterface({ class: '03' }), isHidInterface({ class: '3' })]).toEqual([
      true,
      false,
    ]);
    expect(isHidInterface({ class: '08' })).toBe(false);
  });

  it('a hub is device class 09 or a hub interface', () => {
    expect(isHub(hub())).toBe(true);
    expect(isHub(hub({ deviceClass: '00' }))).toBe(true);
    expect(isHub(hub({ interfaces: [] }))).toBe(true);
    expect(isHub(hub({ deviceClass: '00', interfaces: [iface(0, '09'), iface(1, '08')] }))).toBe(
      true,
    );
    expect(isHub(stick())).toBe(false);
    expect(isHub(keyboard())).toBe(false);
    expect(isHubInterface({ class: '09' })).toBe(true);
    expect(isHubInterface({ class: '0a' })).toBe(false);
  });

  it('decides on alternate setting 0 only', () => {
    const d = stick({
      interfaces: [iface(0, '08'), iface(0, '08', { alt: 1 }), iface(1, '03', { alt: 2 })],
    });
    expect(decidingInterfaces(d)).toEqual([iface(0, '08')]);
  });
});
