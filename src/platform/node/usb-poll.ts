// The watch() of USB adapters that learn of devices by asking a command again and again
// (Windows, macOS): the command runner port runs a program to completion, so a streaming
// source (a long-lived PowerShell with Register-WmiEvent, `diskutil activity`) would need a
// new port and a supervisor for a child that can die quietly. A poll cannot die quietly: a
// failed read is reported (once per run of failures) and the next tick tries again.
// Reads never overlap; while reads fail nothing is reported removed (unknown is not gone).
import type { Clock } from '../../core/ports/clock.js';
import type { UsbWatchHandlers } from '../../core/ports/usb.js';
import type { UsbDevice } from '../../core/usb/types.js';

export interface UsbPollOptions {
  clock: Clock;
  everyMs: number;
  /** Every device present now; rejects when the OS could not be asked. */
  read: () => Promise<UsbDevice[]>;
  /** What makes two sightings the same device (default: its id). */
  keyOf?: (d: UsbDevice) => string;
  /** The devices the caller already knows (its last list()); else the first read is the start. */
  baseline?: readonly UsbDevice[];
  /** Runs after each good read (macOS keeps ejecting the media of blocked devices here). */
  afterRead?: (devices: UsbDevice[]) => Promise<void>;
}

export function pollUsb(o: UsbPollOptions, h: UsbWatchHandlers): { close(): void } {
  const keyOf = o.keyOf ?? ((d: UsbDevice) => d.id);
  let known: Map<string, UsbDevice> | undefined = o.baseline
    ? new Map(o.baseline.map((d) => [keyOf(d), d]))
    : undefined;
  let closed = false;
  let reading = false;
  let failing = false;
  const safely = (fn: () => void) => {
    try {
      fn();
    } catch {
      // a handler that throws must not stop the watch
    }
  };
  const tick = async () => {
    if (reading || closed) return;
    reading = true;
    try {
      let now: UsbDevice[];
      try {
        now = await o.read();
      } catch (e) {
        if (!closed && !failing)
          safely(() => h.error(e instanceof Error ? e : new Error(String(e))));
        failing = true;
        return;
      }
      failing = false;
      if (closed) return;
      const next = new Map(now.map((d) => [keyOf(d), d]));
      if (known) {
        for (const [k, d] of known) if (!next.has(k)) safely(() => h.removed(d.id));
        for (const [k, d] of next) if (!known.has(k)) safely(() => h.added(d));
      }
      known = next;
      if (o.afterRead) await o.afterRead(now).catch(() => {});
    } finally {
      reading = false;
    }
  };
  if (!known) void tick();
  const timer = o.clock.every(o.everyMs, () => void tick());
  return {
    close() {
      closed = true;
      timer.cancel();
    },
  };
}
