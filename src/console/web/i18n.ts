// The web UI's text in zh-CN and English (issue 13 §10): the language comes from the browser
// (navigator.languages: Chinese first → zh-CN, else English), a switch changes it and is kept
// in localStorage. The API answers in the same language (Accept-Language: api.ts), so a
// refusal reads in the person's language too.
import i18next from 'i18next';

export type Lang = 'zh-CN' | 'en';

const en = {
  'app.title': 'Baomi console',
  'nav.events': 'Events',
  'nav.alerts': 'Alerts',
  'nav.cases': 'Cases',
  'nav.logout': 'Log out',
  'nav.logoutAll': 'Log out everywhere',
  'nav.lang': '中文',
  'login.title': 'Staff login',
  'login.name': 'Name',
  'login.password': 'Password',
  'login.submit': 'Log in',
  'login.expired': 'Your session has ended. Log in again; what you typed is kept.',
  'common.loading': 'Loading…',
  'common.more': 'Load more',
  'common.none': 'Nothing here.',
  'common.close': 'Close',
  'common.apply': 'Apply',
  'common.reset': 'Reset',
  'common.save': 'Save',
  'error.network':
    'The console cannot be reached. Check the connection; nothing was lost, try again.',
  'error.http': 'The console answered {{status}}.',
  'events.title': 'Events',
  'events.filter.agent': 'Agent id',
  'events.filter.user': 'User',
  'events.filter.type': 'Type (e.g. usb.*)',
  'events.filter.level': 'Level at least',
  'events.filter.severity': 'Severity at least',
  'events.filter.since': 'From',
  'events.filter.until': 'Until',
  'events.filter.text': 'Text',
  'events.col.time': 'Time',
  'events.col.host': 'Host',
  'events.col.user': 'User',
  'events.col.type': 'Type',
  'events.col.severity': 'Severity',
  'events.col.level': 'Level',
  'events.col.data': 'Details',
  'events.detail': 'Event {{seq}} of {{host}}',
  'events.count': '{{count}} shown',
  'alerts.title': 'Alerts',
  'alerts.col.id': 'No.',
  'alerts.col.time': 'Time',
  'alerts.col.type': 'Type',
  'alerts.col.severity': 'Severity',
  'alerts.col.stage': 'Stage',
  'alerts.col.user': 'User',
  'alerts.open': 'Open a case with the selected alerts',
  'alerts.caseTitle': 'Case title',
  'cases.title': 'Cases',
  'cases.overdue': 'Overdue only',
  'cases.col.id': 'No.',
  'cases.col.title': 'Title',
  'cases.col.stage': 'Stage',
  'cases.col.severity': 'Severity',
  'cases.col.assignee': 'Assignee',
  'cases.col.due': 'Due',
  'cases.isOverdue': 'overdue',
  'case.heading': 'Case {{id}}: {{title}}',
  'case.move': 'Move to',
  'case.note': 'Note (why)',
  'case.severity': 'Severity found',
  'case.outcome': 'What was done',
  'case.addNote': 'Add a note',
  'case.history': 'History',
  'case.alerts': 'Alerts',
  'case.events': 'Events',
  'case.outcomeShown': 'Outcome: {{outcome}}',
  'stage.预报': '预报 (forecast)',
  'stage.调查': '调查 (investigating)',
  'stage.初步评估': '初步评估 (assessed)',
  'stage.处置': '处置 (handled)',
  'stage.结案': '结案 (closed)',
  'kind.opened': 'opened',
  'kind.stage': 'moved',
  'kind.note': 'note',
  'kind.assigned': 'assigned',
  'kind.alerts': 'alerts added',
  'kind.events': 'events added',
  'assessment.confirmed': 'confirmed',
  'assessment.downgraded': 'downgraded',
  'assessment.raised': 'raised',
};

