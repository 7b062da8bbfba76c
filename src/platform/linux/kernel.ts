// inotify limits from /proc (moved from the folder layer): the queue length tells the
// overflow detector what a burst looks like, the watch limit goes into watch.limit events.
// `root` is "/" in production; tests point it at a fabricated tree.
import fs from 'node:fs';
import path from 'node:path';
import type { KernelLimits } from '../../core/ports/kernel.js';

function readInt(file: string): number | undefined {
  try {
    const n = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

const BOOT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function once<T>(f: () => T): () => T {
  let done = false;
  let v: T;
  return () => {
    if (!done) {
      v = f();
      done = true;
    }
    return v;
  };
}

export function createLinuxKernel(root = '/'): KernelLimits {
  const proc = (rel: string) => path.join(root, 'proc/sys', rel);
  return {
    maxQueuedEvents() {
      const n = readInt(proc('fs/inotify/max_queued_events'));
      return n !== undefined && n > 0 ? n : undefined;
    },
    // The sysctl, or a user namespace's own lower limit, whichever is smaller.
    maxUserWatches() {
      const limits = [
        readInt(proc('fs/inotify/max_user_watches')),
        readInt(proc('user/max_inotify_watches')),
      ].filter((n): n is number => n !== undefined);
      return limits.length ? Math.min(...limits) : undefined;
    },
    // A random UUID the kernel makes at boot (drivers/char/random.c); read once, it cannot
    // change while this process runs.
    bootId: once(() => {
      try {
        const id = fs.readFileSync(proc('kernel/random/boot_id'), 'utf8').trim().toLowerCase();
        return BOOT_ID.test(id) ? id : undefined;
      } catch {
        return undefined;
      }
    }),
  };
}

/** What is missing for `Platform.lacks` (a container without /proc, a read-only one is fine). */
export function linuxKernelLacks(k: KernelLimits): string[] {
  return k.maxQueuedEvents() === undefined
    ? ['kernel: /proc/sys/fs/inotify unreadable; overflow detection assumes 16384 queued events']
    : [];
}
