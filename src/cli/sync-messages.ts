// What the CLI says about the console on the agent's side, in both languages: `baomi enroll`,
// `baomi exception request`, and the sync lines of `baomi status`. The codes (ENROLL_*,
// SYNC_*, EXCEPTION_REQUEST_*) are in core (src/core/codes/sync.ts, exceptions.ts): the tray
// shows them too.
import type { Catalog } from '../core/i18n/types.js';

export const syncCliMessages = {
  en: {
    'cli.cmd.enroll':
      'join this computer’s agent to a Baomi console: makes its key pair, registers it with an enrollment token, pins the console’s exception key (run as the agent’s user: root for the system agent)',
    'cli.opt.enrollConsole':
      'the console’s address, https://HOST[:PORT] (http:// only for this computer: localhost, 127.0.0.1, ::1)',
    'cli.opt.enrollToken':
      'the enrollment token from the console’s staff (- reads it from standard input, so it does not show in the process list)',
    'cli.opt.enrollCa':
      'PEM certificate (or certificate authority) the console must present: pinned, and the only one trusted for this console from now on',
    'cli.opt.enrollTrustDir':
      'trust directory: the console’s exception key is pinned in its exceptions/ folder as console.pub (default: {{default}})',
    'cli.opt.enrollForce':
      'enroll again although this agent is enrolled (it gets a new identity; ask staff to revoke the old one)',
    'cli.opt.enrollReplaceKey':
      'replace a different exception key already pinned as exceptions/console.pub (only when the console’s key really changed)',
    'cli.enroll.done': 'Enrolled with {{console}} as {{agentId}} (group {{group}}).',
    'cli.enroll.files':
      'Written, readable by this user only: {{enrollment}} and the agent’s private key {{key}}.',
    'cli.enroll.exceptionKey.pinned':
      'The console’s exception key is pinned in {{file}}: approvals it signs can be redeemed here.',
    'cli.enroll.exceptionKey.unchanged':
      'The console’s exception key was already pinned in {{file}} (unchanged).',
    'cli.enroll.exceptionKey.replaced':
      'The console’s exception key REPLACED the one in {{file}} (--replace-exception-key).',
    'cli.enroll.ca':
      'Pinned certificate: {{file}}. The console is trusted only while it presents this certificate (or one it signed).',
    'cli.enroll.next':
      'The agent starts sending within one sync interval once its policy has a sync section (no restart needed); `baomi status` shows how it goes.',
    'cli.cmd.exceptionRequest':
      'ask security staff for a temporary exception for a USB device: recorded here and sent to the console at the next sync',
    'cli.opt.requestDevice':
      'the device: its hash (64 hex digits, as `baomi usb list` shows it) or vid:pid:serial, e.g. 0781:5581:4C530001',
    'cli.opt.requestReason': 'why you need it (at most 500 characters; staff read it)',
    'cli.exception.requested': 'Request {{id}} recorded for device {{device}}.',
    'cli.exception.requestRoute.console':
      'It goes to the console {{console}} with the next sync; you will be told here when security staff decide.',
    'cli.exception.requestRoute.notEnrolled':
      'The policy names the console {{console}}, but this agent is not enrolled with it yet: the request waits in the event log and goes with the first sync after `baomi enroll`.',
    'cli.exception.requestRoute.local':
      'No console is configured in the policy in force: the request stays in this computer’s event log only. Tell your security staff its number; they can issue a token for `baomi exception redeem`.',
    'cli.status.sync.notEnrolled':
      'Console sync: not enrolled (run `baomi enroll --console URL --token T`); events wait here',
    'cli.status.sync.enrolled': 'Console sync: enrolled as {{agentId}}',
    'cli.status.sync.enrolledWith':
      '  enrolled with {{enrolled}}, not the policy’s console: events go to the enrolled one',
    'cli.status.sync.lastSuccess': '  last success: {{at}}',
    'cli.status.sync.never': '  last success: none yet',
    'cli.status.sync.lastError': '  last error ({{at}}): {{error}}',
    'cli.status.sync.next': '  next request: {{at}}',
  },
  'zh-CN': {
    'cli.cmd.enroll':
      '将本机代理注册到保密控制台：生成密钥对，用注册令牌登记，并固定控制台的例外公钥（以代理的运行用户执行：系统代理为 root）',
    'cli.opt.enrollConsole':
      '控制台地址，https://主机[:端口]（http:// 仅限本机：localhost、127.0.0.1、::1）',
    'cli.opt.enrollToken':
      '控制台管理人员提供的注册令牌（写 - 则从标准输入读取，不会出现在进程列表中）',
    'cli.opt.enrollCa':
      '控制台必须出示的 PEM 证书（或证书颁发机构）：将被固定，此后该控制台只信任它',
    'cli.opt.enrollTrustDir':
      '信任目录：控制台的例外公钥以 console.pub 固定在其 exceptions/ 子目录中（默认：{{default}}）',
    'cli.opt.enrollForce': '即使本代理已注册也重新注册（将获得新的标识；请联系管理人员吊销旧标识）',
    'cli.opt.enrollReplaceKey':
      '替换已固定在 exceptions/console.pub 中的另一把例外公钥（仅在控制台确实更换了密钥时使用）',
    'cli.enroll.done': '已注册到 {{console}}，标识为 {{agentId}}（分组 {{group}}）。',
    'cli.enroll.files': '已写入（仅本用户可读）：{{enrollment}} 和代理私钥 {{key}}。',
    'cli.enroll.exceptionKey.pinned':
      '控制台的例外公钥已固定在 {{file}}：其签发的批准可在本机兑换。',
    'cli.enroll.exceptionKey.unchanged': '控制台的例外公钥此前已固定在 {{file}}（未变）。',
    'cli.enroll.exceptionKey.replaced':
      '控制台的例外公钥已替换 {{file}} 中原有的公钥（--replace-exception-key）。',
    'cli.enroll.ca': '已固定证书：{{file}}。只有控制台出示该证书（或由其签发的证书）时才被信任。',
    'cli.enroll.next':
      '策略含有 sync 部分后，代理会在一个同步间隔内开始上报（无需重启）；用 `baomi status` 查看进展。',
    'cli.cmd.exceptionRequest':
      '向保密管理人员申请某个 USB 设备的临时例外：记录在本机，并在下次同步时发送到控制台',
    'cli.opt.requestDevice':
      '设备：其指纹（64 位十六进制，见 `baomi usb list`）或 vid:pid:serial，如 0781:5581:4C530001',
    'cli.opt.requestReason': '申请事由（最多 500 个字符；供管理人员审阅）',
    'cli.exception.requested': '已记录申请 {{id}}，设备 {{device}}。',
    'cli.exception.requestRoute.console':
      '该申请将在下次同步时发送到控制台 {{console}}；管理人员作出决定后会在本机通知你。',
    'cli.exception.requestRoute.notEnrolled':
      '策略指定了控制台 {{console}}，但本代理尚未注册：申请保留在事件日志中，在 `baomi enroll` 之后的首次同步时发送。',
    'cli.exception.requestRoute.local':
      '当前策略未配置控制台：该申请只保留在本机的事件日志中。请把申请编号告知保密管理人员；他们可以签发令牌供 `baomi exception redeem` 使用。',
    'cli.status.sync.notEnrolled':
      '控制台同步：尚未注册（请运行 `baomi enroll --console URL --token T`）；事件保留在本机',
    'cli.status.sync.enrolled': '控制台同步：已注册，标识为 {{agentId}}',
    'cli.status.sync.enrolledWith':
      '  注册的控制台是 {{enrolled}}，而不是策略中的控制台：事件发送到注册的控制台',
    'cli.status.sync.lastSuccess': '  最近一次成功：{{at}}',
    'cli.status.sync.never': '  最近一次成功：尚无',
    'cli.status.sync.lastError': '  最近一次错误（{{at}}）：{{error}}',
    'cli.status.sync.next': '  下次请求：{{at}}',
  },
} satisfies Catalog;
