// Codes of the central console (src/console) and their text.
//
// CONSOLE_API_CODES travel in the `error` field of a WireError (core/sync/wire.ts) to agents
// (`baomi status` shows the last sync error), to the staff CLI and to the web UI, so their
// text is here in core. The console answers in the language of the request's Accept-Language.
// CONSOLE_START_CODES are raised while `baomi console` starts (src/console/keys.ts); the CLI
// shows them, and they are here beside the others of the same process.
// The codes only `baomi console` itself raises (TLS, --listen, `user add`) are
// CONSOLE_CLI_CODES; their text is beside the command (src/cli/console-messages.ts).
//
// Nothing in any of these messages is a secret: never a password, a token or a key.
import type { Catalog, CodeCatalog } from '../i18n/types.js';

export const CONSOLE_API_CODES = [
  /** 500: a bug; the details are in the console's log, never in the answer. */
  'CONSOLE_INTERNAL',
  /** 503: the database does not answer (retryInMs). */
  'CONSOLE_DB_UNAVAILABLE',
  'CONSOLE_BAD_JSON',
  'CONSOLE_BAD_CONTENT_TYPE',
  'CONSOLE_BODY_TOO_LARGE',
  /** 400: the body or the query does not have the documented form (`detail` says where). */
  'CONSOLE_BAD_REQUEST',
  'CONSOLE_NO_ROUTE',
  'CONSOLE_NOT_FOUND',
  'CONSOLE_RATE_LIMITED',
  /** 503: this console process has too many sync requests in flight (backpressure.ts). */
  'CONSOLE_BUSY',
  'CONSOLE_AUTH_REQUIRED',
  'CONSOLE_LOGIN_FAILED',
  'CONSOLE_LOGIN_THROTTLED',
  'CONSOLE_FORBIDDEN',
  'CONSOLE_CSRF',
  'CONSOLE_ALREADY_DECIDED',
  /** 409: an alert may only move to a later stage, or back to 调查 (core/console/alerts.ts). */
  'CONSOLE_ALERT_BAD_TRANSITION',
  /** 409: the alert is in a case and moves with it (core/console/cases.ts). */
  'CONSOLE_ALERT_IN_CASE',
  /** 409: a case moves as an alert does. */
  'CONSOLE_CASE_BAD_TRANSITION',
  /** 400: entering 初步评估 needs the severity found. */
  'CONSOLE_CASE_NEEDS_SEVERITY',
  /** 400: entering 处置 needs what was done. */
  'CONSOLE_CASE_NEEDS_OUTCOME',
  /** 409: a closed case takes notes only until re-opened. */
  'CONSOLE_CASE_CLOSED',
  /** 409: an alert is in one case at most. */
  'CONSOLE_CASE_ALERT_TAKEN',
  /** 409: a token naming another department or class for an existing group, without regroup. */
  'CONSOLE_GROUP_DIFFERS',
  'CONSOLE_GROUP_BUSY',
  'CONSOLE_REQUEST_NO_USER',
  /** 409: approving for an agent that was revoked (it never syncs again). */
  'CONSOLE_REQUEST_AGENT_REVOKED',
  /** 400: a field of the request does not fit an exception token (an id that is not a UUIDv7…). */
  'CONSOLE_REQUEST_UNSIGNABLE',
  'CONSOLE_POLICY_INVALID',
  'CONSOLE_POLICY_BAD_BASE64',
  'CONSOLE_POLICY_SIG_MALFORMED',
  'CONSOLE_POLICY_BAD_TARGET',
  'ENROLL_TOKEN_INVALID',
  'ENROLL_BAD_KEY',
  'SYNC_BAD_HEADERS',
  'SYNC_CLOCK_SKEW',
  'SYNC_AGENT_UNKNOWN',
  'SYNC_BAD_SIGNATURE',
  'SYNC_REPLAY',
  'AGENT_REVOKED',
] as const;
export type ConsoleApiCode = (typeof CONSOLE_API_CODES)[number];

export const CONSOLE_START_CODES = [
  'CONSOLE_KEY_INVALID',
  'CONSOLE_KEY_UNSAFE',
  'CONSOLE_KEY_UNREADABLE',
] as const;
export type ConsoleStartCode = (typeof CONSOLE_START_CODES)[number];

