// What `baomi exception` says, in both languages: its help, its output, and the codes only it
// raises (EXCEPTION_CLI_CODES). Why a token is refused (EXCEPTION_REFUSAL_CODES) is in core
// (src/core/codes/exceptions.ts): the tray shows those too.
import type { ExceptionCliCode } from '../core/codes/index.js';
import type { Catalog, CodeCatalog } from '../core/i18n/types.js';

export const exceptionCliMessages = {
  en: {
    'cli.cmd.exception': 'issue and redeem temporary USB exceptions (signed tokens)',
    'cli.cmd.exceptionKeygen':
      'create an Ed25519 key pair for signing exceptions: NAME.key (private, 0600) and NAME.pub',
    'cli.cmd.exceptionIssue':
      'sign a temporary exception for one device and one person: prints the token, writes it to a file, shows it as a QR code and records it in the issuance log',
    'cli.cmd.exceptionRedeem':
      'hand a token to the agent on this computer, which checks it and allows the device for its window',
    'cli.arg.exceptionKeyName': 'key name, e.g. security-2026',
    'cli.arg.token':
      'the token (BMX1.…); line breaks and spaces added by email or chat do not matter',
    'cli.opt.exceptionDevice':
      'the device: its hash (64 hex digits, as `baomi usb list` shows it) or vid:pid:serial, e.g. 0781:5581:4C530001',
    'cli.opt.exceptionUser': 'the person who may use it: their login name on the workstation',
    'cli.opt.exceptionFor':
      'how long: a positive whole number with s, m, h or d, e.g. 2h (at most 31d)',
    'cli.opt.exceptionFrom':
      'when it starts: RFC 3339 with its zone, e.g. 2026-12-01T09:00:00+08:00 (default: now)',
    'cli.opt.exceptionHost':
      'the one computer it is valid on, by host name (default: any computer that trusts the key)',
    'cli.opt.exceptionReason':
      'why (at most 500 characters; recorded with the exception and shown to the person)',
    'cli.opt.exceptionKey':
      'private exception key made by `baomi exception keygen` (readable by its owner only)',
    'cli.opt.exceptionOut':
      'file to write the token to (default: <id>.bmx in the current directory; never overwritten)',
    'cli.opt.exceptionLog':
      'issuance log to append to (default: exceptions-issued.log beside the key)',
    'cli.opt.noQr': 'do not show the QR code (it is shown only when printing to a terminal)',
    'cli.opt.exceptionFile': 'read the token from this file (a .bmx file)',
    'cli.opt.exceptionSocket':
      'the agent socket to ask (default: admin.sock, then agent.sock, of your own agent, then of the system agent)',
    'cli.exception.keygenDone':
      'Wrote {{key}} (private: keep it secret, whoever holds it can open USB ports) and {{pub}} (install it in /etc/baomi/trust/exceptions/ on each workstation).',
    'cli.exception.issued':
      'Issued exception {{id}}: device {{device}} for {{user}} on {{host}}, from {{from}} to {{until}}.',
    'cli.exception.anyHost': 'any computer that trusts the key',
    'cli.exception.written':
      'Token written to {{file}} (0600) and recorded in {{log}}. Hand it to {{user}} (text, file or QR code), who runs on the workstation: baomi exception redeem --file {{name}}',
    'cli.exception.qrSkipped':
      'QR code not shown: it needs {{width}} columns and the terminal has {{columns}} (a shorter reason makes it smaller).',
    'cli.exception.redeemed':
      'Exception in force: device {{device}} for {{user}}, from {{from}} to {{until}}.',
    'cli.exception.reason': 'Reason: {{reason}}',
  },
  'zh-CN': {
    'cli.cmd.exception': '签发与兑换临时 USB 例外（签名令牌）',
    'cli.cmd.exceptionKeygen':
      '生成用于签发例外的 Ed25519 密钥对：NAME.key（私钥，权限 0600）和 NAME.pub',
    'cli.cmd.exceptionIssue':
      '为一台设备、一个人签发临时例外：输出令牌，写入文件，显示二维码，并记入签发日志',
    'cli.cmd.exceptionRedeem': '把令牌交给本机代理，由代理校验后在有效期内放行该设备',
    'cli.arg.exceptionKeyName': '密钥名称，例如 security-2026',
    'cli.arg.token': '令牌（BMX1.…）；邮件或聊天软件加入的换行和空格不影响',
    'cli.opt.exceptionDevice':
      '设备：其指纹（64 位十六进制，见 `baomi usb list`）或 vid:pid:serial，如 0781:5581:4C530001',
    'cli.opt.exceptionUser': '可以使用该设备的人：其在终端上的登录名',
    'cli.opt.exceptionFor': '时长：正整数加单位 s、m、h 或 d，如 2h（最长 31d）',
    'cli.opt.exceptionFrom':
      '开始时间：带时区的 RFC 3339，如 2026-12-01T09:00:00+08:00（默认：现在）',
    'cli.opt.exceptionHost': '仅在这台计算机上有效（主机名；默认：信任该密钥的任何计算机）',
    'cli.opt.exceptionReason': '事由（最多 500 个字符；与例外一同记录，并显示给当事人）',
    'cli.opt.exceptionKey': '由 `baomi exception keygen` 生成的例外私钥（须仅属主可读）',
    'cli.opt.exceptionOut': '令牌写入的文件（默认：当前目录下的 <id>.bmx；从不覆盖）',
    'cli.opt.exceptionLog': '追加记录的签发日志（默认：私钥旁的 exceptions-issued.log）',
    'cli.opt.noQr': '不显示二维码（本来也只在输出到终端时显示）',
    'cli.opt.exceptionFile': '从该文件（.bmx 文件）读取令牌',
    'cli.opt.exceptionSocket':
      '询问代理的套接字（默认：先本人代理的 admin.sock、agent.sock，再系统代理的）',
    'cli.exception.keygenDone':
      '已写出 {{key}}（私钥，务必保密：持有者可以打开 USB 端口）和 {{pub}}（安装到各终端的 /etc/baomi/trust/exceptions/）。',
    'cli.exception.issued':
      '已签发例外 {{id}}：设备 {{device}}，用户 {{user}}，计算机 {{host}}，自 {{from}} 至 {{until}}。',
    'cli.exception.anyHost': '信任该密钥的任何计算机',
    'cli.exception.written':
      '令牌已写入 {{file}}（权限 0600）并记入 {{log}}。请将其（文本、文件或二维码）交给 {{user}}，由其在终端上运行：baomi exception redeem --file {{name}}',
    'cli.exception.qrSkipped':
      '未显示二维码：需要 {{width}} 列，终端只有 {{columns}} 列（缩短事由可使二维码变小）。',
    'cli.exception.redeemed':
      '例外已生效：设备 {{device}}，用户 {{user}}，自 {{from}} 至 {{until}}。',
    'cli.exception.reason': '事由：{{reason}}',
  },
} satisfies Catalog;

