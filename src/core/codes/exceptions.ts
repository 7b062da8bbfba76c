// Codes of temporary USB exceptions (DESIGN.md "Exception tokens"; README "Issuing a
// temporary exception").
//
// EXCEPTION_REFUSAL_CODES: why a token is refused, by core's parser and verifier
// (core/exceptions/token.ts) and the agent's exception book (src/agent/usb/exceptions.ts).
// They travel in `usb.exception-refused` events and socket answers; the CLI and the tray both
// show them, so their text is here. Times in their params are RFC 3339 UTC strings (the
// display end may rewrite them in local time); nothing in them is the token itself.
//
// EXCEPTION_CLI_CODES: raised by `baomi exception issue|redeem` only; text beside the
// command (src/cli/exception-messages.ts).
import type { Catalog, CodeCatalog } from '../i18n/types.js';

export const EXCEPTION_REFUSAL_CODES = [
  /** Not a token: prefix, dots, base64url, UTF-8 or canonical JSON (`part` says which). */
  'EXCEPTION_MALFORMED',
  'EXCEPTION_TOO_LONG',
  /** A field of the payload is missing, extra or of the wrong form (`field`). */
  'EXCEPTION_BAD_FIELD',
  'EXCEPTION_REASON_TOO_LONG',
  'EXCEPTION_WINDOW_TOO_LONG',
  /** encodeToken: the private key is not an Ed25519 PKCS#8 key. */
  'EXCEPTION_KEY_INVALID',
  'EXCEPTION_NO_TRUSTED_KEYS',
  /** Altered after signing, or signed by a key this computer does not trust (Ed25519 cannot tell which). */
  'EXCEPTION_BAD_SIGNATURE',
  /** As BAD_SIGNATURE, while key files in exceptions/ were ignored as unsafe. */
  'EXCEPTION_KEYS_UNSAFE',
  'EXCEPTION_EXPIRED',
  'EXCEPTION_NOT_YET_VALID',
  'EXCEPTION_WRONG_HOST',
  'EXCEPTION_WRONG_USER',
  /** On agent.sock without a known seat user. */
  'EXCEPTION_NO_SEAT_USER',
  'EXCEPTION_WRONG_DEVICE',
  'EXCEPTION_ALREADY_REDEEMED',
  /** The window ends before the newest event this agent stored: the clock was set back. */
  'EXCEPTION_CLOCK_BACK',
  /** Not a token: security staff denied the request on the console (`usb.exception-refused`
   *  with the request's id, the note and who decided). */
  'EXCEPTION_DENIED',
] as const;
export type ExceptionRefusalCode = (typeof EXCEPTION_REFUSAL_CODES)[number];

export const EXCEPTION_CLI_CODES = [
  'EXCEPTION_ISSUE_KEY_READABLE',
  'EXCEPTION_ISSUE_BAD_KEY',
  'EXCEPTION_ISSUE_BAD_DEVICE',
  'EXCEPTION_ISSUE_BAD_USER',
  'EXCEPTION_ISSUE_BAD_HOST',
  'EXCEPTION_ISSUE_BAD_REASON',
  'EXCEPTION_ISSUE_BAD_DURATION',
  'EXCEPTION_ISSUE_BAD_FROM',
  'EXCEPTION_ISSUE_ENDED',
  'EXCEPTION_ISSUE_FILE_EXISTS',
  'EXCEPTION_REDEEM_NO_TOKEN',
  'EXCEPTION_REDEEM_NO_AGENT',
  'EXCEPTION_REDEEM_UNSUPPORTED',
  'EXCEPTION_REQUEST_NO_AGENT',
] as const;
export type ExceptionCliCode = (typeof EXCEPTION_CLI_CODES)[number];

/**
 * Why the agent refuses an exception request (`baomi exception request`, the tray later):
 * raised over agent.sock, shown by the CLI and the tray, so their text is here.
 */
export const EXCEPTION_REQUEST_CODES = [
  'EXCEPTION_REQUEST_BAD_DEVICE',
  'EXCEPTION_REQUEST_BAD_REASON',
  /** Asked on admin.sock while nobody is known to be at the console: whose request is it? */
  'EXCEPTION_REQUEST_NO_SEAT_USER',
] as const;
export type ExceptionRequestCode = (typeof EXCEPTION_REQUEST_CODES)[number];

