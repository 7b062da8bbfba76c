// What the `baomi` command says, in both languages. Keys: cli.* (help and output),
// CLI_* (errors, by stable code). The socket's SOCKET_* / PROTOCOL_* are in core
// (src/core/codes/protocol.ts): the tray shows them too.
import type { CliErrorCode } from '../core/codes/index.js';
import type { Catalog, CodeCatalog } from '../core/i18n/types.js';

export const cliMessages: Catalog = {
  en: {
    'cli.title.Usage:': 'Usage:',
    'cli.title.Options:': 'Options:',
    'cli.title.Commands:': 'Commands:',
    'cli.title.Arguments:': 'Arguments:',
    'cli.title.Global Options:': 'Global Options:',
    'cli.description':
      'Baomi (保密) endpoint data-leak-prevention agent: run the agent, read and verify its tamper-evident event log, sign policies.',
    'cli.opt.help': 'show help for this command',
    'cli.opt.version': 'print the version',
    'cli.opt.lang': 'language of messages: en or zh-CN (default: from LANG)',
    'cli.cmd.help': 'show help for a command',
    'cli.cmd.agent': 'run the agent in the foreground (Ctrl-C stops it cleanly)',
    'cli.cmd.events':
      'list recorded events (from the running agent, or a data dir read-only); SEAT USER is who was at the console then, not who changed a file (the OS does not say)',
    'cli.cmd.verify':
      'walk the hash chain of the event log, check that it reaches chain.head, and name every break',
    'cli.cmd.status':
      'show the policy in force, folders watched, events stored and waiting to sync',
    'cli.cmd.policy': 'create keys, sign and validate policy files (for IT)',
    'cli.cmd.keygen': 'create an Ed25519 key pair NAME.key (private, 0600) and NAME.pub',
    'cli.cmd.sign': 'sign FILE with a private key, writing FILE.sig',
    'cli.cmd.validate': 'check FILE against the schema and, with --trust-dir, its signature',
    'cli.cmd.policyStatus':
      'the policy in force, and the last policy file refused since then and why (from the agent or a data dir)',
    'cli.arg.name': 'key name, e.g. it-2026',
    'cli.arg.file': 'policy file (YAML or JSON)',
    'cli.opt.policy': 'policy file to enforce and watch (default: {{default}})',
    'cli.opt.dataDir': 'data directory holding baomi.db (default: {{default}})',
    'cli.opt.dataDirRead':
      'read the database in this data directory read-only instead of asking the agent',
    'cli.opt.trustDir':
      'trust directory: its policy/ folder holds the keys trusted to sign policies, its exceptions/ folder those trusted to sign exception tokens (default: {{default}})',
    'cli.opt.trustDirValidate': 'also check FILE.sig against the keys in DIR/policy/',
    'cli.opt.socketDir': 'directory for agent.sock and admin.sock (default: {{default}})',
    'cli.opt.socket':
      'ask the agent on this socket (default: admin.sock, then agent.sock, in {{default}}, then in {{system}}, then the default data dir read-only)',
    'cli.opt.socketOne':
      'ask the agent on this socket (default: admin.sock, then agent.sock, in {{default}}, then the default data dir read-only)',
    'cli.opt.trustDemo': 'also trust the bundled DEMO key (development only; never in production)',
    'cli.opt.enforce':
      'seal the USB ports and block what the policy blocks (root; the systemd unit passes it; without it devices are only decided and recorded)',
    'cli.opt.sysfsRoot':
      'read and write USB devices under DIR instead of /sys (tests: a prepared tree)',
    'cli.opt.out': 'directory to write the keys into (default: the current directory)',
    'cli.opt.key': 'private key file (PKCS#8 PEM) made by `baomi policy keygen`',
    'cli.opt.at':
      'check issued/expires against this moment instead of now (RFC 3339, e.g. 2027-01-01T00:00:00Z)',
    'cli.opt.json': 'print JSON, one object per line',
    'cli.cmd.usb': 'USB devices: what is plugged in and what policy decided',
    'cli.cmd.usbRelease':
      'undo the USB seal for good, when the agent is being removed (root; refused while an agent runs): new devices get their drivers as the system does by default',
    'cli.opt.releaseSocket':
      'an agent socket to check as well (every place status tries is checked anyway, and on Linux every running baomi agent --enforce)',
    'cli.cmd.usbList':
      'list the USB devices present now and seen recently, with the verdict and the rule that decided',
    'cli.opt.rule': 'print a ready-to-paste policy rule for each device (under usb.rules:)',
    'cli.usb.enforcing': 'USB enforcement: on (new devices wait until they are decided)',
    'cli.usb.notEnforcing':
      'USB enforcement: off ({{reason}}); the verdicts below are what policy decides',
    'cli.usb.none': 'No USB devices seen yet.',
    'cli.usb.noRule': 'no rule can name this device (its ids and descriptors are unreadable)',
    'cli.usb.present': 'present',
    'cli.usb.gone': 'removed',
    'cli.usb.noHash': '(no hash: descriptors unreadable)',
    'cli.usb.release.done':
      'USB released for good: devices plugged in from now on get their drivers as the system does by default ({{released}}). Devices held back now stay so until they are plugged in again.',
    'cli.usb.release.nothing':
      'Nothing the agent sealed is sealed now: there is nothing to release.',
    'cli.usb.release.kept':
      'Left sealed as this computer sets it itself, from before the agent (the kernel command line, a machine policy): {{kept}}.',
    'cli.usb.release.still':
      'Still sealed: {{still}}. Run `baomi usb release` again as root (Administrator on Windows); on Linux a reboot also opens the ports once the agent is gone.',
    'cli.usb.head.state': 'STATE',
    'cli.usb.head.verdict': 'VERDICT',
    'cli.usb.head.id': 'VENDOR:PRODUCT',
    'cli.usb.head.serial': 'SERIAL',
    'cli.usb.head.class': 'CLASS',
    'cli.usb.head.name': 'NAME',
    'cli.usb.head.rule': 'DECIDED BY',
    'cli.usb.head.lastSeen': 'LAST SEEN ({{zone}})',
    'cli.usb.head.hash': 'HASH',
    'cli.usb.verdict.allow': 'allow',
    'cli.usb.verdict.block': 'block',
    'cli.usb.verdict.read-only': 'read-only',
    'cli.usb.verdict.audit': 'audit',
    'cli.opt.csv': 'print CSV with a header row',
    'cli.opt.type': 'only these event types (repeatable; "file.*" matches a family)',
    'cli.opt.level':
      'only events at this level or higher on the same scale (A AA AAA 秘密 机密 绝密)',
    'cli.opt.severity': 'only events of this severity or higher (info low medium high critical)',
    'cli.opt.since': 'only events at or after this time (ISO 8601, or an age like 30m, 2h, 7d)',
    'cli.opt.until': 'only events before this time (ISO 8601, or an age like 30m, 2h, 7d)',
    'cli.opt.text': 'only events whose data contains this text (paths, reasons)',
    'cli.opt.limit':
      'only the newest N events, and say on stderr how many older ones were left out (default, or 0: every matching event)',
    'cli.events.cut':
      'Showing {{shown}} of {{matched}} matching events (the newest, --limit {{limit}}); {{left}} older ones left out. Use --limit 0 for all.',
    'cli.term.options': '[options]',
    'cli.term.command': '[command]',
    'cli.usage.unknownOption': 'unknown option {{name}}',
    'cli.usage.unknownCommand': 'unknown command {{name}}',
    'cli.usage.missingArgument': 'missing the argument {{name}}',
    'cli.usage.optionMissingArgument': 'the option {{name}} needs a value',
    'cli.usage.missingMandatoryOptionValue': 'the option {{name}} is required',
    'cli.usage.excessArguments': 'too many arguments: expected {{expected}}, got {{received}}',
    'cli.usage.conflictingOption': '{{name}} cannot be used with {{other}}',
    'cli.usage.didYouMean': '{{detail}} (did you mean {{suggestion}}?)',
    'cli.badUsage': 'Bad usage: {{detail}}. Run `baomi {{command}} --help` for the options.',
    'cli.internal': 'Internal error: {{detail}}. Please report it with the agent log.',
    'cli.unknownCommand':
      'Unknown command "{{name}}"{{hint}}. Run `{{command}} --help` for the list of commands.',
    'cli.didYouMean': ' (did you mean `{{command}}`?)',
    'cli.langFallback':
      'Language "{{lang}}" is not available (available: {{langs}}); messages are in English.',
    'cli.trust.keyIgnored.others':
      'Key {{file}} ignored: mode {{mode}}, writable by others. A trust anchor anyone may replace is none; make it writable by its owner only (chmod 644) if it is genuine.',
    'cli.trust.keyIgnored.group':
      'Key {{file}} ignored: mode {{mode}}, writable by its group. Make it writable by its owner only (chmod 644) if it is genuine.',
    'cli.trust.keyIgnored.owner':
      'Key {{file}} ignored: it (or its folder) belongs to a user other than root or the agent’s own, who could replace it. Give it to root (chown root: and chmod 644) if it is genuine.',
    'cli.trust.keyIgnored.folder':
      'Key {{file}} ignored: its folder {{folder}} (mode {{folderMode}}) can be written by someone other than root or the agent’s own user, who could swap the key. If the key is genuine, give the folder to root and make it writable by its owner only (chown root: {{folder}}; chmod 755 {{folder}}).',
    'cli.trust.keyIgnored.link':
      'Key {{file}} ignored: it is a symbolic link, and whoever controls its target could replace the key. Put the .pub file itself there.',
    'cli.trust.policyDirItself':
      '{{dir}} holds .pub keys itself but has no policy/ folder: --trust-dir names the parent of policy/ (the trust dir holds policy/ and exceptions/). Use --trust-dir {{parent}}.',
    'cli.reason.ENOENT': 'it does not exist',
    'cli.reason.ENOTDIR': 'a part of the path is a file, not a folder',
    'cli.reason.EISDIR': 'it is a folder, not a file',
    'cli.reason.ENOTREG': 'it is not a regular file',
    'cli.reason.EACCES': 'permission denied',
    'cli.reason.EPERM': 'operation not permitted',
    'cli.reason.EROFS': 'the file system is read-only',
    'cli.reason.ENOSPC': 'the disk is full',
    'cli.reason.EFBIG': 'the file is too large',
    'cli.reason.ELOOP': 'too many symbolic links',
    'cli.reason.ECONNREFUSED': 'nothing is listening there',
    'cli.reason.ENOTSOCK': 'it is not a socket',
    'cli.reason.other': 'system error {{code}}',
    'cli.triedPlace': '{{place}} ({{reason}})',
    'cli.listSeparator': '; ',
    'cli.events.ownOnly':
      'Asked the agent on {{socket}}, which shows only your own events (those recorded while you were the person at the console). Run as root (sudo) to see every event.',
    'cli.head.seq': 'SEQ',
    'cli.head.time': 'TIME',
    'cli.head.timeZone': 'TIME ({{zone}})',
    'cli.events.hashOf': '(hash of event {{seq}})',
    'cli.events.baseline': '[baseline: there at the first scan]',
    'cli.events.offline': '[changed while the agent was not running]',
    'cli.events.usb.serial': 'serial {{serial}}',
    'cli.events.usb.atStart': '[present at start]',
    'cli.events.usb.audit': '[audit: allowed and recorded]',
    'cli.events.usb.interfaces': '[interfaces: {{list}}]',
    'cli.events.usb.applied': '[policy: {{verdict}}; held as {{applied}}]',
    'cli.events.usb.readOnlyFellBack': '[read-only cannot be guaranteed here: blocked instead]',
    'cli.events.usb.gone': '[left while it was being decided]',
    'cli.events.usb.notEnforced': '[enforced: false: decided and recorded, nothing blocked]',
    'cli.events.usb.why.start': 'at start',
    'cli.events.usb.why.check': 'found by the seal check',
    'cli.events.usb.why.new-controller': 'found when a USB controller appeared',
    'cli.events.usb.why.while-stopped': 'found at start: opened while the agent was stopped',
    'cli.events.usb.lostResealed': 'USB ports found open: {{open}} ({{why}}); sealed again',
    'cli.events.usb.lostDevice':
      'NOT HELD: {{device}}: policy {{verdict}}, the system still holds it {{applied}} ({{reason}}); tried again every minute',
    'cli.events.usb.exceptionEnded':
      'exception {{id}} for {{device}} ({{user}}) ended: its window closed at {{notAfter}}',
    'cli.events.usb.exceptionGranted':
      'exception {{id}} allows {{device}} for {{user}} from {{notBefore}} until {{notAfter}}, because: {{reason}}',
    'cli.events.usb.lostOpen':
      'USB ports found open: {{open}} ({{why}}); still open: {{stillOpen}}: {{reason}}',
    'cli.opt.hashes':
      'show file.hashed events as rows of their own (the table folds each into the event it completes; --json and --csv always hold them)',
    'cli.opt.utc': 'write times in UTC instead of the local zone (table and CSV)',
    'cli.head.type': 'TYPE',
    'cli.head.severity': 'SEVERITY',
    'cli.head.level': 'LEVEL',
    'cli.head.user': 'SEAT USER',
    'cli.head.detail': 'DETAIL',
    'cli.events.none': 'No events match.',
    'cli.verify.ok': 'Chain intact: {{checked}} events checked (seq {{first}} to {{last}}).',
    'cli.verify.empty': 'Chain intact: the log is empty.',
    'cli.verify.broken':
      'Chain BROKEN: {{count}} place(s) where it does not hold ({{checked}} events read). Keep the data directory (baomi.db with its -wal, and chain.head) as evidence and report it to security staff.',
    'cli.verify.tailUnchecked':
      'The end of the log was not checked: there is no chain.head beside it, and no agent that keeps one has run on it yet (a Baomi that did not keep chain.head yet wrote it; the agent writes one at its next start). Events removed from the end would not show.',
    'cli.status.policy': 'Policy in force: {{name}} (version {{version}})',
    'cli.status.noPolicy': 'Policy in force: none (no valid signed policy has been applied yet)',
    'cli.status.policyProblem': 'Policy problem: {{text}}',
    'cli.status.folders': 'Classified folders: {{count}} in the policy, {{watching}} watched',
    'cli.status.hashes': 'Files waiting for their SHA-256: {{count}}',
    'cli.status.events': 'Events stored: {{stored}}, waiting to sync: {{unsynced}}',
    'cli.status.eventsLocal':
      'Events stored: {{stored}}; no console configured (the policy names none: events stay on this computer)',
    'cli.status.eventsSync':
      'Events stored: {{stored}}, waiting to sync to {{console}}: {{unsynced}}',
    'cli.status.policyRejected': 'Last policy refused ({{at}}, event {{seq}}): {{reason}}',
    'cli.policyStatus.noRejection':
      'No policy file has been refused since the policy in force was applied.',
    'cli.policyStatus.file': 'Refused file: {{file}}',
    'cli.policyStatus.problem': '  also: {{text}}',
    'cli.policyStatus.moreProblems':
      '  … and {{count}} more problem(s), not recorded; `baomi policy validate {{file}}` lists them all.',
    'cli.status.moreProblems':
      '  (and {{count}} more problem(s) in that file: baomi policy status)',
    'cli.policyStatus.hint': 'The full record: baomi events --type policy.rejected --json',
    'cli.status.idle': 'Idle source: {{source}}',
    'cli.status.watermark': 'Screen watermark (drawn by the tray): {{text}}',
    'cli.cmd.pledge': 'show the confidentiality pledge and whether you confirmed it',
    'cli.opt.pledgeAccept': 'confirm the pledge just shown (recorded as policy.acknowledged)',
    'cli.opt.pledgeSocket': 'the agent socket (agent.sock) to ask',
    'cli.pledge.title': 'Confidentiality pledge (policy version {{version}}):',
    'cli.pledge.none': 'The policy in force asks no confidentiality pledge.',
    'cli.pledge.confirmed': 'You have confirmed this text.',
    'cli.pledge.notConfirmed':
      'You have not confirmed this text yet. To confirm it: baomi pledge --accept',
    'cli.pledge.whoUnknown':
      'The agent cannot tell who you are (no seat token for you): run this in your own session at this computer.',
    'cli.pledge.accepted':
      'Confirmed: recorded in the log as policy.acknowledged (event {{seq}}, policy version {{version}}).',
    'cli.status.idleSource.x11': 'X11 screen saver',
    'cli.status.idleSource.logind': 'systemd-logind',
    'cli.status.idleSource.windows': 'Windows',
    'cli.status.idleSource.macos': 'macOS',
    'cli.status.idleSource.tray': 'the Baomi tray',
    'cli.status.idleSource.none': 'none (idle time is not measured)',
    'cli.status.usb': 'USB enforcement: {{state}}',
    'cli.status.usbLostResealed':
      '  found open at {{at}}: {{open}}; sealed again (usb.enforcement-lost)',
    'cli.status.usbLostOpen': '  found open at {{at}}: {{open}}; could not be sealed again',
    'cli.status.usbFailed':
      '  NOT HELD as policy decides: {{devices}} (usb.enforcement-lost; tried again every minute)',
    'cli.status.usbAsOf': '  (as the agent last read it, at {{at}}; no running agent reads it now)',
    'cli.status.on': 'on',
    'cli.status.running': 'Agent: running (this answer is live)',
    'cli.status.notRunning':
      'Agent: no answer from a running agent; read from the data directory (as last recorded)',
    'cli.status.folder': '  {{path}}  [{{level}}]  {{state}}',
    'cli.status.folderWhy': '  {{path}}  [{{level}}]  {{state}}: {{reason}}',
    'cli.status.state.watching': 'watched',
    'cli.status.state.starting': 'starting',
    'cli.status.state.limited': 'partly watched (the rest by scans)',
    'cli.status.state.missing': 'does not exist (watched for when it appears)',
    'cli.status.state.failed': 'NOT WATCHED',
    'cli.status.seat':
      'Seat user: {{user}} (from {{source}}; recorded as the user of new events: who was at the console, not who changed a file)',
    'cli.status.noSeat':
      'Seat user: unknown (session source: {{source}}); events are recorded without a user',
    'cli.status.source.logind': 'systemd-logind',
    'cli.status.source.utmp': 'utmp',
    'cli.status.source.wts': 'Windows sessions',
    'cli.status.source.macos': 'the macOS console user',
    'cli.status.source.fake': 'a test double',
    'cli.status.source.none': 'none found',
    'cli.status.usbOff': 'USB enforcement: {{state}} ({{reason}})',
    'cli.status.off': 'off',
    'cli.keygen.done':
      'Wrote {{key}} (private, keep it secret) and {{pub}} (copy to each trust dir policy/ folder).',
    'cli.sign.done': 'Wrote {{sig}}.',
    'cli.validate.ok': '{{file}}: valid policy "{{name}}" version {{version}}{{at}}.',
    'cli.validate.okSigned':
      '{{file}}: valid policy "{{name}}" version {{version}}{{at}}, signed by {{key}}.',
    'cli.validate.at': ' at {{at}}',
    'cli.validate.error': '{{file}}:{{line}}:{{col}}: {{message}}',
    'cli.validate.errorNoPos': '{{file}}: {{message}}',
    'cli.validate.noUsableKey':
      'none of the {{count}} key(s) in {{keysDir}} can be trusted (each is named above, with what to fix), so no policy can be accepted.',
    'cli.validate.warning': '{{file}}:{{line}}:{{col}}: warning: {{message}}',
    CLI_BAD_TIME:
      'Cannot read the time "{{value}}": use ISO 8601 (2026-11-27T08:00:00Z) or an age like 30m, 2h, 7d.',
    CLI_BAD_AT:
      'Cannot read --at "{{value}}": write an RFC 3339 date-time with its zone, e.g. 2027-01-01T00:00:00Z or 2027-01-01T08:00:00+08:00.',
    CLI_BAD_NUMBER: 'Expected a whole number for {{option}} (0 for no limit), got "{{value}}".',
    CLI_BAD_CHOICE: 'Unknown {{option}} "{{value}}": choose one of {{choices}}.',
    CLI_BOTH_SOURCES: 'Give either --data-dir or --socket, not both.',
    CLI_OUT_NOT_FOLDER: '--out {{dir}} is a file, not a folder: give the folder the keys go in.',
    CLI_USB_AGENT_RUNNING:
      'An agent answers on {{socket}}: it would seal the USB ports again at its next check. Stop it first (Linux: systemctl stop baomi-agent; Windows: Stop-Service baomi-agent), then run `baomi usb release` again. Nothing was changed.',
    CLI_USB_AGENT_PROCESS:
      'A Baomi agent enforcing USB runs as process {{pid}}: it would seal the USB ports again at its next check. Stop it first (Linux: systemctl stop baomi-agent, or end that process), then run `baomi usb release` again. Nothing was changed.',
    CLI_USB_RELEASE_DENIED:
      'Cannot release USB here ({{reason}}). Nothing was changed: run it as root (Administrator on Windows).',
    CLI_SIG_EMPTY:
      '{{sig}} is empty, so agents take the policy as unsigned and refuse it. Sign it again with `baomi policy sign {{file}} --key KEY` and deploy both files.',
    CLI_EMPTY_VALUE:
      '{{option}} was given an empty value, which would match everything; leave the option out for no filter.',
    CLI_EMPTY_OPTION:
      '{{option}} was given an empty value: give one, or leave the option out. Nothing was sent.',
    CLI_BAD_USAGE: 'Bad usage: {{detail}}. Run the command with --help for its options.',
    CLI_UNKNOWN_COMMAND: 'There is no command {{name}}. Run `baomi --help` for the commands.',
    CLI_TIME_RANGE:
      '--since ({{since}}) is after --until ({{until}}): no event can match; swap them.',
    CLI_FILE_EXISTS:
      '{{file}} already exists; keys are never overwritten. Choose another name or folder.',
    CLI_READ_FAILED: 'Cannot read {{file}}: {{reason}}.',
    CLI_WRITE_FAILED: 'Cannot write {{file}}: {{reason}}.',
    CLI_BAD_KEY_NAME:
      'The key name "{{name}}" cannot be used: use letters, digits, ".", "-" or "_" (e.g. it-2026).',
    CLI_BAD_KEY:
      '{{file}} is not an Ed25519 private key in PKCS#8 PEM; make one with `baomi policy keygen NAME`.',
    CLI_NO_AGENT:
      'No agent answers and there is no database to read. Tried, in order: {{tried}}. Start the agent (`npm start` or `baomi agent`), or pass --data-dir DIR or --socket PATH.',
  },
  'zh-CN': {
    'cli.title.Usage:': '用法：',
    'cli.title.Options:': '选项：',
    'cli.title.Commands:': '命令：',
    'cli.title.Arguments:': '参数：',
    'cli.title.Global Options:': '全局选项：',
    'cli.description':
      '保密（Baomi）终端防泄密代理：运行代理，查看并校验防篡改事件日志，签署策略。',
    'cli.opt.help': '显示本命令的帮助',
    'cli.opt.version': '显示版本号',
    'cli.opt.lang': '提示语言：en 或 zh-CN（默认取自 LANG）',
    'cli.cmd.help': '显示某个命令的帮助',
    'cli.cmd.agent': '在前台运行代理（按 Ctrl-C 可干净地停止）',
    'cli.cmd.events':
      '列出已记录的事件（来自运行中的代理，或以只读方式读取数据目录）；“座席用户”是当时坐在终端前的人，而不是修改文件的人（操作系统不提供此信息）',
    'cli.cmd.verify': '校验事件日志的哈希链及其是否到达 chain.head，并列出每一处断裂',
    'cli.cmd.status': '显示生效的策略、受监视的目录、已存储和待同步的事件数',
    'cli.cmd.policy': '生成密钥、签署并校验策略文件（供 IT 使用）',
    'cli.cmd.keygen': '生成 Ed25519 密钥对 NAME.key（私钥，权限 0600）和 NAME.pub',
    'cli.cmd.sign': '用私钥签署 FILE，写出 FILE.sig',
    'cli.cmd.validate': '按策略结构（schema）校验 FILE；指定 --trust-dir 时同时校验其签名',
    'cli.cmd.policyStatus':
      '显示生效的策略，以及此后最近一次被拒绝的策略文件和原因（来自代理或数据目录）',
    'cli.arg.name': '密钥名称，例如 it-2026',
    'cli.arg.file': '策略文件（YAML 或 JSON）',
    'cli.opt.policy': '要执行并监视的策略文件（默认：{{default}}）',
    'cli.opt.dataDir': '存放 baomi.db 的数据目录（默认：{{default}}）',
    'cli.opt.dataDirRead': '以只读方式读取该数据目录中的数据库，而不询问代理',
    'cli.opt.trustDir':
      '信任目录：其 policy/ 子目录存放可签发策略的公钥，exceptions/ 子目录存放可签发例外令牌的公钥（默认：{{default}}）',
    'cli.opt.trustDirValidate': '同时用 DIR/policy/ 中的公钥校验 FILE.sig',
    'cli.opt.socketDir': 'agent.sock 与 admin.sock 所在目录（默认：{{default}}）',
    'cli.opt.socket':
      '通过该套接字询问代理（默认：依次尝试 {{default}} 中的 admin.sock、agent.sock，再尝试 {{system}} 中的，最后以只读方式读取默认数据目录）',
    'cli.opt.socketOne':
      '通过该套接字询问代理（默认：依次尝试 {{default}} 中的 admin.sock、agent.sock，最后以只读方式读取默认数据目录）',
    'cli.opt.trustDemo': '同时信任随附的 DEMO 密钥（仅供开发，切勿用于生产）',
    'cli.opt.enforce':
      '封闭 USB 端口并拦截策略禁止的设备（需 root；systemd 服务会传入此参数；不加时只判定和记录设备）',
    'cli.opt.sysfsRoot': '在 DIR 下而非 /sys 中读写 USB 设备（供测试使用预先准备的目录树）',
    'cli.opt.out': '写入密钥的目录（默认：当前目录）',
    'cli.opt.key': '由 `baomi policy keygen` 生成的私钥文件（PKCS#8 PEM）',
    'cli.opt.at': '按此时刻而非当前时间检查 issued/expires（RFC 3339，如 2027-01-01T00:00:00Z）',
    'cli.opt.json': '以 JSON 输出，每行一个对象',
    'cli.cmd.usb': 'USB 设备：插入了什么、策略如何判定',
    'cli.cmd.usbRelease':
      '卸载代理时永久解除 USB 封闭（需 root；代理运行时拒绝执行）：此后新设备按系统默认方式加载驱动',
    'cli.opt.releaseSocket':
      '另外检查的代理套接字（status 尝试的所有位置总会检查；在 Linux 上还会检查所有运行中的 baomi agent --enforce）',
    'cli.cmd.usbList': '列出当前插入及近期出现过的 USB 设备，以及判定结果和所依据的规则',
    'cli.opt.rule': '为每个设备输出一条可直接粘贴的策略规则（放在 usb.rules: 下）',
    'cli.usb.enforcing': 'USB 管控：开启（新设备在判定前保持未授权）',
    'cli.usb.notEnforcing': 'USB 管控：关闭（{{reason}}）；下表为策略的判定结果',
    'cli.usb.none': '尚未发现 USB 设备。',
    'cli.usb.noRule': '无法为此设备写规则（其 ID 与描述符均不可读）',
    'cli.usb.present': '已插入',
    'cli.usb.gone': '已拔出',
    'cli.usb.noHash': '（无指纹：描述符不可读）',
    'cli.usb.release.done':
      '已永久解除 USB 封闭：此后插入的设备将按系统默认方式加载驱动（{{released}}）。当前被拦截的设备需重新插入后才会生效。',
    'cli.usb.release.nothing': '代理所做的封闭当前均已不在：无需解除。',
    'cli.usb.release.kept':
      '以下项保持封闭，因为本机在安装代理之前就自行如此设置（内核命令行、计算机策略）：{{kept}}。',
    'cli.usb.release.still':
      '仍处于封闭状态：{{still}}。请以 root（Windows 上为管理员）身份再次运行 `baomi usb release`；在 Linux 上，卸载代理后重启也会打开端口。',
    'cli.usb.head.state': '状态',
    'cli.usb.head.verdict': '判定',
    'cli.usb.head.id': '厂商:产品',
    'cli.usb.head.serial': '序列号',
    'cli.usb.head.class': '类别',
    'cli.usb.head.name': '名称',
    'cli.usb.head.rule': '判定依据',
    'cli.usb.head.lastSeen': '最近出现（{{zone}}）',
    'cli.usb.head.hash': '指纹',
    'cli.usb.verdict.allow': '允许',
    'cli.usb.verdict.block': '阻止',
    'cli.usb.verdict.read-only': '只读',
    'cli.usb.verdict.audit': '审计',
    'cli.opt.csv': '以带表头的 CSV 输出',
    'cli.opt.type': '只看这些事件类型（可重复；"file.*" 匹配一类）',
    'cli.opt.level': '只看同一体系中不低于此密级的事件（A AA AAA 秘密 机密 绝密）',
    'cli.opt.severity': '只看不低于此严重程度的事件（info low medium high critical）',
    'cli.opt.since': '只看此时间及之后的事件（ISO 8601，或 30m、2h、7d 这样的时长）',
    'cli.opt.until': '只看此时间之前的事件（ISO 8601，或 30m、2h、7d 这样的时长）',
    'cli.opt.text': '只看数据中包含此文字的事件（路径、原因）',
    'cli.opt.limit':
      '只显示最新的 N 条，并在标准错误上说明略去了多少条更早的事件（默认或 0：全部匹配的事件）',
    'cli.events.cut':
      '显示 {{matched}} 条匹配事件中最新的 {{shown}} 条（--limit {{limit}}），略去更早的 {{left}} 条。用 --limit 0 显示全部。',
    'cli.term.options': '[选项]',
    'cli.term.command': '[命令]',
    'cli.usage.unknownOption': '未知选项 {{name}}',
    'cli.usage.unknownCommand': '未知命令 {{name}}',
    'cli.usage.missingArgument': '缺少参数 {{name}}',
    'cli.usage.optionMissingArgument': '选项 {{name}} 需要一个取值',
    'cli.usage.missingMandatoryOptionValue': '必须指定选项 {{name}}',
    'cli.usage.excessArguments': '参数过多：应为 {{expected}} 个，实际为 {{received}} 个',
    'cli.usage.conflictingOption': '{{name}} 不能与 {{other}} 同时使用',
    'cli.usage.didYouMean': '{{detail}}（是否想输入 {{suggestion}}？）',
    'cli.badUsage': '用法错误：{{detail}}。运行 `baomi {{command}} --help` 查看选项。',
    'cli.internal': '内部错误：{{detail}}。请连同代理日志一起报告。',
    'cli.unknownCommand': '未知命令“{{name}}”{{hint}}。运行 `{{command}} --help` 查看可用命令。',
    'cli.didYouMean': '（是否要用 `{{command}}`？）',
    'cli.langFallback': '没有“{{lang}}”语言（可用：{{langs}}），以下提示使用英文。',
    'cli.trust.keyIgnored.others':
      '已忽略密钥 {{file}}：权限 {{mode}}，其他用户可写。任何人都能替换的信任锚不可信；若确为正本，请改为仅属主可写（chmod 644）。',
    'cli.trust.keyIgnored.group':
      '已忽略密钥 {{file}}：权限 {{mode}}，同组用户可写。若确为正本，请改为仅属主可写（chmod 644）。',
    'cli.trust.keyIgnored.owner':
      '已忽略密钥 {{file}}：它（或其所在目录）属于 root 和代理自身用户以外的用户，该用户可以替换它。若确为正本，请交给 root（chown root: 并 chmod 644）。',
    'cli.trust.keyIgnored.folder':
      '已忽略密钥 {{file}}：其所在目录 {{folder}}（权限 {{folderMode}}）可被 root 和代理自身用户以外的人写入，他们可以调换密钥。若密钥确为正本，请把该目录交给 root 并改为仅属主可写（chown root: {{folder}}；chmod 755 {{folder}}）。',
    'cli.trust.keyIgnored.link':
      '已忽略密钥 {{file}}：它是符号链接，控制其目标的人就能替换密钥。请在此处放置 .pub 文件本身。',
    'cli.trust.policyDirItself':
      '{{dir}} 中直接存放着 .pub 公钥，却没有 policy/ 子目录：--trust-dir 应指向 policy/ 的上级目录（信任目录下有 policy/ 和 exceptions/）。请使用 --trust-dir {{parent}}。',
    'cli.reason.ENOENT': '不存在',
    'cli.reason.ENOTDIR': '路径中有一级是文件而不是目录',
    'cli.reason.EISDIR': '这是目录，不是文件',
    'cli.reason.ENOTREG': '不是普通文件',
    'cli.reason.EACCES': '没有权限',
    'cli.reason.EPERM': '不允许该操作',
    'cli.reason.EROFS': '文件系统为只读',
    'cli.reason.ENOSPC': '磁盘已满',
    'cli.reason.EFBIG': '文件过大',
    'cli.reason.ELOOP': '符号链接层数过多',
    'cli.reason.ECONNREFUSED': '没有程序在此监听',
    'cli.reason.ENOTSOCK': '不是套接字',
    'cli.reason.other': '系统错误 {{code}}',
    'cli.triedPlace': '{{place}}（{{reason}}）',
    'cli.listSeparator': '；',
    'cli.events.ownOnly':
      '已通过 {{socket}} 询问代理，该套接字只提供你本人的事件（你作为终端前的座席用户时记录的事件）。如需查看全部事件，请以 root 身份（sudo）运行。',
    'cli.head.seq': '序号',
    'cli.head.time': '时间',
    'cli.head.timeZone': '时间（{{zone}}）',
    'cli.events.hashOf': '（事件 {{seq}} 的哈希）',
    'cli.events.baseline': '[基线：首次扫描时已存在]',
    'cli.events.offline': '[代理未运行期间的变更]',
    'cli.events.usb.serial': '序列号 {{serial}}',
    'cli.events.usb.atStart': '[启动时已插入]',
    'cli.events.usb.audit': '[审计：放行并记录]',
    'cli.events.usb.interfaces': '[接口：{{list}}]',
    'cli.events.usb.applied': '[策略：{{verdict}}；实际：{{applied}}]',
    'cli.events.usb.readOnlyFellBack': '[此处无法保证只读：改为拦截]',
    'cli.events.usb.gone': '[判定过程中已拔出]',
    'cli.events.usb.notEnforced': '[未执行管控（enforced: false）：只判定和记录，未拦截]',
    'cli.events.usb.why.start': '启动时',
    'cli.events.usb.why.check': '封闭检查时发现',
    'cli.events.usb.why.new-controller': '新 USB 控制器出现时发现',
    'cli.events.usb.why.while-stopped': '启动时发现：代理停止期间被打开',
    'cli.events.usb.lostResealed': 'USB 端口被发现处于开放状态：{{open}}（{{why}}）；已重新封闭',
    'cli.events.usb.lostDevice':
      '未能管控：{{device}}：策略为{{verdict}}，系统仍使其处于{{applied}}状态（{{reason}}）；每分钟重试',
    'cli.events.usb.exceptionEnded':
      '例外 {{id}}（{{device}}，{{user}}）已结束：有效期止于 {{notAfter}}',
    'cli.events.usb.exceptionGranted':
      '例外 {{id}} 允许 {{user}} 使用 {{device}}，有效期 {{notBefore}} 至 {{notAfter}}，理由：{{reason}}',
    'cli.events.usb.lostOpen':
      'USB 端口被发现处于开放状态：{{open}}（{{why}}）；仍未封闭：{{stillOpen}}：{{reason}}',
    'cli.opt.hashes':
      '将 file.hashed 事件单独列为一行（表格默认把它并入其所补全的事件；--json 与 --csv 始终包含它们）',
    'cli.opt.utc': '以 UTC 而非本地时区书写时间（表格与 CSV）',
    'cli.head.type': '类型',
    'cli.head.severity': '严重程度',
    'cli.head.level': '密级',
    'cli.head.user': '座席用户',
    'cli.head.detail': '详情',
    'cli.events.none': '没有符合条件的事件。',
    'cli.verify.ok': '哈希链完整：已校验 {{checked}} 条事件（序号 {{first}} 至 {{last}}）。',
    'cli.verify.empty': '哈希链完整：日志为空。',
    'cli.verify.broken':
      '哈希链已断裂：共 {{count}} 处不符（已读取 {{checked}} 条事件）。请保留数据目录（baomi.db 及其 -wal、chain.head）作为证据，并报告保密管理人员。',
    'cli.verify.tailUnchecked':
      '未能校验日志末尾：旁边没有 chain.head，且尚无会保存它的代理在此运行过（由尚不保存 chain.head 的旧版保密写入；代理下次启动时会写入）。末尾事件若被删除将无从发现。',
    'cli.status.policy': '生效策略：{{name}}（版本 {{version}}）',
    'cli.status.noPolicy': '生效策略：无（尚未应用任何有效的已签名策略）',
    'cli.status.policyProblem': '策略问题：{{text}}',
    'cli.status.folders': '涉密目录：策略中 {{count}} 个，{{watching}} 个监视中',
    'cli.status.hashes': '等待计算 SHA-256 的文件：{{count}} 个',
    'cli.status.events': '已存储事件：{{stored}} 条，待同步：{{unsynced}} 条',
    'cli.status.eventsLocal':
      '已存储事件：{{stored}} 条；未配置管理控制台（策略未指定，事件只保存在本机）',
    'cli.status.eventsSync': '已存储事件：{{stored}} 条，待同步至 {{console}}：{{unsynced}} 条',
    'cli.status.policyRejected': '最近一次被拒绝的策略（{{at}}，事件 {{seq}}）：{{reason}}',
    'cli.policyStatus.noRejection': '自生效策略应用以来，没有策略文件被拒绝。',
    'cli.policyStatus.file': '被拒绝的文件：{{file}}',
    'cli.policyStatus.problem': '  另有：{{text}}',
    'cli.policyStatus.moreProblems':
      '  ……另有 {{count}} 个问题未记录；`baomi policy validate {{file}}` 会全部列出。',
    'cli.status.moreProblems': '  （该文件另有 {{count}} 个问题：见 baomi policy status）',
    'cli.policyStatus.hint': '完整记录：baomi events --type policy.rejected --json',
    'cli.status.idle': '空闲检测来源：{{source}}',
    'cli.status.watermark': '屏幕水印（由托盘绘制）：{{text}}',
    'cli.cmd.pledge': '显示保密承诺及您是否已确认',
    'cli.opt.pledgeAccept': '确认刚显示的承诺（记录为 policy.acknowledged）',
    'cli.opt.pledgeSocket': '要询问的代理套接字（agent.sock）',
    'cli.pledge.title': '保密承诺（策略版本 {{version}}）：',
    'cli.pledge.none': '当前策略没有要求保密承诺。',
    'cli.pledge.confirmed': '您已确认此承诺。',
    'cli.pledge.notConfirmed': '您尚未确认此承诺。确认请运行：baomi pledge --accept',
    'cli.pledge.whoUnknown': '代理无法确认您的身份（您没有座席令牌）：请在本机您本人的会话中运行。',
    'cli.pledge.accepted':
      '已确认：已在日志中记录为 policy.acknowledged（事件 {{seq}}，策略版本 {{version}}）。',
    'cli.status.idleSource.x11': 'X11 屏幕保护程序',
    'cli.status.idleSource.logind': 'systemd-logind',
    'cli.status.idleSource.windows': 'Windows',
    'cli.status.idleSource.macos': 'macOS',
    'cli.status.idleSource.tray': '保密托盘程序',
    'cli.status.idleSource.none': '无（未检测空闲时间）',
    'cli.status.usb': 'USB 管控：{{state}}',
    'cli.status.usbLostResealed':
      '  {{at}} 发现被打开：{{open}}；已重新封闭（usb.enforcement-lost）',
    'cli.status.usbLostOpen': '  {{at}} 发现被打开：{{open}}；无法重新封闭',
    'cli.status.usbFailed': '  未能按策略管控：{{devices}}（usb.enforcement-lost；每分钟重试）',
    'cli.status.usbAsOf': '  （代理最后一次读取于 {{at}}；现在没有运行中的代理读取）',
    'cli.status.on': '已启用',
    'cli.status.running': '代理：正在运行（实时应答）',
    'cli.status.notRunning': '代理：没有正在运行的代理应答；以下读自数据目录（最后一次记录的状态）',
    'cli.status.folder': '  {{path}}  [{{level}}]  {{state}}',
    'cli.status.folderWhy': '  {{path}}  [{{level}}]  {{state}}：{{reason}}',
    'cli.status.state.watching': '监视中',
    'cli.status.state.starting': '启动中',
    'cli.status.state.limited': '部分监视（其余由定期扫描覆盖）',
    'cli.status.state.missing': '目录不存在（出现后即开始监视）',
    'cli.status.state.failed': '未能监视',
    'cli.status.seat':
      '当前座席用户：{{user}}（来源 {{source}}；记为新事件的用户：即当时坐在终端前的人，而非修改文件的人）',
    'cli.status.noSeat': '当前座席用户：未知（会话来源：{{source}}）；事件记录时不带用户',
    'cli.status.source.logind': 'systemd-logind',
    'cli.status.source.utmp': 'utmp',
    'cli.status.source.wts': 'Windows 会话',
    'cli.status.source.macos': 'macOS 控制台用户',
    'cli.status.source.fake': '测试替身',
    'cli.status.source.none': '未找到',
    'cli.status.usbOff': 'USB 管控：{{state}}（{{reason}}）',
    'cli.status.off': '未启用',
    'cli.keygen.done':
      '已写出 {{key}}（私钥，务必保密）和 {{pub}}（复制到各信任目录的 policy/ 子目录）。',
    'cli.sign.done': '已写出 {{sig}}。',
    'cli.validate.ok': '{{file}}：有效策略“{{name}}”，版本 {{version}}{{at}}。',
    'cli.validate.okSigned':
      '{{file}}：有效策略“{{name}}”，版本 {{version}}{{at}}，签名密钥 {{key}}。',
    'cli.validate.at': '（于 {{at}} 时有效）',
    'cli.validate.error': '{{file}}:{{line}}:{{col}}：{{message}}',
    'cli.validate.errorNoPos': '{{file}}：{{message}}',
    'cli.validate.noUsableKey':
      '{{keysDir}} 中的 {{count}} 个密钥均不可信（上文已逐一列出及修正方法），因此无法接受任何策略。',
    'cli.validate.warning': '{{file}}:{{line}}:{{col}}：警告：{{message}}',
    CLI_BAD_TIME:
      '无法识别时间“{{value}}”：请使用 ISO 8601（如 2026-11-27T08:00:00Z）或 30m、2h、7d 这样的时长。',
    CLI_BAD_AT:
      '无法识别 --at“{{value}}”：请写带时区的 RFC 3339 时间，如 2027-01-01T00:00:00Z 或 2027-01-01T08:00:00+08:00。',
    CLI_BAD_NUMBER: '{{option}} 需要一个非负整数（0 表示不限），实际为“{{value}}”。',
    CLI_BAD_CHOICE: '未知的 {{option}}“{{value}}”：请从 {{choices}} 中选择。',
    CLI_BOTH_SOURCES: '--data-dir 与 --socket 只能指定一个。',
    CLI_OUT_NOT_FOLDER: '--out {{dir}} 是文件而不是目录：请指定存放密钥的目录。',
    CLI_USB_AGENT_RUNNING:
      '{{socket}} 上有代理在应答：它会在下次检查时重新封闭 USB 端口。请先停止代理（Linux：systemctl stop baomi-agent；Windows：Stop-Service baomi-agent），再运行 `baomi usb release`。未做任何更改。',
    CLI_USB_AGENT_PROCESS:
      '进程 {{pid}} 是正在管控 USB 的 Baomi 代理：它会在下次检查时重新封闭 USB 端口。请先停止它（Linux：systemctl stop baomi-agent，或结束该进程），再运行 `baomi usb release`。未做任何更改。',
    CLI_USB_RELEASE_DENIED:
      '无法在此解除 USB 封闭（{{reason}}）。未做任何更改：请以 root（Windows 上为管理员）身份运行。',
    CLI_SIG_EMPTY:
      '{{sig}} 是空文件，代理会将该策略视为未签名并拒绝。请用 `baomi policy sign {{file}} --key KEY` 重新签名，并同时部署两个文件。',
    CLI_EMPTY_VALUE: '{{option}} 的值为空，这会匹配全部事件；不需要筛选时请不写此选项。',
    CLI_EMPTY_OPTION: '{{option}} 的值为空：请给出一个值，或不写此选项。未发送任何内容。',
    CLI_BAD_USAGE: '用法错误：{{detail}}。请用 --help 查看该命令的选项。',
    CLI_UNKNOWN_COMMAND: '没有名为 {{name}} 的命令。请运行 `baomi --help` 查看所有命令。',
    CLI_TIME_RANGE: '--since（{{since}}）晚于 --until（{{until}}）：不会有事件匹配；请交换两者。',
    CLI_FILE_EXISTS: '{{file}} 已存在；密钥从不覆盖。请换一个名称或目录。',
    CLI_READ_FAILED: '无法读取 {{file}}：{{reason}}。',
    CLI_WRITE_FAILED: '无法写入 {{file}}：{{reason}}。',
    CLI_BAD_KEY_NAME: '密钥名称“{{name}}”不可用：请只用字母、数字、“.”、“-”或“_”（如 it-2026）。',
    CLI_BAD_KEY:
      '{{file}} 不是 PKCS#8 PEM 格式的 Ed25519 私钥；请用 `baomi policy keygen NAME` 生成。',
    CLI_NO_AGENT:
      '没有代理应答，也没有可读取的数据库。依次尝试了：{{tried}}。请启动代理（`npm start` 或 `baomi agent`），或指定 --data-dir DIR 或 --socket PATH。',
  },
} satisfies Catalog & CodeCatalog<CliErrorCode>;