export const CONSOLE_CLI_CODES = [
  'CONSOLE_TLS_REQUIRED',
  'CONSOLE_TLS_HALF',
  'CONSOLE_BAD_LISTEN',
  'CONSOLE_LISTEN_FAILED',
  'CONSOLE_BAD_INTERVAL',
  'CONSOLE_NO_STORE',
  'CONSOLE_USER_EXISTS',
  'CONSOLE_BAD_USER_NAME',
  'CONSOLE_PASSWORD_SHORT',
  'CONSOLE_PASSWORD_LONG',
  'CONSOLE_PASSWORD_MISMATCH',
  'CONSOLE_PASSWORD_NONE',
  'CONSOLE_CONFIG_UNREADABLE',
  'CONSOLE_CONFIG_INVALID',
] as const;
export type ConsoleCliCode = (typeof CONSOLE_CLI_CODES)[number];

/** Raised by the staff CLI (`baomi console login|agents|events|…`, a client of the API over
 *  HTTP(S)); text beside it (src/cli/staff/messages.ts). What the console itself refused
 *  arrives as its own WireError message inside CONSOLE_CLIENT_REFUSED. */
export const CONSOLE_CLIENT_CODES = [
  'CONSOLE_CLIENT_NO_URL',
  'CONSOLE_CLIENT_BAD_URL',
  'CONSOLE_CLIENT_PLAIN_HTTP',
  'CONSOLE_CLIENT_NO_TOKEN',
  'CONSOLE_CLIENT_BAD_TOKEN',
  'CONSOLE_CLIENT_BAD_CA',
  'CONSOLE_CLIENT_UNREACHABLE',
  'CONSOLE_CLIENT_TLS_MISMATCH',
  'CONSOLE_CLIENT_TLS_UNTRUSTED',
  'CONSOLE_CLIENT_TLS_NAME',
  'CONSOLE_CLIENT_NOT_TLS',
  'CONSOLE_CLIENT_TOKEN_REFUSED',
  'CONSOLE_CLIENT_REFUSED',
  'CONSOLE_CLIENT_BAD_ANSWER',
  'CONSOLE_CLIENT_NO_SIGNATURE',
  'CONSOLE_CLIENT_SIG_REFUSED',
  'CONSOLE_CLIENT_ONE_TARGET',
  'CONSOLE_CLIENT_ENROLL_MODE',
  'CONSOLE_CLIENT_BAD_NUMBER',
  /** `person-export`: the stream ended before its counts (or they do not match). */
  'CONSOLE_CLIENT_EXPORT_CUT',
  'CONSOLE_CLIENT_EVENTS_CUT',
  'CONSOLE_CLIENT_EXPORT_TTY',
  'CONSOLE_CLIENT_OUT_EXISTS',
  'CONSOLE_CLIENT_OUT_FAILED',
  /** `case ID`: more than one change asked for at once. */
  'CONSOLE_CLIENT_CASE_CHANGE',
  /** `case ID`: --stage without --note, or --note/--severity/--outcome without --stage. */
  'CONSOLE_CLIENT_CASE_STAGE_NOTE',
  /** `case ID --add-event`: not AGENT:SEQ. */
  'CONSOLE_CLIENT_BAD_EVENT_REF',
] as const;
export type ConsoleClientCode = (typeof CONSOLE_CLIENT_CODES)[number];

