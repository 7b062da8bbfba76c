// Kernel limits and the boot id tests set (undefined: the OS has none, or /proc cannot be read).
import type { KernelLimits } from '../../core/ports/kernel.js';

export class FakeKernel implements KernelLimits {
  queued: number | undefined = 16384;
  watches: number | undefined = 8192;
  /** Which boot this is (a test reboots by setting another). */
  boot: string | undefined = '00000000-0000-4000-8000-000000000001';

  maxQueuedEvents(): number | undefined {
    return this.queued;
  }

  maxUserWatches(): number | undefined {
    return this.watches;
  }

  bootId(): string | undefined {
    return this.boot;
  }
}
