// What the local-socket client can fail with, in both languages (by stable code). The CLI
// and the tray merge this with the protocol's catalogue (src/core/protocol/catalog.ts).
import type { Catalog } from '../core/i18n/types.js';

export const ipcMessages: Catalog = {
  en: {
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
  },
  'zh-CN': {
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
  },
};
