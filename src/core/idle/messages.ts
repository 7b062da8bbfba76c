// Texts of the idle notices (notices.ts: the codes idle.notice.*, rendered by idleNoticeText
// at the display end: the tray, or the notifier when no tray runs). In core because the tray
// and the console render them from core alone, like the USB notices.
import type { Catalog } from '../i18n/types.js';

export const idleMessages: Catalog = {
  en: {
    // One line, for readers that translate the code alone (a log, `baomi events`).
    'idle.notice.remind': 'Reminder to lock the screen: {{minutes}} min without input',
    'idle.notice.locked': 'Your screen was locked by policy',
    'idle.notice.title.remind': 'Lock your screen',
    'idle.notice.title.locked': 'Screen locked',
    'idle.notice.body.remindMinutes':
      'You have been away for {{minutes}} min: lock your screen ({{shortcut}})',
    'idle.notice.body.remindSeconds':
      'You have been away for {{seconds}} s: lock your screen ({{shortcut}})',
    // An OS whose shortcut this version does not know (a notice from a newer agent).
    'idle.notice.body.remindMinutesNoKey':
      'You have been away for {{minutes}} min: lock your screen',
    'idle.notice.body.remindSecondsNoKey': 'You have been away for {{seconds}} s: lock your screen',
    'idle.notice.body.locked':
      'Your screen was locked by policy after {{minutes}} min without input.',
    'idle.notice.body.lockedSeconds':
      'Your screen was locked by policy after {{seconds}} s without input.',
    'idle.shortcut.or': '{{first}} or {{second}}',
  },
  'zh-CN': {
    'idle.notice.remind': '锁屏提醒：已 {{minutes}} 分钟无操作',
    'idle.notice.locked': '屏幕已按策略锁定',
    'idle.notice.title.remind': '请锁定屏幕',
    'idle.notice.title.locked': '屏幕已锁定',
    'idle.notice.body.remindMinutes': '你已离开 {{minutes}} 分钟，请锁定屏幕（{{shortcut}}）',
    'idle.notice.body.remindSeconds': '你已离开 {{seconds}} 秒，请锁定屏幕（{{shortcut}}）',
    'idle.notice.body.remindMinutesNoKey': '你已离开 {{minutes}} 分钟，请锁定屏幕',
    'idle.notice.body.remindSecondsNoKey': '你已离开 {{seconds}} 秒，请锁定屏幕',
    'idle.notice.body.locked': '屏幕已按策略锁定：{{minutes}} 分钟无操作。',
    'idle.notice.body.lockedSeconds': '屏幕已按策略锁定：{{seconds}} 秒无操作。',
    'idle.shortcut.or': '{{first}} 或 {{second}}',
  },
};
