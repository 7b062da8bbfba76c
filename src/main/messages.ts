// Texts of the tray: its menu and its fallbacks. Its states are core's (core/status/messages.ts,
// shared with the status window); notices come from core's catalogues (USB, idle, exceptions),
// rendered by notice-text.ts; these are the tray's own words.
import type { Catalog } from '../core/i18n/types.js';

export const trayMessages: Catalog = {
  en: {
    'tray.menu.openLog': 'Open the event log',
    'tray.menu.status': 'Status',
    'tray.menu.requestException': 'Request a USB exception…',
    'tray.menu.redeemToken': 'Redeem an exception token…',
    'tray.menu.whatIsRecorded': 'What is recorded about me',
    'tray.menu.language': 'Language',
    'tray.menu.quit': 'Quit the tray (protection keeps running)',
    'tray.menu.quitWatermark': 'Quit (not while the policy shows a watermark)',
    'tray.notice.fallbackTitle': 'Baomi',
    'tray.notice.fallbackBody': 'The agent sent a notice this tray does not know ({{code}}).',
  },
  'zh-CN': {
    'tray.menu.openLog': '打开事件日志',
    'tray.menu.status': '状态',
    'tray.menu.requestException': '申请 USB 例外…',
    'tray.menu.redeemToken': '使用例外令牌…',
    'tray.menu.whatIsRecorded': '本机记录了我的哪些信息',
    'tray.menu.language': '语言',
    'tray.menu.quit': '退出托盘（保护继续运行）',
    'tray.menu.quitWatermark': '退出（策略要求显示水印时不可退出）',
    'tray.notice.fallbackTitle': '保密',
    'tray.notice.fallbackBody': '终端代理发来一条本托盘不认识的通知（{{code}}）。',
  },
};
