import type { AlertErrorCode } from '../codes/alerts.js';
import type { Catalog, CodeCatalog } from '../i18n/types.js';

// `index` is the rule's position in the policy's `alerts` list (0-based), shown the way IT
// would find it in the file.
export const alertMessages: Catalog = {
  en: {
    'alert.summary':
      '{{count}} {{match}} events at level {{level}} or higher within {{within}} (policy alerts[{{index}}])',
    'alert.summaryAnyLevel':
      '{{count}} {{match}} events within {{within}} (policy alerts[{{index}}])',
    'alert.summaryUser':
      '{{count}} {{match}} events at level {{level}} or higher within {{within}} while {{user}} was at the console (policy alerts[{{index}}], counted per user)',
    'alert.summaryAnyLevelUser':
      '{{count}} {{match}} events within {{within}} while {{user}} was at the console (policy alerts[{{index}}], counted per user)',
    'alert.invalidRule':
      'Alert rule alerts[{{index}}] has an invalid {{field}}; fix the policy and sign it again',
    'alert.badTime':
      'Alert engine was given an invalid time ({{now}}); this is a bug in the caller',
  },
  'zh-CN': {
    'alert.summary':
      '{{within}}内发生 {{count}} 次 {{match}} 事件，涉及 {{level}} 级及以上（策略 alerts[{{index}}]）',
    'alert.summaryAnyLevel':
      '{{within}}内发生 {{count}} 次 {{match}} 事件（策略 alerts[{{index}}]）',
    'alert.summaryUser':
      '{{user}} 在电脑前时，{{within}}内发生 {{count}} 次 {{match}} 事件，涉及 {{level}} 级及以上（策略 alerts[{{index}}]，按用户计数）',
    'alert.summaryAnyLevelUser':
      '{{user}} 在电脑前时，{{within}}内发生 {{count}} 次 {{match}} 事件（策略 alerts[{{index}}]，按用户计数）',
    'alert.invalidRule': '预警规则 alerts[{{index}}] 的 {{field}} 无效；请修改策略并重新签名',
    'alert.badTime': '预警引擎收到无效时间（{{now}}）；这是调用方的缺陷',
  },
} satisfies Catalog & CodeCatalog<AlertErrorCode>;
