// Messages of the agent's policy watcher that are not about the policy file's content.
import type { Catalog } from '../../core/i18n/types.js';

export const policyAgentMessages: Catalog = {
  en: {
    POLICY_JUDGE_FAILED:
      'The policy {{file}} could not be checked ({{reason}}). It was not applied; the last good policy stays in force. The agent tries again within a minute; if this persists, see the agent log.',
  },
  'zh-CN': {
    POLICY_JUDGE_FAILED:
      '无法检查策略 {{file}}（{{reason}}），未予应用；上一个有效策略继续生效。代理会在一分钟内重试；如持续出现，请查看代理日志。',
  },
};
