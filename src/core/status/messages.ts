// How protected this computer is, in words (core/status/protection.ts): the tray's icon and its
// status window say the same.
import type { Catalog } from '../i18n/types.js';

export const protectionMessages: Catalog = {
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
  },
};
