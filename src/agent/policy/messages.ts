// Messages of the agent's policy watcher that are not about the policy file's content.
import type { Catalog } from '../../core/i18n/types.js';

export const policyAgentMessages: Catalog = {
  en: {
    POLICY_JUDGE_FAILED:
      'The policy {{file}} could not be checked ({{reason}}). It was not applied; the last good policy stays in force. The agent tries again within a minute; if this persists, see the agent log.',
    POLICY_STORED_UNTRUSTED:
      'The policy in force at the last run (version {{version}}) is not signed by a key trusted in this run, so it is not in force now: the agent runs on the fail-closed defaults (USB storage blocked, no folder watched). Deploy a policy signed by a trusted key; the DEMO policy is in force only with --trust-demo.',
  },
  'zh-CN': {
    POLICY_JUDGE_FAILED:
      '无法检查策略 {{file}}（{{reason}}），未予应用；上一个有效策略继续生效。代理会在一分钟内重试；如持续出现，请查看代理日志。',
    POLICY_STORED_UNTRUSTED:
      '上次生效的策略（版本 {{version}}）并非由本次运行所信任的密钥签名，因此现在不生效：代理按故障安全的默认值运行（USB 存储阻断，不监视任何目录）。请部署由受信任密钥签名的策略；演示策略仅在使用 --trust-demo 时生效。',
  },
};
