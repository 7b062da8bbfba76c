// Codes of the agent's side of the console (issue 11): `baomi enroll` (src/cli/commands/enroll.ts,
// src/agent/sync/enroll.ts) and the sync module (src/agent/modules/sync.ts). ENROLL_* are
// raised by the enroll command; SYNC_* are the sync module's `lastError` in `status`, which
// the CLI and the tray show, so both texts are here in core.
import type { Catalog, CodeCatalog } from '../i18n/types.js';

export const SYNC_ERROR_CODES = [
  'ENROLL_BAD_URL',
  /** http:// to a host that is not this computer: the token and events would travel in clear. */
  'ENROLL_INSECURE_URL',
  'ENROLL_BAD_CA',
  'ENROLL_ALREADY',
  'ENROLL_NO_TOKEN',
  /** No connection to the console (refused, timed out, TLS: the certificate is not the pinned one). */
  'ENROLL_UNREACHABLE',
  /** The console refused the enrollment token (401/403). */
  'ENROLL_REFUSED',
  /** Any other answer than success. */
  'ENROLL_FAILED',
  'ENROLL_BAD_RESPONSE',
  /** trust/exceptions/console.pub holds another key (another console?). */
  'ENROLL_KEY_CONFLICT',
  'ENROLL_WRITE_FAILED',
  /** No connection: refused, timed out, DNS, TLS (the certificate does not chain to the pin). */
  'SYNC_UNREACHABLE',
  /** 401/403: the console revoked this agent or does not know its key. */
  'SYNC_REVOKED',
  'SYNC_RATE_LIMITED',
  /** 503 CONSOLE_BUSY: the console shed the request unread because it is loaded. */
  'SYNC_BUSY',
  /** Any other answer than 200. */
  'SYNC_HTTP',
  'SYNC_BAD_RESPONSE',
  /** The console acknowledged a seq this agent never stored. */
  'SYNC_ACK_ABOVE_HEAD',
  /** enrollment.json or agent.key cannot be read. */
  'SYNC_ENROLLMENT_UNREADABLE',
  /** One event alone is larger than the console accepts in a request. */
  'SYNC_EVENT_TOO_LARGE',
  /** A round failed on this side (the store refused a write): said, and tried again later. */
  'SYNC_ROUND_FAILED',
] as const;
export type SyncErrorCode = (typeof SYNC_ERROR_CODES)[number];