export const consoleMessages = {
  en: {
    CONSOLE_INTERNAL:
      'The console failed to answer this request. Nothing was changed by the failed step; the details are in the console’s log (ask its administrator).',
    CONSOLE_DB_UNAVAILABLE:
      'The console’s database ({{engine}}) does not answer right now. Nothing was stored; try again in {{seconds}} s.',
    CONSOLE_BAD_JSON: 'The request body is not valid JSON.',
    CONSOLE_BAD_CONTENT_TYPE:
      'The console reads only JSON: send the body with Content-Type: application/json.',
    CONSOLE_BODY_TOO_LARGE:
      'The request body is larger than {{max}} bytes and was refused. Send fewer events per request.',
    CONSOLE_BAD_REQUEST: 'The request does not have the form the API documents: {{detail}}.',
    CONSOLE_NO_ROUTE: 'There is no {{method}} {{path}} in this console’s API (/api/v1).',
    CONSOLE_NOT_FOUND: 'No {{what}} with the id {{id}}.',
    CONSOLE_RATE_LIMITED: 'Too many requests; try again in {{seconds}} s.',
    CONSOLE_BUSY:
      'The console is busy with other agents; this request was not read. Send it again in {{seconds}} s (nothing was stored, nothing is lost).',
    CONSOLE_AUTH_REQUIRED:
      'Log in first (POST /api/v1/login), or send a valid API token as Authorization: Bearer …; the session or token may have expired.',
    CONSOLE_LOGIN_FAILED: 'Wrong name or password.',
    CONSOLE_LOGIN_THROTTLED:
      'Too many failed logins for this name; wait {{seconds}} s before the next attempt.',
    CONSOLE_FORBIDDEN: 'The role {{role}} may not do this; it needs {{need}}.',
    CONSOLE_CSRF:
      'Missing or wrong x-csrf-token header: a change made with a session cookie must carry the csrfToken the login answered.',
    CONSOLE_ALREADY_DECIDED: 'The request {{id}} was already {{state}}; a decision is final.',
    CONSOLE_ALERT_BAD_TRANSITION:
      'The alert {{id}} is at {{from}} and cannot move to {{to}}: an alert moves forward (预报 → 调查 → 初步评估 → 处置 → 结案) or back to 调查 to re-open it.',
    CONSOLE_ALERT_IN_CASE:
      'The alert {{id}} is part of case {{case}} and moves with it: change the case’s stage instead.',
    CONSOLE_CASE_BAD_TRANSITION:
      'The case {{id}} is at {{from}} and cannot move to {{to}}: a case moves forward (预报 → 调查 → 初步评估 → 处置 → 结案) or back to 调查 to re-open it.',
    CONSOLE_CASE_NEEDS_SEVERITY:
      'Moving case {{id}} to 初步评估 (assessed) needs the severity found: confirm the severity or downgrade it, and say why in the note.',
    CONSOLE_CASE_NEEDS_OUTCOME:
      'Moving case {{id}} to 处置 (handled) needs the outcome: say what was done.',
    CONSOLE_CASE_CLOSED:
      'The case {{id}} is closed (结案): re-open it (move it back to 调查) before changing it; a note can be added at any time.',
    CONSOLE_GROUP_DIFFERS:
      'Group {{group}} already has department "{{department}}" and class "{{personnelClass}}"; this token would change them to "{{newDepartment}}" and "{{newPersonnelClass}}" for every agent already in it (their policies and report rows with them). Nothing was changed. To move the whole group, ask again with regroup (CLI: --regroup); to enroll other computers elsewhere, use another group.',
    CONSOLE_GROUP_BUSY:
      'Group {{group}} was changed by other requests while this token was being made, three times over. No token was made and nothing was changed by this request: ask again (another administrator may be moving this group).',
    CONSOLE_CASE_ALERT_TAKEN:
      'The alert {{alert}} is already part of case {{case}}; an alert belongs to one case at most.',
    CONSOLE_REQUEST_NO_USER:
      'The request {{id}} does not say who asked (no one was logged in at the workstation), and an exception is always for one person: deny it, and ask the person to request it again from their own session.',
    CONSOLE_REQUEST_UNSIGNABLE:
      'The request {{id}} cannot be approved: its field "{{field}}" does not fit an exception token (the agent that sent it is broken or not Baomi). Deny it; the person can ask again once the agent is fixed.',
    CONSOLE_REQUEST_AGENT_REVOKED:
      'The request {{id}} came from agent {{agent}}, which was revoked at {{at}}: it never syncs again, so an approval would never reach it. Deny the request; the person asks again from a workstation that is enrolled.',
    CONSOLE_POLICY_INVALID:
      'The policy is refused ({{count}} problem(s)); the first: {{problem}}. Check it with `baomi policy validate FILE`.',
    CONSOLE_POLICY_BAD_BASE64: 'The policy field must be the policy file’s bytes in base64.',
    CONSOLE_POLICY_SIG_MALFORMED:
      'The signature must be the text of the .sig file made by `baomi policy sign` (base64 of a 64-byte Ed25519 signature).',
    CONSOLE_POLICY_BAD_TARGET:
      'A policy for a personnel class names one of 核心, 重要 or 一般, not "{{value}}".',
    ENROLL_TOKEN_INVALID:
      'The enrollment token is not valid: unknown, expired, used up or revoked. Ask for a new one.',
    ENROLL_BAD_KEY: 'The agent’s public key is not an Ed25519 public key in SPKI PEM.',
    SYNC_BAD_HEADERS:
      'The request is not signed as agents sign it (header {{header}} missing or malformed). Enroll the agent again if this persists.',
    SYNC_CLOCK_SKEW:
      'This computer’s clock differs from the console’s by {{seconds}} s (this computer: {{agentTime}}, the console: {{consoleTime}}); at most {{limit}} s are tolerated. Set the clock (NTP) and the next sync goes through.',
    SYNC_AGENT_UNKNOWN:
      'The console does not know this agent (removed, or enrolled with another console). Enroll it again.',
    SYNC_BAD_SIGNATURE:
      'The request’s signature does not match this agent’s key: it was changed on the way, or the agent’s key is not the one enrolled.',
    SYNC_REPLAY:
      'This request was already received (same nonce): a replay is refused. The agent sends a fresh request.',
    AGENT_REVOKED:
      'This agent was revoked by the console’s staff at {{at}}; it may no longer send events. Ask your security team.',
    CONSOLE_KEY_INVALID:
      'The exception key {{file}} is not an Ed25519 private key in PKCS#8 PEM. Give another with --exception-key FILE, or move it away to let the console make a new one.',
    CONSOLE_KEY_UNSAFE:
      'The exception key {{file}} can be read by other users (mode {{mode}}). Run `chmod 600 {{file}}` and start again.',
    CONSOLE_KEY_UNREADABLE: 'Cannot read or create the exception key {{file}} ({{reason}}).',
    // What CONSOLE_NOT_FOUND names ({{what}}).
    'console.what.agent': 'agent',
    'console.what.request': 'exception request',
    'console.what.enrollToken': 'enrollment token',
    'console.what.alert': 'alert',
    'console.what.case': 'case',
    'console.what.event': 'event',
    'console.what.staffUser': 'staff account',
  },
  'zh-CN': {
    CONSOLE_INTERNAL:
      '控制台无法应答该请求。失败的步骤未做任何更改；详情见控制台日志（请询问其管理员）。',
    CONSOLE_DB_UNAVAILABLE:
      '控制台的数据库（{{engine}}）暂时没有响应。未存储任何内容；请在 {{seconds}} 秒后重试。',
    CONSOLE_BAD_JSON: '请求正文不是有效的 JSON。',
    CONSOLE_BAD_CONTENT_TYPE:
      '控制台只接受 JSON：请以 Content-Type: application/json 发送请求正文。',
    CONSOLE_BODY_TOO_LARGE: '请求正文超过 {{max}} 字节，已被拒绝。请减少每次请求的事件数。',
    CONSOLE_BAD_REQUEST: '请求的格式与 API 文档不符：{{detail}}。',
    CONSOLE_NO_ROUTE: '本控制台的 API（/api/v1）中没有 {{method}} {{path}}。',
    CONSOLE_NOT_FOUND: '没有 id 为 {{id}} 的{{what}}。',
    CONSOLE_RATE_LIMITED: '请求过于频繁；请在 {{seconds}} 秒后重试。',
    CONSOLE_BUSY:
      '控制台正忙于处理其他终端的请求，本次请求未被读取。请在 {{seconds}} 秒后重新发送（未存储任何内容，也不会丢失任何内容）。',
    CONSOLE_AUTH_REQUIRED:
      '请先登录（POST /api/v1/login），或以 Authorization: Bearer … 发送有效的 API 令牌；会话或令牌可能已过期。',
    CONSOLE_LOGIN_FAILED: '用户名或密码错误。',
    CONSOLE_LOGIN_THROTTLED: '该用户名登录失败次数过多；请等待 {{seconds}} 秒后再试。',
    CONSOLE_FORBIDDEN: '角色 {{role}} 无权执行此操作；需要 {{need}}。',
    CONSOLE_CSRF:
      'x-csrf-token 请求头缺失或不正确：使用会话 Cookie 进行的更改必须携带登录时返回的 csrfToken。',
    CONSOLE_ALREADY_DECIDED: '申请 {{id}} 已被处理（{{state}}）；决定不可更改。',
    CONSOLE_ALERT_BAD_TRANSITION:
      '告警 {{id}} 处于“{{from}}”，不能改为“{{to}}”：告警只能向后推进（预报 → 调查 → 初步评估 → 处置 → 结案），或退回“调查”以重新打开。',
    CONSOLE_ALERT_IN_CASE: '告警 {{id}} 属于案件 {{case}}，随案件推进：请改为更改该案件的阶段。',
    CONSOLE_CASE_BAD_TRANSITION:
      '案件 {{id}} 处于“{{from}}”，不能改为“{{to}}”：案件只能向后推进（预报 → 调查 → 初步评估 → 处置 → 结案），或退回“调查”以重新打开。',
    CONSOLE_CASE_NEEDS_SEVERITY:
      '将案件 {{id}} 推进到“初步评估”需要给出评估后的严重程度：确认或降低严重程度，并在备注中说明理由。',
    CONSOLE_CASE_NEEDS_OUTCOME: '将案件 {{id}} 推进到“处置”需要填写处置结果：说明采取了哪些措施。',
    CONSOLE_CASE_CLOSED: '案件 {{id}} 已结案：请先重新打开（退回“调查”）再作更改；备注可随时添加。',
    CONSOLE_GROUP_DIFFERS:
      '组 {{group}} 现有部门为“{{department}}”、人员类别为“{{personnelClass}}”；此令牌会把组内所有已登记代理改为“{{newDepartment}}”和“{{newPersonnelClass}}”（其策略和报表归属随之改变）。未做任何更改。如要整组迁移，请带上 regroup 重新申请（命令行：--regroup）；如要把其他计算机登记到别处，请使用另一个组。',
    CONSOLE_GROUP_BUSY:
      '制作此令牌期间，组 {{group}} 被其他请求连续更改了三次。本次请求未制作令牌，也未做任何更改：请重新申请（可能有其他管理员正在迁移该组）。',
    CONSOLE_CASE_ALERT_TAKEN: '告警 {{alert}} 已属于案件 {{case}}；一条告警最多属于一个案件。',
    CONSOLE_REQUEST_NO_USER:
      '申请 {{id}} 没有记录申请人（当时无人登录该工作站），而例外总是针对某一个人：请拒绝该申请，并请申请人在其本人会话中重新申请。',
    CONSOLE_REQUEST_UNSIGNABLE:
      '申请 {{id}} 无法批准：其字段“{{field}}”不符合例外令牌的要求（发送它的代理有故障或不是 Baomi）。请拒绝该申请；代理修复后申请人可重新申请。',
    CONSOLE_REQUEST_AGENT_REVOKED:
      '申请 {{id}} 来自代理 {{agent}}，该代理已于 {{at}} 被吊销：它不会再同步，批准永远无法送达。请拒绝该申请，由申请人在已登记的工作站上重新申请。',
    CONSOLE_POLICY_INVALID:
      '策略被拒绝（{{count}} 个问题）；第一个：{{problem}}。请用 `baomi policy validate FILE` 检查。',
    CONSOLE_POLICY_BAD_BASE64: 'policy 字段必须是策略文件字节的 base64 编码。',
    CONSOLE_POLICY_SIG_MALFORMED:
      '签名必须是 `baomi policy sign` 生成的 .sig 文件的文本（64 字节 Ed25519 签名的 base64）。',
    CONSOLE_POLICY_BAD_TARGET: '针对人员类别的策略须指定 核心、重要 或 一般，而不是“{{value}}”。',
    ENROLL_TOKEN_INVALID: '注册令牌无效：未知、已过期、次数已用完或已被吊销。请重新申请。',
    ENROLL_BAD_KEY: '代理的公钥不是 SPKI PEM 格式的 Ed25519 公钥。',
    SYNC_BAD_HEADERS:
      '该请求没有按代理的方式签名（请求头 {{header}} 缺失或格式错误）。如持续出现，请重新注册代理。',
    SYNC_CLOCK_SKEW:
      '本机时钟与控制台相差 {{seconds}} 秒（本机：{{agentTime}}，控制台：{{consoleTime}}）；最多允许 {{limit}} 秒。请校准时钟（NTP），下次同步即可通过。',
    SYNC_AGENT_UNKNOWN: '控制台不认识该代理（已被删除，或注册在另一个控制台）。请重新注册。',
    SYNC_BAD_SIGNATURE:
      '请求的签名与该代理的密钥不符：请求在传输中被改动，或代理的密钥不是注册时的那一个。',
    SYNC_REPLAY: '该请求已被接收过（nonce 相同）：重放的请求被拒绝。代理会发送新的请求。',
    AGENT_REVOKED: '该代理已于 {{at}} 被控制台管理人员吊销，不能再发送事件。请询问保密管理人员。',
    CONSOLE_KEY_INVALID:
      '例外密钥 {{file}} 不是 PKCS#8 PEM 格式的 Ed25519 私钥。请用 --exception-key FILE 指定其他密钥，或将其移走，由控制台生成新密钥。',
    CONSOLE_KEY_UNSAFE:
      '例外密钥 {{file}} 可被其他用户读取（权限 {{mode}}）。请运行 `chmod 600 {{file}}` 后重新启动。',
    CONSOLE_KEY_UNREADABLE: '无法读取或创建例外密钥 {{file}}（{{reason}}）。',
    'console.what.agent': '代理',
    'console.what.request': '例外申请',
    'console.what.enrollToken': '注册令牌',
    'console.what.alert': '告警',
    'console.what.case': '案件',
    'console.what.event': '事件',
    'console.what.staffUser': '工作人员账户',
  },
} satisfies Catalog & CodeCatalog<ConsoleApiCode | ConsoleStartCode>;
