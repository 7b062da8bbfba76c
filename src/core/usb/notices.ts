// Notices about USB devices for the person at the console, grouped (DESIGN.md "Notices"): a
// dock that brings ten devices at once gives one notice, not ten. Pure: the caller passes the
// time and schedules its own wake-up at nextDue(); nothing here reads a clock or sets a timer.
//
// Grouping: notices added while a burst is open are held. A burst closes QUIET_MS after its
// last notice (a dock enumerates its devices over a second or two), but never later than
// MAX_HOLD_MS after its first (a device that keeps reconnecting cannot hold notices back for
// ever, nor raise one notice each time). When it closes, its notices come out as one notice per
// kind (blocked, read-only, failed) and deciding rule, in the order each group began: ten devices
// blocked by `usb.storage` are one notice; a dock with a card reader under `usb.storage` and a
// stick refused by a rule with its own note gives two, each saying its own reason.
//
// What the person reads (the tray or the notifier translate at the display end with
// usbNoticeText()): what was blocked, why (the rule's note, or which setting decided), and how
// to ask for an exception; or, when the OS did not let the agent hold a device back (`failed`:
// usb.enforcement-lost for that device), that it may still work, that security staff are told,
// and to unplug it. Device names come from the device itself (hostile: a product string
// may hold newlines or bidirectional overrides to fake a message), so labels are cleaned and
// shortened before they enter a notice.
import type { Json } from '../events/types.js';
import type { Translate } from '../i18n/translate.js';
import type { Notice } from '../protocol/messages.js';
import type { DecidedBy, UsbDevice } from './types.js';

/** Quiet time that closes a burst. */
export const QUIET_MS = 1_500;
/** A burst closes this long after its first notice, however busy it still is. */
export const MAX_HOLD_MS = 5_000;
/** Device names a notice lists; the rest are counted in `more`. */
export const MAX_NAMES = 5;
/** Longest device label, in characters. */
export const MAX_LABEL = 64;

export type UsbNoticeKind = 'blocked' | 'read-only' | 'failed';

export const USB_NOTICE_CODES = {
  blocked: 'usb.notice.blocked',
  'read-only': 'usb.notice.readOnly',
  failed: 'usb.notice.failed',
} as const satisfies Record<UsbNoticeKind, string>;

export interface UsbNoticeInput {
  kind: UsbNoticeKind;
  /** A label for the device, e.g. deviceLabel(device). Cleaned again here. */
  device: string;
  /** The rule that decided (Decision.rule). */
  rule: DecidedBy;
  /** The event the notice is about (usb.blocked / usb.read-only / usb.enforcement-lost). */
  seq?: number;
}

/** The parameters of a USB notice (`Notice.params`). */
export interface UsbNoticeParams {
  [k: string]: Json;
  count: number;
  devices: string[];
  more: number;
  /** The rule: {by} or {by: 'rule', index}. */
  rule: { [k: string]: Json };
  /** The rule's note, when it has one. */
  note: string | null;
}

// C0 and C1 controls, and the characters that reorder or hide text (bidi embeddings,
// overrides and isolates, zero-width joiners, the BOM): a label shows what it says.
export const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]+/g;

/** A device-supplied text made safe to show in a notice: one line, no tricks, bounded. */
export function cleanLabel(s: string): string {
  const one = s.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
  const chars = [...one];
  return chars.length > MAX_LABEL ? `${chars.slice(0, MAX_LABEL - 1).join('')}…` : one;
}

/** "SanDisk Cruzer Blade (0781:5567)": the product string (else the maker), and the ids. */
export function deviceLabel(
  d: Pick<UsbDevice, 'vendor' | 'product' | 'productName' | 'manufacturer'>,
): string {
  const name = cleanLabel(d.productName ?? '') || cleanLabel(d.manufacturer ?? '');
  const ids = cleanLabel(`${d.vendor}:${d.product}`);
  return name ? `${name} (${ids})` : ids;
}

function ruleParams(r: DecidedBy): {
  key: string;
  rule: { [k: string]: Json };
  note: string | null;
} {
  if (r.by === 'rule') {
    return { key: `rule:${r.index}`, rule: { by: 'rule', index: r.index }, note: r.note ?? null };
  }
  if (r.by === 'exception')
    return { key: `exception:${r.id}`, rule: { by: r.by, id: r.id }, note: null };
  return { key: r.by, rule: { by: r.by }, note: null };
}