export const syncMessages = {
  en: {
    ENROLL_BAD_URL:
      '"{{url}}" is not a console address: give https://HOST[:PORT] (http:// only for this computer).',
    ENROLL_INSECURE_URL:
      'Refusing http:// to {{host}}: the enrollment token, this computer’s events and the console’s answers would cross the network unencrypted and unauthenticated. Use https:// (with --ca FILE for a private certificate authority); plain http:// is allowed only for this computer (localhost, 127.0.0.1, ::1).',
    ENROLL_BAD_CA:
      'Cannot use --ca {{file}} ({{reason}}): give the PEM file of the certificate (or its authority) that the console presents.',
    ENROLL_ALREADY:
      'This agent is already enrolled with {{console}} as {{agentId}} (since {{at}}). To enroll again (it gets a new identity; ask staff to revoke the old one), add --force.',
    ENROLL_UNREACHABLE:
      'Cannot reach the console {{url}} ({{reason}}). Nothing was written. Check the address, that the console runs, and (with --ca) that its certificate is the one pinned.',
    ENROLL_NO_TOKEN:
      'No enrollment token: give --token TOKEN, or --token - with the token on standard input.',
    ENROLL_REFUSED:
      'The console refused the enrollment token (HTTP {{status}}: {{message}}). It may be wrong, used up, expired or revoked: ask the console’s staff for a new one.',
    ENROLL_FAILED:
      'The console did not enroll this agent (HTTP {{status}}: {{message}}). Nothing was written.',
    ENROLL_BAD_RESPONSE:
      'The console’s answer is not an enrollment ({{reason}}). Is {{url}} a Baomi console of this version? Nothing was written.',
    ENROLL_KEY_CONFLICT:
      '{{file}} already holds another exception key (fingerprint {{existing}}); the console gave {{given}}. Nothing was written, but the console has registered this agent as {{agentId}}: ask its staff to revoke it. If the console’s key really changed, enroll again with a new token and --replace-exception-key.',
    ENROLL_WRITE_FAILED: 'Cannot write {{file}} ({{reason}}).',
    SYNC_UNREACHABLE:
      'Cannot reach the console {{console}} ({{reason}}); events stay here and are sent when it answers.',
    SYNC_REVOKED:
      'The console {{console}} refused this agent (HTTP {{status}}: {{message}}): it was revoked or its key is not known there. Events stay here; enroll again (baomi enroll --force) with a new token if it was revoked.',
    SYNC_RATE_LIMITED:
      'The console {{console}} asked this agent to slow down (HTTP 429); it tries again later.',
    SYNC_BUSY:
      'The console {{console}} is busy with other agents and asked this one to call again later; events stay here until then.',
    SYNC_HTTP: 'The console {{console}} answered HTTP {{status}}: {{message}}',
    SYNC_BAD_RESPONSE:
      'The console {{console}} sent an answer this agent cannot read ({{reason}}); nothing was acknowledged.',
    SYNC_ACK_ABOVE_HEAD:
      'The console {{console}} acknowledged event {{acked}}, but this agent has stored only {{head}}: not recorded (is the console holding another agent’s events, or was this data dir replaced?).',
    SYNC_ENROLLMENT_UNREADABLE:
      'Cannot read {{file}} ({{reason}}): nothing is sent. Enroll again with baomi enroll --force.',
    SYNC_EVENT_TOO_LARGE:
      'Event {{seq}} is larger than one request to the console may be ({{bytes}} bytes); it cannot be sent.',
    SYNC_ROUND_FAILED:
      'Syncing failed on this computer ({{reason}}); nothing was acknowledged, and it is tried again with back-off. See the agent log.',
  },
  'zh-CN': {
    ENROLL_BAD_URL: '“{{url}}”不是控制台地址：请给出 https://主机[:端口]（http:// 仅限本机）。',
    ENROLL_INSECURE_URL:
      '拒绝使用 http:// 连接 {{host}}：注册令牌、本机事件和控制台的应答将以未加密、未认证的方式在网络上传输。请使用 https://（私有证书颁发机构请加 --ca FILE）；http:// 仅允许用于本机（localhost、127.0.0.1、::1）。',
    ENROLL_BAD_CA:
      '无法使用 --ca {{file}}（{{reason}}）：请给出控制台所出示证书（或其颁发机构）的 PEM 文件。',
    ENROLL_ALREADY:
      '本代理已于 {{at}} 注册到 {{console}}，标识为 {{agentId}}。如需重新注册（将获得新的标识；请联系管理人员吊销旧标识），请加 --force。',
    ENROLL_UNREACHABLE:
      '无法连接控制台 {{url}}（{{reason}}）。未写入任何文件。请检查地址、控制台是否在运行，以及（使用 --ca 时）其证书是否为所固定的证书。',
    ENROLL_NO_TOKEN: '缺少注册令牌：请给出 --token TOKEN，或用 --token - 从标准输入读取令牌。',
    ENROLL_REFUSED:
      '控制台拒绝了该注册令牌（HTTP {{status}}：{{message}}）。令牌可能有误、已用完、已过期或已吊销：请向控制台管理人员索取新令牌。',
    ENROLL_FAILED: '控制台未能注册本代理（HTTP {{status}}：{{message}}）。未写入任何文件。',
    ENROLL_BAD_RESPONSE:
      '控制台的应答不是注册结果（{{reason}}）。{{url}} 是否为同版本的保密控制台？未写入任何文件。',
    ENROLL_KEY_CONFLICT:
      '{{file}} 中已有另一把例外公钥（指纹 {{existing}}），而控制台给出的是 {{given}}。未写入任何文件，但控制台已将本代理登记为 {{agentId}}：请联系管理人员吊销。如确是控制台的密钥已更换，请用新令牌加 --replace-exception-key 重新注册。',
    ENROLL_WRITE_FAILED: '无法写入 {{file}}（{{reason}}）。',
    SYNC_UNREACHABLE:
      '无法连接控制台 {{console}}（{{reason}}）；事件保留在本机，待控制台应答后再发送。',
    SYNC_REVOKED:
      '控制台 {{console}} 拒绝了本代理（HTTP {{status}}：{{message}}）：本代理已被吊销，或控制台不认识其密钥。事件保留在本机；如已被吊销，请用新令牌重新注册（baomi enroll --force）。',
    SYNC_RATE_LIMITED: '控制台 {{console}} 要求本代理放慢速度（HTTP 429）；稍后重试。',
    SYNC_BUSY:
      '控制台 {{console}} 正忙于处理其他终端，要求本代理稍后再联系；在此之前事件保留在本机。',
    SYNC_HTTP: '控制台 {{console}} 应答 HTTP {{status}}：{{message}}',
    SYNC_BAD_RESPONSE: '控制台 {{console}} 的应答无法解读（{{reason}}）；未确认任何事件。',
    SYNC_ACK_ABOVE_HEAD:
      '控制台 {{console}} 确认到事件 {{acked}}，但本代理只存储到 {{head}}：未予记录（控制台是否存有其他代理的事件，或本数据目录被替换过？）。',
    SYNC_ENROLLMENT_UNREADABLE:
      '无法读取 {{file}}（{{reason}}）：不发送任何内容。请用 baomi enroll --force 重新注册。',
    SYNC_EVENT_TOO_LARGE:
      '事件 {{seq}} 超过了向控制台发送一次请求的上限（{{bytes}} 字节），无法发送。',
    SYNC_ROUND_FAILED: '本机同步失败（{{reason}}）；未确认任何事件，将退避后重试。详见代理日志。',
  },
} satisfies Catalog & CodeCatalog<SyncErrorCode>;
