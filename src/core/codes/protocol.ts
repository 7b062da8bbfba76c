// Codes of the local sockets and their text. PROTOCOL_* (and AGENT_STARTING) are answered by
// the agent over the socket (core/protocol, src/agent/socket); SOCKET_* are raised by the
// client (src/ipc) when it cannot get an answer. The CLI and the tray both show them, and the
// tray imports only core and ipc, so the text is here, checked complete by the compiler.
import type { Catalog, CodeCatalog } from '../i18n/types.js';

export const PROTOCOL_ERROR_CODES = [
  'PROTOCOL_ADMIN_ONLY',
  'PROTOCOL_BAD_JSON',
  'PROTOCOL_BAD_REQUEST',
  'PROTOCOL_UNKNOWN_TYPE',
  'PROTOCOL_TOO_LARGE',
  'PROTOCOL_INTERNAL',
  /** The agent answered with a code this client does not know (a newer agent). */
  'PROTOCOL_UNKNOWN_ERROR',
  /** A request type the protocol has that no module of this agent serves (yet). */
  'PROTOCOL_UNSUPPORTED',
  /** Seat-user requests (idle.report…) on agent.sock without a valid seat token. */
  'PROTOCOL_SEAT_REQUIRED',
  /** The sockets are claimed; the store and modules are still starting. */
  'AGENT_STARTING',
] as const;
export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number];

export const SOCKET_ERROR_CODES = [
  'SOCKET_UNREACHABLE',
  'SOCKET_DENIED',
  'SOCKET_TIMEOUT',
  'SOCKET_UNTRUSTED',
  'SOCKET_CLOSED',
  'SOCKET_BAD_REPLY',
  'SOCKET_AGENT_STARTING',
  'SOCKET_SUBSCRIBED',
] as const;
export type SocketErrorCode = (typeof SOCKET_ERROR_CODES)[number];

export const protocolMessages = {
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
    SOCKET_UNREACHABLE:
      'Cannot reach the agent on {{socket}} ({{reason}}). Is the agent running? Or pass --data-dir DIR.',
    SOCKET_DENIED:
      'Not allowed to use {{socket}}: it is for administrators. Use sudo, or agent.sock for your own events.',
    SOCKET_TIMEOUT:
      'The agent on {{socket}} did not answer within {{seconds}} s; check the agent log.',
    SOCKET_UNTRUSTED:
      'Refusing {{socket}}: it belongs to uid {{owner}}, not to root or you, so it may not be the agent. Tell your security team; to read the log directly, pass --data-dir DIR.',
    SOCKET_CLOSED: 'The connection to the agent on {{socket}} closed before it answered.',
    SOCKET_BAD_REPLY:
      'The agent on {{socket}} answered something that is not its protocol; is it really the Baomi agent, of the same version?',
    SOCKET_AGENT_STARTING:
      'The agent on {{socket}} was still starting after {{seconds}} s; check the agent log.',
    SOCKET_SUBSCRIBED: 'This connection to {{socket}} already follows events; close that first.',
    PROTOCOL_UNKNOWN_ERROR:
      'The agent answered with an error this command does not know ({{code}}); are the CLI and the agent the same version?',
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
    SOCKET_UNREACHABLE:
      '无法通过 {{socket}} 连接代理（{{reason}}）。代理是否在运行？也可指定 --data-dir DIR。',
    SOCKET_DENIED:
      '无权使用 {{socket}}：它仅供管理员使用。请用 sudo，或用 agent.sock 查看自己的事件。',
    SOCKET_TIMEOUT: '{{socket}} 上的代理 {{seconds}} 秒内没有应答；请查看代理日志。',
    SOCKET_UNTRUSTED:
      '拒绝使用 {{socket}}：它属于 uid {{owner}}，既不是 root 也不是你，可能不是代理。请告知安全管理人员；如需直接读取日志，请指定 --data-dir DIR。',
    SOCKET_CLOSED: '与 {{socket}} 上代理的连接在应答前已关闭。',
    SOCKET_BAD_REPLY: '{{socket}} 上的应答不符合代理协议；它确实是版本一致的保密代理吗？',
    SOCKET_AGENT_STARTING: '{{socket}} 上的代理 {{seconds}} 秒后仍在启动；请查看代理日志。',
    SOCKET_SUBSCRIBED: '到 {{socket}} 的这个连接已在跟踪事件；请先关闭它。',
    PROTOCOL_UNKNOWN_ERROR:
      '代理返回了本命令不认识的错误（{{code}}）；命令行工具与代理的版本是否一致？',
  },
} satisfies Catalog & CodeCatalog<ProtocolErrorCode | SocketErrorCode>;