const refusals: ReadonlySet<string> = new Set(EXCEPTION_REFUSAL_CODES);

/** For codes that arrive as text (a socket answer, a stored event). */
export function isExceptionRefusal(code: unknown): code is ExceptionRefusalCode {
  return typeof code === 'string' && refusals.has(code);
}

export const exceptionMessages = {
  en: {
    EXCEPTION_MALFORMED:
      'This is not a complete exception token: it starts with BMX1. and has two dots. Copy the whole token again (line breaks and spaces do not matter), or redeem the .bmx file with --file.',
    EXCEPTION_TOO_LONG:
      'The exception token is {{length}} characters long; the limit is {{max}}. Shorten the reason and issue it again.',
    EXCEPTION_BAD_FIELD:
      'The exception token’s field "{{field}}" is missing or not valid. Ask whoever issued it for a new one.',
    EXCEPTION_REASON_TOO_LONG:
      'The reason is {{length}} characters long; the limit is {{max}}. Shorten it.',
    EXCEPTION_WINDOW_TOO_LONG:
      'The exception would last {{days}} days; at most {{maxDays}} are allowed. For a device needed longer, approve it in the policy (usb.rules).',
    EXCEPTION_KEY_INVALID:
      'The exception key is not an Ed25519 private key in PKCS#8 PEM. Make one with `baomi exception keygen NAME`.',
    EXCEPTION_NO_TRUSTED_KEYS:
      'No exception key is trusted on this computer, so no exception can be redeemed. IT installs the public key (.pub) in the trust folder’s exceptions/ (e.g. /etc/baomi/trust/exceptions/).',
    EXCEPTION_BAD_SIGNATURE:
      'The exception token was changed after it was signed, or it was signed by a key this computer does not trust. Ask whoever issued it for a new one, and pass it on unchanged.',
    EXCEPTION_KEYS_UNSAFE:
      'The exception token’s signature matches no trusted key, and {{count}} key file(s) in exceptions/ were ignored as unsafe (see the agent log). IT: if the token was signed with one of those, make that .pub a regular file owned by root, writable by its owner only.',
    EXCEPTION_EXPIRED:
      'This exception ended at {{notAfter}}. Ask for a new one if you still need the device.',
    EXCEPTION_NOT_YET_VALID:
      'This exception starts at {{notBefore}}; redeem it then. (If that time has passed, this computer’s clock is wrong.)',
    EXCEPTION_WRONG_HOST:
      'This exception is for the computer {{host}}, not this one ({{thisHost}}).',
    EXCEPTION_WRONG_USER:
      'This exception is for the user {{user}}; {{seatUser}} is logged in here. Only {{user}}, logged in at this computer, can redeem it.',
    EXCEPTION_NO_SEAT_USER:
      'This exception is for the user {{user}}, but nobody is known to be logged in at this computer. Redeem it from {{user}}’s own session.',
    EXCEPTION_WRONG_DEVICE:
      'This exception is for a device this computer has not seen ({{device}}): plug that device in, then redeem the token again (it is not used up).',
    EXCEPTION_ALREADY_REDEEMED:
      'This exception token was already redeemed on this computer at {{at}}; each token works once. If that was you, the exception is in force until {{notAfter}}.',
    EXCEPTION_CLOCK_BACK:
      'This exception ended at {{notAfter}}, before the newest event this computer recorded ({{newest}}): the clock was set back. Refused; tell your security team.',
    EXCEPTION_DENIED: 'The security team ({{decidedBy}}) denied the request: {{note}}',
  },
  'zh-CN': {
    EXCEPTION_MALFORMED:
      '这不是完整的例外令牌：令牌以 BMX1. 开头，含有两个点号。请重新复制整个令牌（换行和空格不影响），或用 --file 兑换 .bmx 文件。',
    EXCEPTION_TOO_LONG: '例外令牌长 {{length}} 个字符，上限为 {{max}}。请缩短事由后重新签发。',
    EXCEPTION_BAD_FIELD: '例外令牌的字段“{{field}}”缺失或无效。请向签发人重新申请。',
    EXCEPTION_REASON_TOO_LONG: '事由长 {{length}} 个字符，上限为 {{max}}。请缩短。',
    EXCEPTION_WINDOW_TOO_LONG:
      '该例外将持续 {{days}} 天，最多允许 {{maxDays}} 天。需要更长时间使用的设备，请在策略中批准（usb.rules）。',
    EXCEPTION_KEY_INVALID:
      '例外密钥不是 PKCS#8 PEM 格式的 Ed25519 私钥。请用 `baomi exception keygen NAME` 生成。',
    EXCEPTION_NO_TRUSTED_KEYS:
      '本机没有受信任的例外公钥，因此无法兑换任何例外。请 IT 将公钥（.pub）安装到信任目录的 exceptions/ 子目录（如 /etc/baomi/trust/exceptions/）。',
    EXCEPTION_BAD_SIGNATURE:
      '该例外令牌在签名后被改动过，或由本机不信任的密钥签发。请向签发人重新申请，并原样转交。',
    EXCEPTION_KEYS_UNSAFE:
      '例外令牌的签名与任何受信任的密钥都不匹配，且 exceptions/ 中有 {{count}} 个密钥文件因不安全而被忽略（见代理日志）。IT：若令牌由其中之一签发，请将该 .pub 改为 root 所有、仅属主可写的普通文件。',
    EXCEPTION_EXPIRED: '该例外已于 {{notAfter}} 结束。如仍需使用该设备，请重新申请。',
    EXCEPTION_NOT_YET_VALID:
      '该例外自 {{notBefore}} 起生效，请届时再兑换。（如果该时间已过，说明本机时钟不准。）',
    EXCEPTION_WRONG_HOST: '该例外适用于计算机 {{host}}，而不是本机（{{thisHost}}）。',
    EXCEPTION_WRONG_USER:
      '该例外适用于用户 {{user}}，而本机当前登录的是 {{seatUser}}。只有在本机登录的 {{user}} 本人才能兑换。',
    EXCEPTION_NO_SEAT_USER:
      '该例外适用于用户 {{user}}，但本机当前没有已知的登录用户。请在 {{user}} 本人的会话中兑换。',
    EXCEPTION_WRONG_DEVICE:
      '该例外所针对的设备（{{device}}）尚未接入过本机：请先插入该设备，再重新兑换令牌（令牌不会因此失效）。',
    EXCEPTION_ALREADY_REDEEMED:
      '该例外令牌已于 {{at}} 在本机兑换过；每个令牌只能使用一次。如果是你本人兑换的，该例外在 {{notAfter}} 之前有效。',
    EXCEPTION_CLOCK_BACK:
      '该例外已于 {{notAfter}} 结束，早于本机记录的最新事件（{{newest}}）：本机时钟被调回过。已拒绝；请告知保密管理人员。',
    EXCEPTION_DENIED: '保密管理人员（{{decidedBy}}）拒绝了该申请：{{note}}',
  },
} satisfies Catalog & CodeCatalog<ExceptionRefusalCode>;

