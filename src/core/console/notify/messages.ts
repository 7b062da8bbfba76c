// The text of alert notifications (src/core/console/notify/message.ts), in both languages:
// every message carries zh-CN first, then English, so one mail or webhook serves every reader.
// Values from a workstation (host names, paths, reasons) arrive escaped (message.ts shown()).
import type { Catalog } from '../../i18n/types.js';

export const notifyMessages: Catalog = {
  en: {
    'notify.subject': '[Baomi] {{severity}} alert #{{id}}: {{type}} on {{host}}',
    'notify.subjectHeld': ' (+{{count}} held)',
    'notify.subjectSummary': '[Baomi] {{count}} alert(s) held by rule {{rule}} for {{host}}',
    'notify.severity.critical': 'critical',
    'notify.severity.high': 'high',
    'notify.severity.medium': 'medium',
    'notify.severity.low': 'low',
    'notify.severity.info': 'info',
    'notify.stage': '{{stage}} ({{stageEn}})',
    'notify.noHost': '(no workstation)',
    'notify.heading': 'Alert #{{id}} ({{severity}}): {{type}}',
    'notify.line.host': 'Workstation: {{host}} (agent {{agent}})',
    'notify.line.time': 'Raised: {{time}} (UTC)',
    'notify.line.stage': 'Stage: {{stage}}',
    'notify.line.link': 'In the console: {{link}}',
    'notify.what.agent.silent':
      'The agent on {{host}} has not called the console since {{lastSeen}} (three sync intervals or more).',
    'notify.what.agent.silentNever':
      'The agent on {{host}} has not called the console since it was enrolled (three sync intervals or more).',
    'notify.what.sync.chain-broken':
      'The event log of {{host}} does not hold together at event {{seq}} ({{kind}}): events were edited, removed or rewritten on the workstation.',
    'notify.what.sync.gap':
      'Events {{from}}–{{to}} of {{host}} are missing, and no retention record of the agent explains it.',
    'notify.what.usb.enforcement-lost':
      'USB enforcement on {{host}} was lost ({{why}}: {{open}}); the ports were sealed again.',
    'notify.what.usb.enforcement-lostOpen':
      'USB enforcement on {{host}} was lost ({{why}}: {{open}}) and still does not hold: the ports are open.',
    'notify.what.alert.raised':
      'The policy’s early-warning rule alerts[{{index}}] fired on {{host}}: {{count}} {{match}} event(s) within {{within}}.',
    'notify.what.notify.failed':
      'A notification (alert #{{alert}}) could not be delivered over the channel {{channel}} after {{attempts}} attempt(s) and was given up: {{reason}}',
    'notify.what.other': 'Alert {{type}} on {{host}}: {{data}}',
    'notify.held':
      'Held during the quiet period of rule {{rule}} ({{count}} alert(s), not sent alone):',
    'notify.summary':
      'The quiet period of rule {{rule}} for {{host}} has ended. {{count}} matching alert(s) were held during it and are named here:',
    'notify.heldLine': '#{{id}} {{time}} {{severity}} {{type}} {{link}}',
    'notify.more': '… and {{count}} more (the console lists them all).',
    'notify.footer':
      'Sent by the Baomi console (rule {{rule}}, channel {{channel}}, delivery {{delivery}}). Text from the workstation is shown escaped.',
  },
  'zh-CN': {
    'notify.subject': '[保密] {{severity}}级告警 #{{id}}：{{host}} 上的 {{type}}',
    'notify.subjectHeld': '（另有 {{count}} 条暂缓）',
    'notify.subjectSummary': '[保密] 规则 {{rule}} 为 {{host}} 暂缓了 {{count}} 条告警',
    'notify.severity.critical': '严重',
    'notify.severity.high': '高',
    'notify.severity.medium': '中',
    'notify.severity.low': '低',
    'notify.severity.info': '提示',
    'notify.stage': '{{stage}}（{{stageEn}}）',
    'notify.noHost': '（无工作站）',
    'notify.heading': '告警 #{{id}}（{{severity}}）：{{type}}',
    'notify.line.host': '工作站：{{host}}（代理 {{agent}}）',
    'notify.line.time': '产生时间：{{time}}（UTC）',
    'notify.line.stage': '阶段：{{stage}}',
    'notify.line.link': '在控制台中查看：{{link}}',
    'notify.what.agent.silent':
      '{{host}} 上的代理自 {{lastSeen}} 起未联系控制台（已超过三个同步周期）。',
    'notify.what.agent.silentNever':
      '{{host}} 上的代理自登记以来未联系控制台（已超过三个同步周期）。',
    'notify.what.sync.chain-broken':
      '{{host}} 的事件日志在第 {{seq}} 条事件处断链（{{kind}}）：工作站上的事件被修改、删除或改写。',
    'notify.what.sync.gap':
      '{{host}} 的第 {{from}}–{{to}} 条事件缺失，且代理没有保留期清理记录可以解释。',
    'notify.what.usb.enforcement-lost':
      '{{host}} 的 USB 管控曾失效（{{why}}：{{open}}）；端口已重新封闭。',
    'notify.what.usb.enforcement-lostOpen':
      '{{host}} 的 USB 管控失效（{{why}}：{{open}}），目前仍未恢复：端口处于打开状态。',
    'notify.what.alert.raised':
      '{{host}} 上触发了策略预警规则 alerts[{{index}}]：{{within}}内发生 {{count}} 次 {{match}} 事件。',
    'notify.what.notify.failed':
      '一条通知（告警 #{{alert}}）经 {{attempts}} 次尝试仍无法通过通知渠道 {{channel}} 送达，已放弃：{{reason}}',
    'notify.what.other': '{{host}} 上的告警 {{type}}：{{data}}',
    'notify.held': '规则 {{rule}} 静默期内暂缓的告警（{{count}} 条，未单独发送）：',
    'notify.summary':
      '规则 {{rule}} 对 {{host}} 的静默期已结束。静默期内有 {{count}} 条匹配的告警被暂缓，列出如下：',
    'notify.heldLine': '#{{id}} {{time}} {{severity}} {{type}} {{link}}',
    'notify.more': '……另有 {{count}} 条（控制台中列出全部）。',
    'notify.footer':
      '由保密控制台发送（规则 {{rule}}，通知渠道 {{channel}}，投递 {{delivery}}）。来自工作站的文字已转义显示。',
  },
};
