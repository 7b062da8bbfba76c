// What decided an event, as keys to translate (issue 13 §4 and issue 14 §5, "the rule that
// fired"): an alert's rule from the policy's `alerts` list, the USB rule or default that
// allowed or blocked a device, the classified folder whose level a file event carries. The
// console and the tray's viewer each word it in their own catalogues; the keys come from core's,
// so both say what `baomi events` says. Values from an agent stay parameters, shown as text.
import { alertSummary } from '../core/alerts/summary.js';
import type { BaomiEvent } from '../core/events/types.js';
import { usbRuleKey } from '../core/usb/decided-text.js';
import type { DecidedBy } from '../core/usb/types.js';

export type Rule =
  /** A key of core's catalogues (alerts, USB rules), with its English default. */
  | { kind: 'core'; key: string; params: Record<string, string | number>; defaultValue: string }
  /** A file event in a classified folder of this level. */
  | { kind: 'folder'; root: string; level: string };

const USB_VERDICTS = new Set(['usb.allowed', 'usb.blocked', 'usb.read-only']);

/** The rule, or null when nothing but the event itself decided it. */
export function ruleOf(e: BaomiEvent): Rule | null {
  const d = e.data as Record<string, unknown>;
  if (e.type === 'alert.raised') {
    const { key, params } = alertSummary(e);
    return {
      kind: 'core',
      key,
      params: params as Record<string, string | number>,
      defaultValue: key,
    };
  }
  if (USB_VERDICTS.has(e.type)) {
    const r = d.rule as DecidedBy | undefined;
    if (!r || typeof r !== 'object' || typeof r.by !== 'string') return null;
    return { kind: 'core', ...usbRuleKey(r) };
  }
  if (e.type.startsWith('file.') && typeof d.root === 'string' && e.level !== undefined)
    return { kind: 'folder', root: d.root, level: e.level };
  return null;
}