interface Group {
  kind: UsbNoticeKind;
  rule: { [k: string]: Json };
  note: string | null;
  count: number;
  devices: string[];
  seq?: number;
}

export class NoticeBatcher {
  private groups = new Map<string, Group>();
  private first = 0;
  private last = 0;

  /** Holds a notice; it comes out of due() when its burst closes. */
  add(n: UsbNoticeInput, now: number): void {
    if (this.groups.size === 0) {
      this.first = now;
      this.last = now;
    } else {
      this.last = Math.max(this.last, now);
    }
    const r = ruleParams(n.rule);
    const key = `${n.kind} ${r.key}`;
    let g = this.groups.get(key);
    if (g === undefined) {
      g = { kind: n.kind, rule: r.rule, note: r.note, count: 0, devices: [] };
      if (n.seq !== undefined) g.seq = n.seq;
      this.groups.set(key, g);
    }
    g.count++;
    if (g.devices.length < MAX_NAMES) g.devices.push(cleanLabel(n.device));
  }

  /** When the open burst closes (ms since the epoch), or null when nothing is held. */
  nextDue(): number | null {
    if (this.groups.size === 0) return null;
    return Math.min(this.last + QUIET_MS, this.first + MAX_HOLD_MS);
  }

  /** The grouped notices of a burst that has closed by `now`; [] while it is still open. */
  due(now: number): Notice[] {
    const at = this.nextDue();
    return at !== null && now >= at ? this.flush() : [];
  }

  /** Everything held, grouped, whether its burst has closed or not (the agent stops). */
  flush(): Notice[] {
    const out = [...this.groups.values()].map((g): Notice => {
      const params: UsbNoticeParams = {
        count: g.count,
        devices: g.devices,
        more: g.count - g.devices.length,
        rule: g.rule,
        note: g.note,
      };
      const notice: Notice = { code: USB_NOTICE_CODES[g.kind], params };
      if (g.seq !== undefined) notice.seq = g.seq;
      return notice;
    });
    this.groups.clear();
    return out;
  }
}

function whyKey(rule: { [k: string]: Json }, note: Json | undefined): string {
  if (typeof note === 'string' && cleanNote(note) !== '') return 'usb.notice.why.note';
  if (rule.by === 'rule' && typeof rule.index === 'number') return 'usb.notice.why.rule';
  if (rule.by === 'storage-default') return 'usb.notice.why.storageDefault';
  if (rule.by === 'while-locked') return 'usb.notice.why.whileLocked';
  if (rule.by === 'unreadable') return 'usb.notice.why.unreadable';
  return 'usb.notice.why.policy';
}

/**
 * A USB notice as a title and a body, in the language of `t` (createCoreTranslator): what the
 * tray and the notifier show. Reads only the notice, so it renders notices from an agent of
 * another version too; anything missing reads as the general case.
 */
export function usbNoticeText(t: Translate, n: Notice): { title: string; body: string } {
  const p = n.params;
  const count = typeof p.count === 'number' ? p.count : 1;
  const readOnly = n.code === USB_NOTICE_CODES['read-only'];
  const failed = n.code === USB_NOTICE_CODES.failed;
  const devices = Array.isArray(p.devices)
    ? p.devices.filter((d): d is string => typeof d === 'string').map(cleanLabel)
    : [];
  const more = typeof p.more === 'number' && p.more > 0 ? p.more : 0;
  const rule =
    p.rule !== null && typeof p.rule === 'object' && !Array.isArray(p.rule) ? p.rule : {};
  const kind = failed ? 'failed' : readOnly ? 'readOnly' : 'blocked';
  const title = t(`usb.notice.title.${kind}${count > 1 ? 'Many' : ''}`, { count });
  const list = devices.join(', ') + (more > 0 ? ` ${t('usb.notice.more', { more })}` : '');
  // Not held back: no reason and no exception to ask for, only what to do now.
  if (failed)
    return { title, body: [list, t('usb.notice.failedBody')].filter((l) => l !== '').join('\n') };
  const lines = [
    list,
    t(whyKey(rule, p.note), {
      note: typeof p.note === 'string' ? cleanNote(p.note) : '',
      index: typeof rule.index === 'number' ? rule.index : 0,
    }),
    t(readOnly ? 'usb.notice.askWrite' : 'usb.notice.ask'),
  ];
  return { title, body: lines.filter((l) => l !== '').join('\n') };
}

/** A rule's note is IT's text, but it is still shown on one line of a notice. */
function cleanNote(s: string): string {
  return s.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
}
