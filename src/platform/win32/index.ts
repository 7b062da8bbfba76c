// What Windows lacks among the ports today, said plainly rather than faked: file owners are
// SIDs (Node reports uid 0 for every file), and ReadDirectoryChangesW has no watch limit or
// queue length to read.
import type { KernelLimits } from '../../core/ports/kernel.js';
import type { UserDirectory } from '../../core/ports/users.js';

export const windowsUsers: UserDirectory = { nameOf: () => undefined };
export const windowsKernel: KernelLimits = {
  maxQueuedEvents: () => undefined,
  maxUserWatches: () => undefined,
  // No boot id is read here yet; the usb module's per-boot marks are Linux-only.
  bootId: () => undefined,
};
export const WINDOWS_LACKS = [
  'users: no uid→name on Windows (owners are SIDs, which Node does not report); file events carry numeric owners',
  'kernel: no watch limits to read on Windows (ReadDirectoryChangesW)',
];

export { createWindowsNotifier } from './notifier.js';
export { createWindowsSession } from './session.js';
