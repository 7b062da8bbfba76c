// The USB storage devices a person may ask an exception for (issue 14 §1, "request an
// exception"): the ones this computer refused them lately, from their own usb.blocked and
// usb.read-only events (agent.sock answers only the asker's), newest first, one per device.
// Each is named as the agent compares it (the device's hash, else vid:pid:serial) and labelled
// as the USB notice labelled it. A device that reported no serial and no hash cannot be named
// for one device alone: it is left out (IT approves such models in the policy instead). Pure.
import type { BaomiEvent } from '../../core/events/types.js';
import { isDeviceId, normaliseDevice } from '../../core/exceptions/fields.js';
import { deviceLabel } from '../../core/usb/notices.js';

/** The types whose devices a person was kept from using fully. */
export const REFUSED_TYPES = ['usb.blocked', 'usb.read-only'];
/** How far back the form looks, and how many devices it offers. */
export const RECENT_DAYS = 30;
export const MAX_DEVICES = 10;

export interface RefusedDevice {
  /** What the request names: the hash, else vid:pid:serial. */
  id: string;
  /** "SanDisk Cruzer Blade (0781:5567)", as the notice said it. */
  label: string;
  /** When it was last refused, ms since the epoch. */
  at: number;
  verdict: 'blocked' | 'read-only';
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The id a request names for the device an event describes, or null when none would do. */
export function deviceIdOf(data: Record<string, unknown>): string | null {
  const hash = text(data.hash);
  if (hash !== undefined && isDeviceId(hash)) return hash;
  const vendor = text(data.vendor);
  const product = text(data.product);
  const serial = text(data.serial);
  if (vendor === undefined || product === undefined || !serial) return null;
  const id = normaliseDevice(`${vendor}:${product}:${serial}`);
  return isDeviceId(id) ? id : null;
}

/** Events in any order; the newest refusal of each device, newest first, at most `max`. */
export function refusedDevices(events: readonly BaomiEvent[], max = MAX_DEVICES): RefusedDevice[] {
  const byId = new Map<string, RefusedDevice>();
  for (const e of events) {
    if (!REFUSED_TYPES.includes(e.type)) continue;
    const data = (e.data ?? {}) as Record<string, unknown>;
    const id = deviceIdOf(data);
    if (id === null) continue;
    const seen = byId.get(id);
    if (seen && seen.at >= e.ts) continue;
    byId.set(id, {
      id,
      label: deviceLabel({
        vendor: text(data.vendor) ?? '????',
        product: text(data.product) ?? '????',
        productName: text(data.productName),
        manufacturer: text(data.manufacturer),
      }),
      at: e.ts,
      verdict: e.type === 'usb.blocked' ? 'blocked' : 'read-only',
    });
  }
  return [...byId.values()].sort((a, b) => b.at - a.at).slice(0, max);
}
