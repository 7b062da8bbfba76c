// What decided an event, in words (issue 13 §4 "the rule that fired"): an alert's rule from
// the policy's `alerts` list, the USB rule or default that allowed or blocked a device, the
// classified folder whose level a file event carries. Worded from core's catalogues, the
// same words as `baomi events`; values that came from an agent stay text.
import { alertSummary } from '../../core/alerts/summary.js';
import type { BaomiEvent } from '../../core/events/types.js';
import { usbRuleKey } from '../../core/usb/decided-text.js';
import type { DecidedBy } from '../../core/usb/types.js';
import { t, tCore } from './i18n.js';

const USB_VERDICTS = new Set(['usb.allowed', 'usb.blocked', 'usb.read-only']);

/** The rule's words, or null when nothing but the event itself decided it. */
export function ruleOf(e: BaomiEvent): string | null {
  const d = e.data as Record<string, unknown>;
  if (e.type === 'alert.raised') {
    const { key, params } = alertSummary(e);
    return tCore(key, params as Record<string, string | number>);
  }
  if (USB_VERDICTS.has(e.type)) {
    const r = d.rule as DecidedBy | undefined;
    if (!r || typeof r !== 'object' || typeof r.by !== 'string') return null;
    const { key, params, defaultValue } = usbRuleKey(r);
    return tCore(key, params, defaultValue);
  }
  if (e.type.startsWith('file.') && typeof d.root === 'string' && e.level !== undefined)
    return t('events.rule.folder', { root: d.root, level: e.level });
  return null;
}
