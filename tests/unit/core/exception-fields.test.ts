// A device ID as a person types it (the CLI's --device, the tray's request form): hex digits
// are case-blind, a serial is not, anything else passes through for isDeviceId to judge.
import { describe, expect, it } from 'vitest';
import { isDeviceId, normaliseDevice } from '../../../src/core/exceptions/fields.js';

describe('normaliseDevice', () => {
  it('lower-cases a 64-hex hash and the vid:pid of an id, never the serial', () => {
    expect(normaliseDevice('AB'.repeat(32))).toBe('ab'.repeat(32));
    expect(normaliseDevice('0781:55AB:4C53aBc')).toBe('0781:55ab:4C53aBc');
    expect(normaliseDevice('0781:55AB:')).toBe('0781:55ab:');
  });

  it('passes anything else through unchanged', () => {
    for (const s of ['AB'.repeat(31), 'ABCD', '0781-5567-X', 'G781:5567:X', ' 0781:5567:X', ''])
      expect(normaliseDevice(s)).toBe(s);
    expect(isDeviceId(normaliseDevice('0781:55AB:'))).toBe(false);
    expect(isDeviceId(normaliseDevice('0781:55AB:S1'))).toBe(true);
  });
});
