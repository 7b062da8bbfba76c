// Notices about an exception request the console decided (issue 11): approved and in force,
// approved but the agent could not use the token, or denied. The sync module sends them as
// codes and params (DESIGN.md "Notices"); the tray or the notifier renders them here, at the
// display end. Staff's note and the device label are text from elsewhere: shown on one line,
// without controls or text-direction tricks (cleanLabel's rules), and bounded.
import type { Json } from '../events/types.js';
import type { Translate } from '../i18n/translate.js';
import type { Catalog } from '../i18n/types.js';
import type { Notice } from '../protocol/messages.js';
import { cleanLabel, UNSAFE } from './notices.js';

export const EXCEPTION_NOTICE_CODES = {
  approved: 'usb.notice.exceptionApproved',
  unusable: 'usb.notice.exceptionUnusable',
  denied: 'usb.notice.exceptionDenied',
} as const;

/** Longest note shown in a notice, in characters. */
const MAX_NOTE = 200;

function oneLine(s: unknown, max: number): string {
  if (typeof s !== 'string') return '';
  const one = s.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
  const chars = [...one];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : one;
}

/** The title and body a notifier shows for one of these notices. */
export function exceptionNoticeText(t: Translate, n: Notice): { title: string; body: string } {
  const p: Record<string, Json> = n.params;
  const device = cleanLabel(typeof p.device === 'string' ? p.device : '') || '?';
  const note = oneLine(p.note, MAX_NOTE);
  const decidedBy = oneLine(p.decidedBy, 64);
  switch (n.code) {
    case EXCEPTION_NOTICE_CODES.approved:
      return {
        title: t('usb.notice.title.exceptionApproved'),
        body: [
          t('usb.notice.exceptionApprovedBody', {
            device,
            until: typeof p.until === 'string' ? p.until : '',
          }),
          note ? t('usb.notice.exceptionNote', { note, decidedBy }) : '',
        ]
          .filter(Boolean)
          .join('\n'),
      };
    case EXCEPTION_NOTICE_CODES.unusable:
      return {
        title: t('usb.notice.title.exceptionUnusable'),
        body: t('usb.notice.exceptionUnusableBody', {
          device,
          reason: typeof p.code === 'string' ? t(p.code, asParams(p.params)) : '',
        }),
      };
    default:
      return {
        title: t('usb.notice.title.exceptionDenied'),
        body: [
          t('usb.notice.exceptionDeniedBody', { device }),
          note ? t('usb.notice.exceptionNote', { note, decidedBy }) : '',
        ]
          .filter(Boolean)
          .join('\n'),
      };
  }
}

function asParams(v: Json | undefined): Record<string, Json> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {};
}

export const exceptionNoticeMessages: Catalog = {
  en: {
    // One line, for readers that translate the code alone (a log, `baomi events`).
    'usb.notice.exceptionApproved': 'USB exception approved for {{device}}',
    'usb.notice.exceptionUnusable': 'USB exception for {{device}} approved but not usable',
    'usb.notice.exceptionDenied': 'USB exception for {{device}} denied',
    'usb.notice.title.exceptionApproved': 'USB exception approved',
    'usb.notice.title.exceptionUnusable': 'USB exception could not be used',
    'usb.notice.title.exceptionDenied': 'USB exception denied',
    'usb.notice.exceptionApprovedBody':
      'You may use {{device}} on this computer until {{until}}. If it is plugged in, it is allowed now.',
    'usb.notice.exceptionUnusableBody':
      'Your request for {{device}} was approved, but this computer could not use the approval: {{reason}}',
    'usb.notice.exceptionDeniedBody': 'Your request to use {{device}} was denied.',
    'usb.notice.exceptionNote': '{{decidedBy}}: {{note}}',
  },
  'zh-CN': {
    'usb.notice.exceptionApproved': '{{device}} 的 USB 例外已批准',
    'usb.notice.exceptionUnusable': '{{device}} 的 USB 例外已批准但无法使用',
    'usb.notice.exceptionDenied': '{{device}} 的 USB 例外申请被拒绝',
    'usb.notice.title.exceptionApproved': 'USB 例外已批准',
    'usb.notice.title.exceptionUnusable': 'USB 例外无法使用',
    'usb.notice.title.exceptionDenied': 'USB 例外申请被拒绝',
    'usb.notice.exceptionApprovedBody':
      '在 {{until}} 之前，你可以在本机使用 {{device}}。如该设备已插入，现已放行。',
    'usb.notice.exceptionUnusableBody':
      '你对 {{device}} 的申请已获批准，但本机无法使用该批准：{{reason}}',
    'usb.notice.exceptionDeniedBody': '你使用 {{device}} 的申请被拒绝。',
    'usb.notice.exceptionNote': '{{decidedBy}}：{{note}}',
  },
};
