// What the socket layer of the agent says in its log and at start, in both languages.
import type { Catalog } from '../../core/i18n/types.js';

export const socketMessages: Catalog = {
  en: {
    SEAT_TOKEN_UNSAFE:
      'Not writing the seat token at {{path}} ({{reason}}): a link, another owner or a folder others can write is in the way. The person at the console is treated as anyone else on agent.sock until it is fixed.',
    SEAT_TOKEN_NO_DIR:
      'Not writing the seat token: the folder {{path}} does not exist (the seat user has no logind session?). The person at the console is treated as anyone else on agent.sock.',
    SEAT_TOKEN_NO_UID:
      'Cannot write a seat token for {{user}}: the session source did not say which uid they have.',
    SEAT_TOKEN_FOREIGN:
      "Cannot write a seat token for {{user}} (uid {{uid}}): an agent that is not root writes only its own user's token.",
  },
  'zh-CN': {
    SEAT_TOKEN_UNSAFE:
      '未在 {{path}} 写入席位令牌（{{reason}}）：路径上有符号链接、属于他人或他人可写的目录。修复之前，当前登录者在 agent.sock 上与其他用户同等对待。',
    SEAT_TOKEN_NO_DIR:
      '未写入席位令牌：目录 {{path}} 不存在（当前登录者没有 logind 会话？）。当前登录者在 agent.sock 上与其他用户同等对待。',
    SEAT_TOKEN_NO_UID: '无法为 {{user}} 写入席位令牌：会话来源未提供其 uid。',
    SEAT_TOKEN_FOREIGN:
      '无法为 {{user}}（uid {{uid}}）写入席位令牌：非 root 运行的代理只能写入自己用户的令牌。',
  },
};