const zh: typeof en = {
  'app.title': '保密控制台',
  'nav.events': '事件',
  'nav.alerts': '告警',
  'nav.cases': '案件',
  'nav.logout': '退出登录',
  'nav.logoutAll': '退出所有登录',
  'nav.lang': 'English',
  'login.title': '工作人员登录',
  'login.name': '用户名',
  'login.password': '密码',
  'login.submit': '登录',
  'login.expired': '会话已结束，请重新登录；已输入的内容仍保留。',
  'common.loading': '正在加载…',
  'common.more': '加载更多',
  'common.none': '暂无内容。',
  'common.close': '关闭',
  'common.apply': '应用',
  'common.reset': '重置',
  'common.save': '保存',
  'error.network': '无法连接控制台。请检查网络；内容未丢失，请重试。',
  'error.http': '控制台返回 {{status}}。',
  'events.title': '事件',
  'events.filter.agent': '代理 ID',
  'events.filter.user': '用户',
  'events.filter.type': '类型（如 usb.*）',
  'events.filter.level': '密级不低于',
  'events.filter.severity': '严重程度不低于',
  'events.filter.since': '起始时间',
  'events.filter.until': '截止时间',
  'events.filter.text': '文本',
  'events.col.time': '时间',
  'events.col.host': '主机',
  'events.col.user': '用户',
  'events.col.type': '类型',
  'events.col.severity': '严重程度',
  'events.col.level': '密级',
  'events.col.data': '详情',
  'events.detail': '{{host}} 的事件 {{seq}}',
  'events.count': '已显示 {{count}} 条',
  'alerts.title': '告警',
  'alerts.col.id': '编号',
  'alerts.col.time': '时间',
  'alerts.col.type': '类型',
  'alerts.col.severity': '严重程度',
  'alerts.col.stage': '阶段',
  'alerts.col.user': '用户',
  'alerts.open': '用所选告警立案',
  'alerts.caseTitle': '案件标题',
  'cases.title': '案件',
  'cases.overdue': '仅显示逾期',
  'cases.col.id': '编号',
  'cases.col.title': '标题',
  'cases.col.stage': '阶段',
  'cases.col.severity': '严重程度',
  'cases.col.assignee': '负责人',
  'cases.col.due': '期限',
  'cases.isOverdue': '已逾期',
  'case.heading': '案件 {{id}}：{{title}}',
  'case.move': '推进到',
  'case.note': '备注（理由）',
  'case.severity': '评估后的严重程度',
  'case.outcome': '处置措施',
  'case.addNote': '添加备注',
  'case.history': '处理记录',
  'case.alerts': '告警',
  'case.events': '事件',
  'case.outcomeShown': '处置结果：{{outcome}}',
  'stage.预报': '预报',
  'stage.调查': '调查',
  'stage.初步评估': '初步评估',
  'stage.处置': '处置',
  'stage.结案': '结案',
  'kind.opened': '立案',
  'kind.stage': '推进',
  'kind.note': '备注',
  'kind.assigned': '指派',
  'kind.alerts': '加入告警',
  'kind.events': '加入事件',
  'assessment.confirmed': '确认',
  'assessment.downgraded': '降低',
  'assessment.raised': '提高',
};

export type Key = keyof typeof en;
export const CATALOGS = { en, 'zh-CN': zh } as const;

const KEY = 'baomi.lang';

function initial(): Lang {
  const kept = localStorage.getItem(KEY);
  if (kept === 'en' || kept === 'zh-CN') return kept;
  const first = navigator.languages?.[0] ?? navigator.language ?? 'en';
  return /^zh\b/i.test(first) ? 'zh-CN' : 'en';
}

await i18next.init({
  lng: initial(),
  fallbackLng: 'en',
  resources: { en: { translation: en }, 'zh-CN': { translation: zh } },
  interpolation: { escapeValue: false }, // Preact renders text, never HTML
});

export function t(key: Key, params?: Record<string, string | number>): string {
  return i18next.t(key, params);
}

export function lang(): Lang {
  return i18next.language === 'zh-CN' ? 'zh-CN' : 'en';
}

export async function setLang(l: Lang): Promise<void> {
  localStorage.setItem(KEY, l);
  document.documentElement.lang = l;
  await i18next.changeLanguage(l);
}
