// The device hash (issue 9, DESIGN.md "USB rules"): lowercase hex SHA-256 of the device's raw
// descriptors (sysfs `descriptors`: device descriptor, then every configuration) followed by
// the UTF-8 bytes of its serial, as USBGuard does. Two sticks of one model with different
// serials hash apart; a stick that copies another's descriptors and serial hashes the same
// (a hash proves what the device says, not what it is: README).
// SECURITY: policies pin devices by this value; changing what is hashed unpins every one.
import { createHash } from 'node:crypto';

export function deviceHash(descriptors: Uint8Array, serial?: string): string {
  const h = createHash('sha256').update(descriptors);
  // A string is hashed as its UTF-8 bytes. No serial and an empty one hash alike (no bytes).
  if (serial) h.update(serial);
  return h.digest('hex');
}