export const exceptionRequestMessages = {
  en: {
    EXCEPTION_REQUEST_BAD_DEVICE:
      'Cannot read the device "{{value}}": give its hash (64 hex digits, as `baomi usb list` shows it) or vid:pid:serial (e.g. 0781:5581:4C530001).',
    EXCEPTION_REQUEST_BAD_REASON:
      'The reason must say why in plain text: not empty, without control characters or text-direction overrides.',
    EXCEPTION_REQUEST_NO_SEAT_USER:
      'Nobody is known to be logged in at this computer, so the request would have no one to ask for it. Ask from your own session (agent.sock), not as root.',
  },
  'zh-CN': {
    EXCEPTION_REQUEST_BAD_DEVICE:
      '无法识别设备“{{value}}”：请给出设备指纹（64 位十六进制，见 `baomi usb list`）或 vid:pid:serial（如 0781:5581:4C530001）。',
    EXCEPTION_REQUEST_BAD_REASON: '申请事由须为纯文本：不能为空，不含控制字符或文字方向控制符。',
    EXCEPTION_REQUEST_NO_SEAT_USER:
      '本机当前没有已知的登录用户，因此该申请无法归属于任何人。请在本人的会话中（通过 agent.sock）申请，而不是以 root 身份。',
  },
} satisfies Catalog & CodeCatalog<ExceptionRequestCode>;
