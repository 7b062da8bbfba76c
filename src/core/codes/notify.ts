// Codes of the console's alert notifications (src/console/notify): why a delivery was not made
// (yet). A delivery row keeps the code as `lastError` and the peer's own words (an SMTP reply,
// an HTTP status, a socket error) as `lastDetail`; a `notify.failed` alert carries both. The
// text is here in core because the console (its API, a web UI later) renders them.
//
// Never a secret in {{detail}}: the notifier removes the webhook key, the SMTP password and
// the webhook URL from what a peer or a library said before it is stored or logged.
import type { Catalog, CodeCatalog } from '../i18n/types.js';

export const NOTIFY_CODES = [
  /** The peer did not answer within the channel's timeout (connect, TLS, reply). */
  'NOTIFY_TIMEOUT',
  /** The webhook answered, but not 2xx (a redirect included: it is not followed). */
  'NOTIFY_HTTP_STATUS',
  /** No connection: refused, DNS, TLS (an untrusted certificate), reset. */
  'NOTIFY_UNREACHABLE',
  /** The mail server refused (a 4xx/5xx reply, authentication, a recipient). */
  'NOTIFY_SMTP_REFUSED',
  /** The key or password file cannot be read now, or the key is too short. */
  'NOTIFY_SECRET_UNREADABLE',
  /** The console stopped (or lost its claim) while sending: the outcome is unknown. */
  'NOTIFY_INTERRUPTED',
  /** Not sent: older than notify.maxAge when the notifier first saw it. */
  'NOTIFY_TOO_OLD',
  /** The delivery names a channel the configuration no longer has. */
  'NOTIFY_NO_CHANNEL',
] as const;
export type NotifyCode = (typeof NOTIFY_CODES)[number];

export const notifyCodeMessages = {
  en: {
    NOTIFY_TIMEOUT: 'The channel {{channel}} did not answer in time ({{detail}}).',
    NOTIFY_HTTP_STATUS:
      'The webhook of the channel {{channel}} answered {{detail}}; only a 2xx answer counts as delivered.',
    NOTIFY_UNREACHABLE: 'The channel {{channel}} cannot be reached: {{detail}}.',
    NOTIFY_SMTP_REFUSED: 'The mail server of the channel {{channel}} refused: {{detail}}.',
    NOTIFY_SECRET_UNREADABLE:
      'The key or password file of the channel {{channel}} cannot be used: {{detail}}.',
    NOTIFY_INTERRUPTED:
      'The console stopped while sending over the channel {{channel}} ({{detail}}); the outcome is unknown, so it is sent again.',
    NOTIFY_TOO_OLD:
      'Not sent over the channel {{channel}}: the alert was older than notify.maxAge when the notifier first saw it ({{detail}}).',
    NOTIFY_NO_CHANNEL:
      'The channel {{channel}} is no longer in the configuration ({{detail}}); nothing can be sent over it.',
  },
  'zh-CN': {
    NOTIFY_TIMEOUT: '通知渠道 {{channel}} 未在规定时间内应答（{{detail}}）。',
    NOTIFY_HTTP_STATUS:
      '通知渠道 {{channel}} 的 Webhook 应答为 {{detail}}；只有 2xx 应答才算送达。',
    NOTIFY_UNREACHABLE: '无法连接通知渠道 {{channel}}：{{detail}}。',
    NOTIFY_SMTP_REFUSED: '通知渠道 {{channel}} 的邮件服务器拒绝：{{detail}}。',
    NOTIFY_SECRET_UNREADABLE: '通知渠道 {{channel}} 的密钥或密码文件无法使用：{{detail}}。',
    NOTIFY_INTERRUPTED:
      '通过通知渠道 {{channel}} 发送时控制台停止（{{detail}}）；结果未知，因此会重新发送。',
    NOTIFY_TOO_OLD:
      '未通过通知渠道 {{channel}} 发送：通知程序首次发现该告警时，它已超过 notify.maxAge（{{detail}}）。',
    NOTIFY_NO_CHANNEL: '配置中已没有通知渠道 {{channel}}（{{detail}}）；无法通过它发送。',
  },
} satisfies Catalog & CodeCatalog<NotifyCode>;
