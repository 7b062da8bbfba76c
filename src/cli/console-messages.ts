// What `baomi console` says, in both languages: its help, its output, and the codes only it
// raises (CONSOLE_CLI_CODES). The API's codes (CONSOLE_API_CODES) and the start-up codes of
// the console process are in core (src/core/codes/console.ts): agents and the web UI show them.
import type { ConsoleCliCode } from '../core/codes/index.js';
import type { Catalog, CodeCatalog } from '../core/i18n/types.js';

export const consoleCliMessages = {
  en: {
    'cli.cmd.console':
      'run the central console: the HTTP API agents sync to and staff use (SQLite in the data dir, or PostgreSQL with --db); the commands below (but user) are the staff CLI, a client of a running console (--console URL, an API token from `baomi console login`)',
    'cli.cmd.consoleUser': 'staff accounts of the console',
    'cli.cmd.consoleUserAdd':
      'add a staff account; the password is asked for (not shown), or read from the first line of standard input when it is piped; at least 12 characters',
    'cli.arg.staffName': 'login name: letters, digits, . _ @ - (at most 64)',
    'cli.opt.consoleDataDir':
      'data directory: console.db (SQLite) and exception.key (default: {{default}})',
    'cli.opt.consoleDb':
      'use PostgreSQL instead of SQLite, e.g. postgres://baomi@localhost/baomi (a password is better in PGPASSWORD or ~/.pgpass)',
    'cli.opt.listen':
      'address and port to listen on, HOST:PORT or [IPv6]:PORT (default: {{default}}); only a loopback address without TLS',
    'cli.opt.tlsCert': 'TLS certificate (PEM, with its chain) to serve HTTPS with',
    'cli.opt.tlsKey': 'private key of the TLS certificate (PEM)',
    'cli.opt.insecure':
      'allow plain HTTP on a non-loopback address (only behind a TLS-terminating proxy on the same host or network segment)',
    'cli.opt.consoleExceptionKey':
      'the key that signs approved exceptions (PKCS#8 PEM, made by `baomi exception keygen`; default: exception.key in the data dir, made at the first start)',
    'cli.opt.consoleConfig':
      'configuration file (YAML): SIEM sinks, alert notifications, retention of events (README: "Console configuration")',
    'cli.opt.syncInterval':
      'how often agents sync: a whole number with s, m or h (default: {{default}}); an agent silent for three intervals raises an alert',
    'cli.opt.role': 'role: admin (everything), analyst (alerts and requests), auditor (read only)',
    'cli.console.started':
      'Baomi console {{version}} listening on {{url}} (database: {{db}}; data: {{dataDir}}). Ctrl-C stops it.',
    'cli.console.insecure':
      'baomi: warning: serving plain HTTP on {{host}} (--insecure): passwords and session cookies cross the network unencrypted unless a TLS proxy is in front.',
    'cli.console.stopped': 'Baomi console stopped ({{signal}}).',
    'cli.console.passwordPrompt':
      'Password for {{name}} (at least {{min}} characters, not shown): ',
    'cli.console.passwordAgain': 'The same password again: ',
    'cli.console.userAdded': 'Staff account {{name}} added with the role {{role}}.',
    CONSOLE_TLS_REQUIRED:
      'Refusing to serve plain HTTP on {{host}}, which is not a loopback address: give --tls-cert FILE and --tls-key FILE (see the README), listen on 127.0.0.1, or, behind a TLS proxy only, add --insecure.',
    CONSOLE_TLS_HALF: 'Give both --tls-cert and --tls-key, or neither.',
    CONSOLE_BAD_LISTEN:
      'Cannot read --listen "{{value}}": write HOST:PORT (e.g. 127.0.0.1:7443, 0.0.0.0:443 or [::1]:7443), the port from 0 to 65535.',
    CONSOLE_LISTEN_FAILED:
      'Cannot listen on {{address}} ({{reason}}). Is another console or program using that port? Choose another with --listen.',
    CONSOLE_BAD_INTERVAL:
      'Cannot read --sync-interval "{{value}}": write a whole number with s, m or h, from 5s to 1d (e.g. 60s, 5m).',
    CONSOLE_NO_STORE:
      'The console’s database layer could not be loaded ({{reason}}). Run `npm run build` in the project folder, or reinstall.',
    CONSOLE_USER_EXISTS: 'A staff account named {{name}} already exists.',
    CONSOLE_BAD_USER_NAME:
      'The name "{{name}}" cannot be a login name: use letters, digits and . _ @ - only, at most 64.',
    CONSOLE_PASSWORD_SHORT:
      'The password is too short: at least {{min}} characters. A passphrase of several words is easier to remember.',
    CONSOLE_PASSWORD_LONG: 'The password is longer than {{max}} characters.',
    CONSOLE_PASSWORD_MISMATCH: 'The two passwords differ; nothing was changed. Try again.',
    CONSOLE_PASSWORD_NONE:
      'No password was given: type it at the prompt, or pipe it as the first line of standard input.',
    CONSOLE_CONFIG_UNREADABLE:
      'Cannot read the console configuration {{file}} ({{reason}}). Check the path given to --config and its permissions.',
    CONSOLE_CONFIG_INVALID:
      'The console configuration {{file}} has problems; the console did not start. Fix them and start it again: {{problems}}',
  },
  'zh-CN': {
    'cli.cmd.console':
      '运行中央控制台：供代理同步和管理人员使用的 HTTP API（数据目录中的 SQLite，或用 --db 指定 PostgreSQL）；下列命令（user 除外）是管理命令行，作为客户端连接正在运行的控制台（--console URL，API 令牌由 `baomi console login` 获取）',
    'cli.cmd.consoleUser': '控制台的管理人员账号',
    'cli.cmd.consoleUserAdd':
      '添加管理人员账号；密码在提示时输入（不回显），或通过管道从标准输入的第一行读取；至少 12 个字符',
    'cli.arg.staffName': '登录名：字母、数字及 . _ @ -（最多 64 个）',
    'cli.opt.consoleDataDir':
      '数据目录：存放 console.db（SQLite）和 exception.key（默认：{{default}}）',
    'cli.opt.consoleDb':
      '使用 PostgreSQL 代替 SQLite，例如 postgres://baomi@localhost/baomi（密码最好放在 PGPASSWORD 或 ~/.pgpass 中）',
    'cli.opt.listen':
      '监听的地址和端口，HOST:PORT 或 [IPv6]:PORT（默认：{{default}}）；不使用 TLS 时只能是回环地址',
    'cli.opt.tlsCert': '用于提供 HTTPS 的 TLS 证书（PEM，含证书链）',
    'cli.opt.tlsKey': 'TLS 证书的私钥（PEM）',
    'cli.opt.insecure':
      '允许在非回环地址上使用明文 HTTP（仅限在同一主机或网段中由 TLS 终结代理转发时使用）',
    'cli.opt.consoleExceptionKey':
      '签署已批准例外的密钥（PKCS#8 PEM，由 `baomi exception keygen` 生成；默认：数据目录中的 exception.key，首次启动时生成）',
    'cli.opt.consoleConfig':
      '配置文件（YAML）：SIEM 转发目标、告警通知、事件保留期限（见 README“控制台配置”）',
    'cli.opt.syncInterval':
      '代理同步的间隔：正整数加 s、m 或 h（默认：{{default}}）；代理连续三个间隔未同步会触发告警',
    'cli.opt.role': '角色：admin（全部权限）、analyst（告警和申请）、auditor（只读）',
    'cli.console.started':
      '保密控制台 {{version}} 正在 {{url}} 上监听（数据库：{{db}}；数据：{{dataDir}}）。按 Ctrl-C 停止。',
    'cli.console.insecure':
      'baomi：警告：正在 {{host}} 上提供明文 HTTP（--insecure）：除非前面有 TLS 代理，密码和会话 Cookie 将以明文在网络上传输。',
    'cli.console.stopped': '保密控制台已停止（{{signal}}）。',
    'cli.console.passwordPrompt': '{{name}} 的密码（至少 {{min}} 个字符，不回显）：',
    'cli.console.passwordAgain': '再次输入同一密码：',
    'cli.console.userAdded': '已添加管理人员账号 {{name}}，角色为 {{role}}。',
    CONSOLE_TLS_REQUIRED:
      '拒绝在非回环地址 {{host}} 上提供明文 HTTP：请指定 --tls-cert FILE 和 --tls-key FILE（见 README），或监听 127.0.0.1；仅在 TLS 代理之后时，可加 --insecure。',
    CONSOLE_TLS_HALF: '请同时指定 --tls-cert 和 --tls-key，或都不指定。',
    CONSOLE_BAD_LISTEN:
      '无法识别 --listen“{{value}}”：请写成 HOST:PORT（如 127.0.0.1:7443、0.0.0.0:443 或 [::1]:7443），端口为 0 到 65535。',
    CONSOLE_LISTEN_FAILED:
      '无法在 {{address}} 上监听（{{reason}}）。是否有其他控制台或程序占用了该端口？可用 --listen 另选端口。',
    CONSOLE_BAD_INTERVAL:
      '无法识别 --sync-interval“{{value}}”：请写成正整数加 s、m 或 h，范围 5s 到 1d（如 60s、5m）。',
    CONSOLE_NO_STORE:
      '无法加载控制台的数据库层（{{reason}}）。请在项目目录中运行 `npm run build`，或重新安装。',
    CONSOLE_USER_EXISTS: '名为 {{name}} 的管理人员账号已存在。',
    CONSOLE_BAD_USER_NAME:
      '“{{name}}”不能用作登录名：只能使用字母、数字及 . _ @ -，最多 64 个字符。',
    CONSOLE_PASSWORD_SHORT: '密码太短：至少需要 {{min}} 个字符。由几个词组成的口令更容易记住。',
    CONSOLE_PASSWORD_LONG: '密码超过 {{max}} 个字符。',
    CONSOLE_PASSWORD_MISMATCH: '两次输入的密码不一致；未做任何更改。请重试。',
    CONSOLE_PASSWORD_NONE: '没有提供密码：请在提示时输入，或通过管道作为标准输入的第一行传入。',
    CONSOLE_CONFIG_UNREADABLE:
      '无法读取控制台配置文件 {{file}}（{{reason}}）。请检查 --config 给出的路径及其权限。',
    CONSOLE_CONFIG_INVALID:
      '控制台配置文件 {{file}} 有问题，控制台未启动。请改正后重新启动：{{problems}}',
  },
} satisfies Catalog & CodeCatalog<ConsoleCliCode>;
