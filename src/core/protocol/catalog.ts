// What the agent's socket answers can mean, in both languages (errors by stable code). Every
// client of the protocol (the CLI, the tray) merges this catalogue.
import type { Catalog } from '../i18n/types.js';

export const protocolMessages: Catalog = {
  en: {
    PROTOCOL_ADMIN_ONLY:
      'This request is for administrators: use admin.sock (as root) or --data-dir.',
    PROTOCOL_BAD_JSON: 'The agent could not read the request (not JSON).',
    PROTOCOL_BAD_REQUEST: 'The agent could not read the request (missing id or fields).',
    PROTOCOL_UNKNOWN_TYPE:
      'The agent does not know this request; are the CLI and the agent the same version?',
    PROTOCOL_TOO_LARGE: 'The request was larger than 1 MiB and was refused.',
    PROTOCOL_INTERNAL: 'The agent failed to answer; see its log.',
    PROTOCOL_UNSUPPORTED:
      'The agent knows the request "{{type}}" but does not serve it yet; update the agent.',
    PROTOCOL_SEAT_REQUIRED:
      'Only the person logged in at this computer may make this request (from their own session, where the Baomi tray runs).',
    AGENT_STARTING: 'The agent is still starting; ask again in a moment.',
  },
  'zh-CN': {
    PROTOCOL_ADMIN_ONLY: '该请求仅限管理员：请（以 root 身份）使用 admin.sock 或 --data-dir。',
    PROTOCOL_BAD_JSON: '代理无法读取该请求（不是 JSON）。',
    PROTOCOL_BAD_REQUEST: '代理无法读取该请求（缺少 id 或字段）。',
    PROTOCOL_UNKNOWN_TYPE: '代理不认识该请求；命令行工具与代理的版本是否一致？',
    PROTOCOL_TOO_LARGE: '请求超过 1 MiB，已被拒绝。',
    PROTOCOL_INTERNAL: '代理应答失败；请查看其日志。',
    PROTOCOL_UNSUPPORTED: '代理认识请求“{{type}}”，但尚不支持；请升级代理。',
    PROTOCOL_SEAT_REQUIRED:
      '只有当前登录本机的人员才能发出该请求（须在其本人会话中，即运行保密托盘程序的会话）。',
    AGENT_STARTING: '代理仍在启动中；请稍后再试。',
  },
};