/** The codes only `baomi exception` raises; the compiler checks both languages. */
export const exceptionCliCodeMessages = {
  en: {
    EXCEPTION_ISSUE_KEY_READABLE:
      '{{file}} has mode {{mode}}: other users can read or change it, and whoever reads it can open USB ports on every computer that trusts its public key. Run `chmod 600 {{file}}`; if others may have read it, make a new key and remove the old .pub from the workstations.',
    EXCEPTION_ISSUE_BAD_KEY:
      '{{file}} is not an Ed25519 private key in PKCS#8 PEM; make one with `baomi exception keygen NAME`.',
    EXCEPTION_ISSUE_BAD_DEVICE:
      'Cannot read --device "{{value}}": give the device hash (64 hex digits, as `baomi usb list` shows it) or vid:pid:serial (e.g. 0781:5581:4C530001).',
    EXCEPTION_ISSUE_BAD_USER:
      '--user "{{value}}" is not a user name: give the person’s login name (at most 256 characters, no control characters, no spaces around it).',
    EXCEPTION_ISSUE_BAD_HOST:
      '--host "{{value}}" is not a host name: letters, digits, ".", "-" and "_", as `hostname` prints it.',
    EXCEPTION_ISSUE_BAD_REASON:
      '--reason must say why in plain text: not empty, without control characters or text-direction overrides.',
    EXCEPTION_ISSUE_BAD_DURATION:
      'Cannot read --for "{{value}}": write a positive whole number with s, m, h or d, e.g. 30m, 2h, 1d.',
    EXCEPTION_ISSUE_BAD_FROM:
      'Cannot read --from "{{value}}": write an RFC 3339 date-time with its zone, e.g. 2026-12-01T09:00:00+08:00.',
    EXCEPTION_ISSUE_ENDED:
      'This exception would end at {{notAfter}}, which has passed. Check --from and --for.',
    EXCEPTION_ISSUE_FILE_EXISTS:
      '{{file}} already exists; a token file is never overwritten. Choose another --out.',
    EXCEPTION_REDEEM_NO_TOKEN: 'Give the token or --file FILE (one of the two).',
    EXCEPTION_REDEEM_NO_AGENT:
      'No Baomi agent answers on this computer, so the token was not redeemed (it is still unused). Tried, in order: {{tried}}. Is the agent running? Or pass --socket PATH.',
    EXCEPTION_REDEEM_UNSUPPORTED:
      'The agent on {{socket}} cannot redeem exceptions yet (this version has no USB device control). The token was not used: it stays valid until {{until}}. Ask IT to update the agent.',
    EXCEPTION_REQUEST_NO_AGENT:
      'No Baomi agent answers on this computer, so nothing was requested. Tried, in order: {{tried}}. Is the agent running? Or pass --socket PATH.',
  },
  'zh-CN': {
    EXCEPTION_ISSUE_KEY_READABLE:
      '{{file}} 的权限为 {{mode}}：其他用户可以读取或修改它，而读到它的人可以在所有信任其公钥的计算机上打开 USB 端口。请运行 `chmod 600 {{file}}`；若他人可能已读取过，请生成新密钥，并从各终端删除旧的 .pub。',
    EXCEPTION_ISSUE_BAD_KEY:
      '{{file}} 不是 PKCS#8 PEM 格式的 Ed25519 私钥；请用 `baomi exception keygen NAME` 生成。',
    EXCEPTION_ISSUE_BAD_DEVICE:
      '无法识别 --device“{{value}}”：请给出设备指纹（64 位十六进制，见 `baomi usb list`）或 vid:pid:serial（如 0781:5581:4C530001）。',
    EXCEPTION_ISSUE_BAD_USER:
      '--user“{{value}}”不是用户名：请给出当事人的登录名（最多 256 个字符，不含控制字符，前后无空格）。',
    EXCEPTION_ISSUE_BAD_HOST:
      '--host“{{value}}”不是主机名：只能含字母、数字、“.”、“-”和“_”，即 `hostname` 显示的名称。',
    EXCEPTION_ISSUE_BAD_REASON:
      '--reason 须用纯文本写明事由：不能为空，不含控制字符或文字方向控制符。',
    EXCEPTION_ISSUE_BAD_DURATION:
      '无法识别 --for“{{value}}”：请写正整数加单位 s、m、h 或 d，如 30m、2h、1d。',
    EXCEPTION_ISSUE_BAD_FROM:
      '无法识别 --from“{{value}}”：请写带时区的 RFC 3339 时间，如 2026-12-01T09:00:00+08:00。',
    EXCEPTION_ISSUE_ENDED: '该例外将于 {{notAfter}} 结束，而该时间已过。请检查 --from 和 --for。',
    EXCEPTION_ISSUE_FILE_EXISTS: '{{file}} 已存在；令牌文件从不覆盖。请另选 --out。',
    EXCEPTION_REDEEM_NO_TOKEN: '请给出令牌或 --file FILE（二者选一）。',
    EXCEPTION_REDEEM_NO_AGENT:
      '本机没有保密代理应答，因此令牌未被兑换（仍未使用）。依次尝试了：{{tried}}。代理是否在运行？也可指定 --socket PATH。',
    EXCEPTION_REDEEM_UNSUPPORTED:
      '{{socket}} 上的代理尚不能兑换例外（此版本没有 USB 设备管控）。令牌未被使用，在 {{until}} 之前仍然有效。请联系 IT 升级代理。',
    EXCEPTION_REQUEST_NO_AGENT:
      '本机没有保密代理应答，因此未提交任何申请。依次尝试了：{{tried}}。代理是否在运行？也可指定 --socket PATH。',
  },
} satisfies Catalog & CodeCatalog<ExceptionCliCode>;

export const exceptionCliCatalogs: readonly Catalog[] = [
  exceptionCliMessages,
  exceptionCliCodeMessages,
];
