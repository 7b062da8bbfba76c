// Catalogues of everything the agent layer (and the core beneath it) can say, merged for
// translators above it. The agent's own strings are here; modules keep theirs beside them.
import type { AgentErrorCode } from '../core/codes/index.js';
import { coreCatalogs, createCoreTranslator } from '../core/i18n/catalogs.js';
import type { Translate } from '../core/i18n/translate.js';
import type { Catalog, CodeCatalog, Lang } from '../core/i18n/types.js';
import type { UsbReasonCode } from '../core/usb/reasons.js';
import { storeMessages } from './store/messages.js';

export const agentMessages: Catalog = {
  en: {
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
    SEAT_TOKEN_UNSAFE:
      'Not writing the seat token at {{path}} ({{reason}}): a link, another owner or a folder others can write is in the way. The person at the console is treated as anyone else on agent.sock until it is fixed.',
    SEAT_TOKEN_NO_DIR:
      'Not writing the seat token: the folder {{path}} does not exist (the seat user has no logind session?). The person at the console is treated as anyone else on agent.sock.',
    SEAT_TOKEN_NO_UID:
      'Cannot write a seat token for {{user}}: the session source did not say which uid they have.',
    SEAT_TOKEN_FOREIGN:
      "Cannot write a seat token for {{user}} (uid {{uid}}): an agent that is not root writes only its own user's token.",
    'agent.banner.started': 'Baomi agent {{version}} running as {{user}} (pid {{pid}}).',
    'agent.banner.data': '  Event database: {{db}}',
    'agent.banner.log': '  Agent log:      {{log}}',
    'agent.banner.policy': '  Policy file:    {{file}}',
    'agent.banner.inForce': '  Policy in force: {{name}} (version {{version}})',
    'agent.banner.noPolicy':
      '  Policy in force: none yet (waiting for a valid signed policy at the path above)',
    'agent.banner.sockets': '  Sockets:        {{agent}} (any user), {{admin}} (admin)',
    'agent.banner.demo': '  DEMO key trusted (--trust-demo): for development only.',
    'agent.banner.usbOn':
      '  USB storage:    enforced (ports sealed; new devices wait until decided)',
    'agent.banner.usbOff': '  USB storage:    not enforced: {{reason}}',
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
    SEAT_TOKEN_UNSAFE:
      '未在 {{path}} 写入席位令牌（{{reason}}）：路径上有符号链接、属于他人或他人可写的目录。修复之前，当前登录者在 agent.sock 上与其他用户同等对待。',
    SEAT_TOKEN_NO_DIR:
      '未写入席位令牌：目录 {{path}} 不存在（当前登录者没有 logind 会话？）。当前登录者在 agent.sock 上与其他用户同等对待。',
    SEAT_TOKEN_NO_UID: '无法为 {{user}} 写入席位令牌：会话来源未提供其 uid。',
    SEAT_TOKEN_FOREIGN:
      '无法为 {{user}}（uid {{uid}}）写入席位令牌：非 root 运行的代理只能写入自己用户的令牌。',
    'agent.banner.started': '保密代理 {{version}} 正以 {{user}} 身份运行（进程号 {{pid}}）。',
    'agent.banner.data': '  事件数据库：{{db}}',
    'agent.banner.log': '  代理日志：  {{log}}',
    'agent.banner.policy': '  策略文件：  {{file}}',
    'agent.banner.inForce': '  生效策略：  {{name}}（版本 {{version}}）',
    'agent.banner.noPolicy': '  生效策略：  暂无（等待上述路径出现有效的已签名策略）',
    'agent.banner.sockets': '  套接字：    {{agent}}（所有用户），{{admin}}（管理员）',
    'agent.banner.demo': '  已信任 DEMO 密钥（--trust-demo）：仅供开发使用。',
    'agent.banner.usbOn': '  USB 存储：  已管控（端口已封闭，新设备判定前保持未授权）',
    'agent.banner.usbOff': '  USB 存储：  未管控：{{reason}}',
    'agent.banner.look':
      '  查看事件：npx baomi events{{where}}   ·   状态：npx baomi status{{where}}   ·   校验：npx baomi verify{{where}}',
    'agent.banner.folder': '  涉密目录：  {{path}} [{{level}}]',
    'agent.banner.problem': '  ！{{text}}',
    'agent.banner.stop': '  按 Ctrl-C 停止；所有事件都会写入磁盘并记录 agent.stopped。',
    'agent.policyApplied': '已应用策略：{{name}}（版本 {{version}}）。',
    'agent.policyRejected': '已拒绝策略：{{reason}}',
    'agent.stopped': '保密代理已停止（{{signal}}）；所有事件均已写入磁盘。',
  },
} satisfies Catalog & CodeCatalog<Exclude<AgentErrorCode, UsbReasonCode>>;

export const agentCatalogs: readonly Catalog[] = [...coreCatalogs, storeMessages, agentMessages];

/** A translator over every catalogue of the agent and core plus `extra`. */
export function createAgentTranslator(lang: Lang, extra: readonly Catalog[] = []): Translate {
  return createCoreTranslator(lang, [storeMessages, agentMessages, ...extra]);
}
