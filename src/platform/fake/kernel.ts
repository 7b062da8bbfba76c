// Kernel limits tests set (undefined: the OS has none, or /proc cannot be read).
import type { KernelLimits } from '../../core/ports/kernel.js';

export class FakeKernel implements KernelLimits {
  queued: number | undefined = 16384;
  watches: number | undefined = 8192;

  maxQueuedEvents(): number | undefined {
    return this.queued;
  }

  maxUserWatches(): number | undefined {
    return this.watches;
  }
}
