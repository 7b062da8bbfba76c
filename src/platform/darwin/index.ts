// What macOS lacks among the ports today, said plainly: no uid→name adapter yet (Open
// Directory, `dscl`), and FSEvents has no per-user watch limit to read.
import type { KernelLimits } from '../../core/ports/kernel.js';
import type { UserDirectory } from '../../core/ports/users.js';

export const macUsers: UserDirectory = { nameOf: () => undefined };
export const macKernel: KernelLimits = {
  maxQueuedEvents: () => undefined,
  maxUserWatches: () => undefined,
  // No boot id is read here yet; the usb module's per-boot marks are Linux-only.
  bootId: () => undefined,
};
export const MAC_LACKS = [
  'users: no uid→name adapter on macOS yet (Open Directory); file events carry numeric owners',
  'kernel: no watch limits to read on macOS',
];

export { createMacNotifier } from './notifier.js';
export { createMacSession } from './session.js';
