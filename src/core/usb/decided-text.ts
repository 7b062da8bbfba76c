// The rule that decided a USB device (DecidedBy in a usb.allowed / usb.blocked / usb.read-only
// event's `data.rule`), in words: the CLI's events table, the console's event detail and the
// tray render it from here. `note` and `id` came from the policy and from a token: the reader
// escapes them for its medium (a terminal: printable.ts; a browser renders text).
import type { Catalog } from '../i18n/types.js';
import type { DecidedBy } from './types.js';

export const usbRuleMessages: Catalog = {
  en: {
    'usb.rule.rule': 'usb.rules[{{index}}]',
    'usb.rule.ruleNote': 'usb.rules[{{index}}] ({{note}})',
    'usb.rule.storage-default': 'usb.storage (no rule matched)',
    'usb.rule.not-storage': 'not storage',
    'usb.rule.hub': 'hub (always allowed)',
    'usb.rule.exception': 'exception {{id}}',
    'usb.rule.while-locked': 'usb.whileLocked',
    'usb.rule.hid-kept': 'keyboard/mouse kept (storage rules never block HID)',
    'usb.rule.unreadable': 'unreadable descriptors (blocked)',
    'usb.rule.internal': "built-in card (eMMC: the machine's own disk, always allowed)",
  },
  'zh-CN': {
    'usb.rule.rule': 'usb.rules[{{index}}]',
    'usb.rule.ruleNote': 'usb.rules[{{index}}]（{{note}}）',
    'usb.rule.storage-default': 'usb.storage（无规则命中）',
    'usb.rule.not-storage': '非存储设备',
    'usb.rule.hub': '集线器（始终放行）',
    'usb.rule.exception': '临时例外 {{id}}',
    'usb.rule.while-locked': 'usb.whileLocked（锁屏期间）',
    'usb.rule.hid-kept': '保留键盘/鼠标（存储规则从不拦截 HID）',
    'usb.rule.unreadable': '描述符不可读（已拦截）',
    'usb.rule.internal': '内置存储卡（eMMC：本机自身的磁盘，始终放行）',
  },
};

/** The key and parameters that word `r`; `by` values this version does not know are their
 *  own text (`defaultValue`), so an event from a newer agent still says something. */
export function usbRuleKey(r: DecidedBy): {
  key: string;
  params: Record<string, string | number>;
  defaultValue: string;
} {
  const by = String(r.by);
  switch (r.by) {
    case 'rule':
      return r.note !== undefined
        ? {
            key: 'usb.rule.ruleNote',
            params: { index: r.index, note: String(r.note) },
            defaultValue: by,
          }
        : { key: 'usb.rule.rule', params: { index: r.index }, defaultValue: by };
    case 'exception':
      return { key: 'usb.rule.exception', params: { id: String(r.id) }, defaultValue: by };
    default:
      return { key: `usb.rule.${by}`, params: {}, defaultValue: by };
  }
}
