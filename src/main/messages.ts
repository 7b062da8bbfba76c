// Texts of the tray: its states, its menu, its fallbacks. Notices come from core's catalogues
// (USB, idle, exceptions), rendered by notice-text.ts; these are the tray's own words.
import type { Catalog } from '../core/i18n/types.js';

export const trayMessages: Catalog = {
  en: {
    'tray.state.protected': 'Baomi: this computer is protected',
    'tray.state.policyProblem': 'Baomi: a policy problem needs IT',
    'tray.state.syncWaiting': 'Baomi: {{count}} events waiting to reach the console',
    'tray.state.agentDown': 'Baomi: the agent is not running; nothing is being enforced',
    'tray.reason.noPolicy': 'No policy is in force.',
    'tray.reason.policyRejected': 'The newest policy file was refused; the last good one stays.',
    'tray.reason.usbNotEnforced': 'USB storage is not being blocked on this computer.',
    'tray.reason.folderNotWatched': 'A classified folder is not watched: {{path}}',
    'tray.reason.syncFailing': 'The console has not accepted events since {{since}}.',
    'tray.menu.openLog': 'Open the event log',
    'tray.menu.status': 'Status',
    'tray.menu.requestException': 'Request a USB exception…',
    'tray.menu.redeemToken': 'Redeem an exception token…',
    'tray.menu.whatIsRecorded': 'What is recorded about me',
    'tray.menu.language': 'Language',
    'tray.menu.quit': 'Quit the tray (protection keeps running)',
    'tray.notice.fallbackTitle': 'Baomi',
    'tray.notice.fallbackBody': 'The agent sent a notice this tray does not know ({{code}}).',
    'tray.devAgent':
      'No agent was running: the tray started one as you. Privileged enforcement (USB blocking, screen locking by policy) is off.',
  },
  'zh-CN': {
    'tray.state.protected': '保密：本机受保护',
    'tray.state.policyProblem': '保密：策略有问题，请联系 IT',
    'tray.state.syncWaiting': '保密：{{count}} 条事件等待上报控制台',
    'tray.state.agentDown': '保密：终端代理未运行，当前没有任何管控',
    'tray.reason.noPolicy': '没有生效的策略。',
    'tray.reason.policyRejected': '最新的策略文件被拒绝，仍沿用上一份有效策略。',
    'tray.reason.usbNotEnforced': '本机没有拦截 USB 存储设备。',
    'tray.reason.folderNotWatched': '有涉密文件夹未被监控：{{path}}',
    'tray.reason.syncFailing': '自 {{since}} 起控制台未再接收事件。',
    'tray.menu.openLog': '打开事件日志',
    'tray.menu.status': '状态',
    'tray.menu.requestException': '申请 USB 例外…',
    'tray.menu.redeemToken': '使用例外令牌…',
    'tray.menu.whatIsRecorded': '本机记录了我的哪些信息',
    'tray.menu.language': '语言',
    'tray.menu.quit': '退出托盘（保护继续运行）',
    'tray.notice.fallbackTitle': '保密',
    'tray.notice.fallbackBody': '终端代理发来一条本托盘不认识的通知（{{code}}）。',
    'tray.devAgent':
      '没有正在运行的终端代理：托盘以您的身份启动了一个。需要特权的管控（拦截 USB、按策略锁屏）未生效。',
  },
};
