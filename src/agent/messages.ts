// Catalogues of everything the agent layer (and the core beneath it) can say, merged for
// translators above it. The agent's own strings are here; modules keep theirs beside them.
import { alertMessages } from '../core/alerts/messages.js';
import { createTranslator, type Translate } from '../core/i18n/translate.js';
import type { Catalog, Lang } from '../core/i18n/types.js';
import { formatPolicyMessage, policyMessageKey } from '../core/policy/format.js';
import { policyMessages } from '../core/policy/messages.js';
import { protocolMessages } from '../core/protocol/catalog.js';
import { policyAgentMessages } from './policy/messages.js';
import { socketMessages } from './socket/messages.js';
import { storeMessages } from './store/messages.js';

export const agentMessages: Catalog = {
  en: {
    POLICY_FILE_MISSING:
      'The policy file {{file}} is missing. The last good policy stays in force; put a signed policy back at that path.',
    POLICY_NOT_A_FILE:
      '{{file}} is not a regular file (a directory?). The last good policy stays in force; replace it with a signed policy file.',
    POLICY_READ_FAILED:
      'Cannot read the policy file {{file}} ({{reason}}). The last good policy stays in force; check its permissions.',
    AGENT_ALREADY_RUNNING:
      'Another agent (pid {{pid}}) is already using {{dataDir}}. Stop it first, or give this one its own --data-dir and --socket.',
    AGENT_MODULE_CONFLICT:
      'Internal error: two agent modules serve "{{type}}" (the second is {{module}}). Report this as a bug.',
    AGENT_SOCKET_IN_USE:
      'Another agent is already answering on {{socket}}. Stop it first, or give this one its own --socket DIR.',
    AGENT_SOCKET_FAILED:
      'Cannot create the socket {{socket}} ({{reason}}). Check that its folder can be written, or pass --socket DIR.',
    AGENT_SOCKET_DIR_UNSAFE:
      'The socket folder {{dir}} is not safe to use (owner uid {{owner}}, mode {{mode}}): it must be a directory owned by this user or root that no other user can write. Remove it and start again, or pass --socket DIR.',
    'agent.banner.started': 'Baomi agent {{version}} running as {{user}} (pid {{pid}}).',
    'agent.banner.data': '  Event database: {{db}}',
    'agent.banner.log': '  Agent log:      {{log}}',
    'agent.banner.policy': '  Policy file:    {{file}}',
    'agent.banner.inForce': '  Policy in force: {{name}} (version {{version}})',
    'agent.banner.noPolicy':
      '  Policy in force: none yet (waiting for a valid signed policy at the path above)',
    'agent.banner.sockets': '  Sockets:        {{agent}} (any user), {{admin}} (admin)',
    'agent.banner.demo': '  DEMO key trusted (--trust-demo): for development only.',
    'agent.banner.look':
      '  Look at events: npx baomi events{{where}}   ·   status: npx baomi status{{where}}   ·   verify: npx baomi verify{{where}}',
    'agent.banner.folder': '  Classified folder: {{path}} [{{level}}]',
    'agent.banner.problem': '  ! {{text}}',
    'agent.banner.stop':
      '  Press Ctrl-C to stop; every event is flushed and agent.stopped recorded.',
    'agent.policyApplied': 'Policy applied: {{name}} (version {{version}}).',
    'agent.policyRejected': 'Policy refused: {{reason}}',
    'agent.stopped': 'Baomi agent stopped ({{signal}}); every event is on disk.',
  },
  'zh-CN': {
    POLICY_FILE_MISSING:
      '策略文件 {{file}} 不存在。上一个有效策略继续生效；请把已签名的策略放回该路径。',
    POLICY_NOT_A_FILE:
      '{{file}} 不是普通文件（是目录？）。上一个有效策略继续生效；请换成已签名的策略文件。',
    POLICY_READ_FAILED:
      '无法读取策略文件 {{file}}（{{reason}}）。上一个有效策略继续生效；请检查其权限。',
    AGENT_ALREADY_RUNNING:
      '已有另一个代理（进程号 {{pid}}）在使用 {{dataDir}}。请先停止它，或为本代理另行指定 --data-dir 和 --socket。',
    AGENT_MODULE_CONFLICT:
      '内部错误：两个代理模块都处理“{{type}}”请求（第二个是 {{module}}）。请报告此缺陷。',
    AGENT_SOCKET_IN_USE:
      '已有另一个代理在 {{socket}} 上应答。请先停止它，或为本代理另行指定 --socket DIR。',
    AGENT_SOCKET_FAILED:
      '无法创建套接字 {{socket}}（{{reason}}）。请确认其目录可写，或指定 --socket DIR。',
    AGENT_SOCKET_DIR_UNSAFE:
      '套接字目录 {{dir}} 不安全（属主 uid {{owner}}，权限 {{mode}}）：它必须是本用户或 root 所有、其他用户不可写的目录。请删除后重新启动，或指定 --socket DIR。',
    'agent.banner.started': '保密代理 {{version}} 正以 {{user}} 身份运行（进程号 {{pid}}）。',
    'agent.banner.data': '  事件数据库：{{db}}',
    'agent.banner.log': '  代理日志：  {{log}}',
    'agent.banner.policy': '  策略文件：  {{file}}',
    'agent.banner.inForce': '  生效策略：  {{name}}（版本 {{version}}）',
    'agent.banner.noPolicy': '  生效策略：  暂无（等待上述路径出现有效的已签名策略）',
    'agent.banner.sockets': '  套接字：    {{agent}}（所有用户），{{admin}}（管理员）',
    'agent.banner.demo': '  已信任 DEMO 密钥（--trust-demo）：仅供开发使用。',
    'agent.banner.look':
      '  查看事件：npx baomi events{{where}}   ·   状态：npx baomi status{{where}}   ·   校验：npx baomi verify{{where}}',
    'agent.banner.folder': '  涉密目录：  {{path}} [{{level}}]',
    'agent.banner.problem': '  ！{{text}}',
    'agent.banner.stop': '  按 Ctrl-C 停止；所有事件都会写入磁盘并记录 agent.stopped。',
    'agent.policyApplied': '已应用策略：{{name}}（版本 {{version}}）。',
    'agent.policyRejected': '已拒绝策略：{{reason}}',
    'agent.stopped': '保密代理已停止（{{signal}}）；所有事件均已写入磁盘。',
  },
};

export const agentCatalogs: readonly Catalog[] = [
  policyMessages,
  policyAgentMessages,
  storeMessages,
  alertMessages,
  agentMessages,
  protocolMessages,
  socketMessages,
];

/**
 * A translator over every catalogue of the agent and core plus `extra`. Policy error codes
 * (POLICY_UNKNOWN_KEY) are keyed in the policy catalogue by their camelCase name and carry
 * a line/column; they go through the policy formatter so "where" reads the same everywhere.
 */
export function createAgentTranslator(lang: Lang, extra: readonly Catalog[] = []): Translate {
  const t = createTranslator(lang, [...agentCatalogs, ...extra]);
  const policyKeys = new Set(Object.keys(policyMessages.en));
  return (key, params = {}) =>
    key.startsWith('POLICY_') && policyKeys.has(policyMessageKey(key, params as never))
      ? formatPolicyMessage(lang, key, params as never)
      : t(key, params);
}

let english: Translate | null = null;

/** The English text of a code, written into events so a raw log is readable anywhere. */
export function englishReason(code: string, params: Record<string, unknown>): string {
  english ??= createAgentTranslator('en');
  return english(code, params);
}
