// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${dataDir} is the policy file's own variable, not a JS template.
// The one source of truth for the policy file (DESIGN.md "The policy file"). The TypeScript
// types (types.ts) and policies/policy.schema.json (json-schema.ts) are both derived from it.
//
// Error codes ride in zod's `error` message: parse.ts turns any issue whose message starts with
// "POLICY_" into that code, so a value that is wrong in a domain-specific way gets a message
// that says how to write it rather than a generic "invalid".
//
// Defaults are chosen to fail closed where a wrong guess leaks data (USB storage blocked) and
// to disturb nobody where a wrong guess only annoys (the session is not locked unless asked).

import * as z from 'zod';
import { matchEventType } from '../alerts/match.js';
import { EVENT_TYPES, SEVERITIES } from '../events/types.js';
import { folderPathProblem } from './folder-paths.js';
import { LEVELS } from './levels.js';
import { parseDuration, parseRfc3339, parseSize } from './units.js';
import { SEMVER } from './versions.js';

const d = (en: string, zh: string) => ({ description: `${en}\n\n${zh}` });

const duration = (what: string, whatZh: string) =>
  z
    .string({ error: 'POLICY_DURATION' })
    .regex(/^[0-9]*[1-9][0-9]*[smhd]$/, { error: 'POLICY_DURATION', abort: true })
    .refine((s) => parseDuration(s) !== null, { error: 'POLICY_DURATION' })
    .transform((s) => parseDuration(s)!)
    .meta(
      d(
        `${what} A positive whole number and a unit: s, m, h or d (e.g. 90s, 3m, 1h, 7d).`,
        `${whatZh}正整数加单位 s/m/h/d（如 90s、3m、1h、7d）。`,
      ),
    );

const level = z
  .enum(LEVELS, { error: 'POLICY_LEVEL' })
  .meta(
    d(
      'Classification level. Trade secrets A < AA < AAA; state secrets 秘密 < 机密 < 绝密. A level means "this level or higher, on the same scale".',
      '密级。商业秘密 A < AA < AAA；国家秘密 秘密 < 机密 < 绝密。写出的密级表示"同一序列中此级及以上"。',
    ),
  );

const rfc3339 = (en: string, zh: string) =>
  z
    .string({ error: 'POLICY_DATE' })
    .regex(/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/, {
      error: 'POLICY_DATE',
      abort: true,
    })
    .refine((s) => parseRfc3339(s) !== null, { error: 'POLICY_DATE' })
    .meta(
      d(
        `${en} RFC 3339 date-time with a time zone, e.g. 2026-11-27T00:00:00Z or 2026-11-27T08:00:00+08:00.`,
        `${zh}RFC 3339 时间，须带时区，如 2026-11-27T00:00:00Z 或 2026-11-27T08:00:00+08:00。`,
      ),
    );

const text = (max: number) =>
  z
    .string({ error: 'POLICY_TEXT' })
    .min(1, { error: 'POLICY_TEXT' })
    .max(max, { error: 'POLICY_TEXT_TOO_LONG' });
/** Controls, line and paragraph separators, bidi overrides and isolates, lone surrogates. */
const NOT_ONE_LINE = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069\p{Cs}]/u;
/**
 * A one-line text shown to people (the name, the watermark): no control character (an
 * escape sequence would be printed raw to IT's terminal by `policy validate` and `status`), no
 * new line (it would forge a line of their output), no bidi override (it reorders what is read).
 */
const lineText = (max: number) =>
  text(max).refine((v) => !NOT_ONE_LINE.test(v), { error: 'POLICY_TEXT_CONTROL' });

// Paths: absolute after ${dataDir} is expanded. ${dataDir} is the only variable; it is itself
// absolute, so a path that starts with it is absolute on every OS.
const VARIABLE_OK = (s: string) => !/\$\{(?!dataDir\})/.test(s) && !/\$(?!\{)/.test(s);
const folderPath = (
  pattern: RegExp,
  flavour: 'any' | 'posix' | 'windows',
  en: string,
  zh: string,
) =>
  z
    .string({ error: 'POLICY_FOLDER_PATH' })
    .check((ctx) => {
      // Paths no agent could ever watch (folders.ts): refused here, at their line and column.
      const problem = folderPathProblem(ctx.value, flavour);
      if (problem) {
        ctx.issues.push({
          code: 'custom',
          input: ctx.value,
          message: problem.code,
          params: problem.params,
          continue: false,
        });
      }
    })
    .refine(VARIABLE_OK, { error: 'POLICY_FOLDER_VARIABLE', abort: true })
    .regex(pattern, { error: 'POLICY_FOLDER_RELATIVE' })
    .meta(d(en, zh));
const ANY_ABSOLUTE = /^(\$\{dataDir\}|\/|[A-Za-z]:[\\/]|\\\\[^\\])/;
const POSIX_ABSOLUTE = /^(\$\{dataDir\}|\/)/;
const WINDOWS_ABSOLUTE = /^(\$\{dataDir\}|[A-Za-z]:[\\/]|\\\\[^\\])/;

const hex4 = (what: string) =>
  z
    .string({ error: 'POLICY_HEX4' })
    .regex(/^[0-9A-Fa-f]{4}$/, { error: 'POLICY_HEX4' })
    .toLowerCase()
    .meta(
      d(
        `USB ${what} ID: 4 hex digits, quoted (e.g. "0781"), as lsusb or Device Manager shows it.`,
        `USB ${what === 'vendor' ? '厂商' : '产品'} ID：4 位十六进制，加引号（如 "0781"）。`,
      ),
    );

export const VERDICTS = ['allow', 'block', 'read-only', 'audit'] as const;
const verdict = z.enum(VERDICTS, { error: 'POLICY_VERDICT' });

/** USB class code of HID (keyboards, mice): see usbRule's refinement. */
const HID_CLASS = '03';

const usbClass = z
  .string({ error: 'POLICY_USB_CLASS' })
  .regex(/^[0-9A-Fa-f]{2}$/, { error: 'POLICY_USB_CLASS' })
  .toLowerCase()
  .meta(
    d(
      'USB class: 2 hex digits, quoted (e.g. "08"), matching the device class or the class of the interface being decided. "08" mass storage, "06" still image (cameras, PTP), "03" HID (keyboards, mice), "ff" vendor specific. A rule with class "03" is the only kind that can block a HID interface, and it must name the device too (vendor, product, serial or hash).',
      'USB 类别：加引号的 2 位十六进制数（如 "08"），与设备类别或所判定接口的类别相符即匹配。"08" 大容量存储，"06" 静态图像（相机、PTP），"03" HID（键盘、鼠标），"ff" 厂商自定义。只有写明 class "03" 的规则才能阻止 HID 接口，且必须同时指明设备（vendor、product、serial 或 hash）。',
    ),
  );

const usbRule = z
  .strictObject({
    vendor: hex4('vendor').optional(),
    product: hex4('product').optional(),
    serial: text(256)
      .meta(d('Serial number, exactly as the device reports it.', '设备上报的序列号，须完全一致。'))
      .optional(),
    hash: z
      .string({ error: 'POLICY_USB_HASH' })
      .regex(/^[A-Za-z0-9+/=_:-]{1,256}$/, { error: 'POLICY_USB_HASH' })
      .meta(
        d(
          'Device hash as shown by `baomi status` for a connected device (identifies one stick even if its serial is forged).',
          '设备指纹，见 `baomi status` 中已连接设备的 hash。',
        ),
      )
      .optional(),
    class: usbClass.optional(),
    verdict: verdict.meta(
      d(
        'What to do with a device this rule matches: allow, block, read-only or audit (allow and record).',
        '命中时的处理：allow 放行、block 阻止、read-only 只读、audit 放行并记录。',
      ),
    ),
    note: text(500)
      .meta(
        d(
          'Why this rule exists; shown to people and in logs.',
          '规则说明，会显示给用户并写入日志。',
        ),
      )
      .optional(),
  })
  .check((ctx) => {
    // Never lock anyone out of their keyboard (issue 9): a rule that blocks class 03 without
    // naming a device would block every keyboard and mouse, so it is refused here, at its
    // class, by `policy validate` and the agent alike. One that names a device (a known
    // BadUSB vendor and product) may block it.
    const r = ctx.value;
    const names = r.vendor ?? r.product ?? r.serial ?? r.hash;
    if (r.class === HID_CLASS && r.verdict === 'block' && names === undefined) {
      ctx.issues.push({
        code: 'custom',
        input: r.class,
        path: ['class'],
        message: 'POLICY_USB_BLOCKS_ALL_HID',
        continue: true,
      });
    }
  })
  .meta(
    d(
      'A USB rule. Matchers (vendor, product, serial, hash, class) are all optional and all must hold; a rule with none matches every storage device (and nothing else). Keyboards and mice are blocked only by a rule with class "03" that names the device.',
      'USB 规则。vendor、product、serial、hash、class 均可省略，写出的须全部满足；都不写则匹配所有存储设备（且只匹配存储设备）。键盘鼠标只会被写明 class "03" 且指明设备的规则阻止。',
    ),
  );

const usb = z
  .strictObject({
    storage: verdict
      .default('block')
      .meta(
        d(
          'Verdict for USB storage no rule matches. Default: block (fail closed).',
          '未命中任何规则的 U 盘等存储设备的处理。默认 block（默认拒绝）。',
        ),
      ),
    rules: z
      .array(usbRule, { error: 'POLICY_TYPE' })
      .default([])
      .meta(
        d(
          'Exceptions to `storage`; first match wins. Default: none.',
          '例外规则，按顺序首个命中生效。默认无。',
        ),
      ),
    whileLocked: verdict
      .meta(
        d(
          'Verdict for storage plugged in while the session is locked. Default: absent (same as without a lock).',
          '会话锁定期间插入存储设备的处理。默认不设（与未锁定相同）。',
        ),
      )
      .optional(),
  })
  .prefault({})
  .meta(d('Removable storage control.', '移动存储设备管控。'));

const idle = z
  .strictObject({
    remindAfter: duration(
      'Remind the person after this much idle time. Default: 3m.',
      '空闲多久后提醒，默认 3m。',
    ).prefault('3m'),
    repeat: duration(
      'Repeat the reminder this often while still idle. Default: 2m.',
      '仍空闲时每隔多久再次提醒，默认 2m。',
    ).prefault('2m'),
    lockAfter: duration(
      'Lock the session after this much idle time (only when lock is true). Default: 5m.',
      '空闲多久后锁屏（lock 为 true 时），默认 5m。',
    ).prefault('5m'),
    lock: z
      .boolean({ error: 'POLICY_TYPE' })
      .default(false)
      .meta(
        d(
          'Lock the session after lockAfter. Default: false (remind only; locking someone out is a decision the policy makes explicitly).',
          '空闲 lockAfter 后是否锁屏。默认 false（仅提醒；锁屏须由策略明确要求）。',
        ),
      ),
  })
  .prefault({})
  .meta(d('Reminders and locking for unattended, unlocked sessions.', '离开未锁屏的提醒与锁屏。'));

const folder = z
  .strictObject({
    path: folderPath(
      ANY_ABSOLUTE,
      'any',
      'Absolute folder path; may start with ${dataDir}. Used on every OS that has no variant below.',
      '绝对路径，可用 ${dataDir} 开头。没有下面对应系统写法时使用。',
    ),
    linux: folderPath(
      POSIX_ABSOLUTE,
      'posix',
      'Path on Linux, overrides `path`.',
      'Linux 上的路径，优先于 path。',
    ).optional(),
    windows: folderPath(
      WINDOWS_ABSOLUTE,
      'windows',
      'Path on Windows (e.g. D:\\Finance), overrides `path`.',
      'Windows 上的路径（如 D:\\Finance），优先于 path。',
    ).optional(),
    darwin: folderPath(
      POSIX_ABSOLUTE,
      'posix',
      'Path on macOS, overrides `path`.',
      'macOS 上的路径，优先于 path。',
    ).optional(),
    level,
    recursive: z
      .boolean({ error: 'POLICY_TYPE' })
      .default(true)
      .meta(d('Include subfolders. Default: true.', '是否包含子文件夹，默认 true。')),
    ignore: z
      .array(text(500), { error: 'POLICY_TYPE' })
      .default([])
      .meta(
        d(
          'Glob patterns of files not to record (e.g. Office lock files "**/~$*"). Default: none.',
          '不记录的文件的通配模式（如 Office 临时文件 "**/~$*"），默认无。',
        ),
      ),
  })
  .meta(
    d(
      'A folder that holds classified material; activity in it is recorded.',
      '存放涉密载体的文件夹，其中的操作会被记录。',
    ),
  );

const alert = z
  .strictObject({
    match: z
      .string({ error: 'POLICY_ALERT_MATCH' })
      .regex(/^[a-z0-9.*-]+$/, { error: 'POLICY_ALERT_MATCH', abort: true })
      .refine((g) => EVENT_TYPES.some((t) => matchEventType(g, t)), {
        error: 'POLICY_ALERT_MATCH',
      })
      .meta(
        d(
          'Event types to count: a glob such as "file.*" or "usb.blocked"; must match at least one event type.',
          '要计数的事件类型，通配写法如 "file.*" 或 "usb.blocked"，须至少匹配一种事件类型。',
        ),
      ),
    level: level.optional(),
    count: z
      .int({ error: 'POLICY_TYPE' })
      .min(1)
      .max(1_000_000)
      .meta(d('Raise the alert when this many matching events happen…', '匹配事件达到此数量……')),
    within: duration('…within this time window.', '……且在此时间窗口内时告警。'),
    severity: z
      .enum(SEVERITIES, { error: 'POLICY_SEVERITY' })
      .meta(d('Severity of the alert.raised event.', '告警事件的严重程度。')),
    per: z
      .enum(['user', 'host'])
      .default('host')
      .meta(
        d(
          'Count separately per user (the events\' user: who was at the console) or per host. One agent is one host, so "host" counts every matching event of this computer together. Default: host.',
          '按用户（事件中的用户，即当时在电脑前的人）分别计数，或按主机计数。一个终端即一台主机，故 host 表示本机所有匹配事件合并计数。默认 host。',
        ),
      ),
  })
  .meta(d('An alert rule.', '告警规则。'));

const consoleUrl = z
  .string({ error: 'POLICY_URL' })
  .regex(/^(https:\/\/|http:\/\/(localhost|127\.0\.0\.1|\[::1\])([:/]|$))/, {
    error: 'POLICY_URL',
    abort: true,
  })
  .refine((s) => URL.canParse(s), { error: 'POLICY_URL' })
  .meta(
    d(
      'Console base URL. https only (plain http is accepted for localhost, for development).',
      '管理控制台地址，须 https（开发时 localhost 可用 http）。',
    ),
  );

const sync = z
  .strictObject({
    console: consoleUrl,
    interval: duration('How often to send events. Default: 60s.', '上报间隔，默认 60s。').prefault(
      '60s',
    ),
    batch: z
      .int({ error: 'POLICY_TYPE' })
      .min(1)
      .max(10_000)
      .default(500)
      .meta(d('Events per request. Default: 500.', '每次上报的事件数，默认 500。')),
  })
  .meta(
    d(
      'Central console. Default: absent (no console; events stay local).',
      '中央控制台。默认不设（事件仅存本地）。',
    ),
  );

const retention = z
  .strictObject({
    days: z
      .int({ error: 'POLICY_TYPE' })
      .min(1)
      .max(36_500)
      .default(180)
      .meta(d('Keep events this many days. Default: 180.', '事件保留天数，默认 180。')),
    maxSize: z
      .string({ error: 'POLICY_SIZE' })
      .regex(/^[0-9]*[1-9][0-9]*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/, {
        error: 'POLICY_SIZE',
        abort: true,
      })
      .refine((s) => parseSize(s) !== null, { error: 'POLICY_SIZE' })
      .transform((s) => parseSize(s)!)
      .prefault('2GB')
      .meta(
        d(
          'Cap on the local event store, e.g. 500MB or 2GB (KB/MB/GB/TB are 1024-based). Default: 2GB.',
          '本地事件库上限，如 500MB、2GB（按 1024 计）。默认 2GB。',
        ),
      ),
  })
  .prefault({})
  .meta(d('Local event retention.', '本地事件保留。'));

const pledge = z
  .strictObject({
    'zh-CN': text(20_000).meta(d('Pledge text in Chinese.', '中文承诺书。')),
    en: text(20_000).meta(d('Pledge text in English.', '英文承诺书。')),
  })
  .meta(
    d(
      'Confidentiality pledge the person acknowledges in the tray. Default: absent (none asked).',
      '员工须在托盘中确认的保密承诺书。默认不设。',
    ),
  );

/** The placeholders a watermark's text may hold (src/main/watermark.ts fills them). */
export const WATERMARK_PLACEHOLDERS = ['user', 'host', 'date', 'time'] as const;

const watermark = z
  .strictObject({
    enabled: z
      .boolean({ error: 'POLICY_TYPE' })
      .default(false)
      .meta(d('Show the watermark. Default: false.', '是否显示水印。默认 false。')),
    text: lineText(200)
      .check((ctx) => {
        const known: readonly string[] = WATERMARK_PLACEHOLDERS;
        for (const m of ctx.value.matchAll(/\{([^{}]*)\}/g)) {
          if (known.includes(m[1] ?? '')) continue;
          ctx.issues.push({
            code: 'custom',
            input: ctx.value,
            message: 'POLICY_WATERMARK_PLACEHOLDER',
            params: { placeholder: m[0] },
          });
          return;
        }
      })
      .default('{user} {host} {date}')
      .meta(
        d(
          'What the watermark says; {user}, {host}, {date} and {time} are filled in on the workstation. Default: "{user} {host} {date}".',
          '水印文字；{user}、{host}、{date}、{time} 在终端上填入。默认 "{user} {host} {date}"。',
        ),
      ),
    opacity: z
      .number({ error: 'POLICY_TYPE' })
      .min(0.02)
      .max(0.5)
      .default(0.08)
      .meta(
        d(
          'How opaque the text is, 0.02 … 0.5 (faint enough to work through, dark enough to show in a photo). Default: 0.08.',
          '文字不透明度，0.02 … 0.5（不妨碍工作，拍照时仍可见）。默认 0.08。',
        ),
      ),
  })
  .meta(
    d(
      'A faint, click-through watermark over every display (the tray draws it): a photo of the screen shows who and where. Default: absent (none).',
      '在每个显示器上覆盖一层淡水印（由托盘绘制，不影响点击）：屏幕照片可追溯到人与机器。默认不设（无水印）。',
    ),
  );

export const policySchema = z
  .strictObject({
    $schema: z
      .string({ error: 'POLICY_TYPE' })
      .meta(
        d(
          'Ignored by the agent; lets JSON editors find this schema (YAML uses a "# yaml-language-server: $schema=" comment instead).',
          '终端忽略此键，供 JSON 编辑器定位本 schema。',
        ),
      )
      .optional(),
    version: z
      .int({ error: 'POLICY_VERSION' })
      .min(1, { error: 'POLICY_VERSION' })
      .max(Number.MAX_SAFE_INTEGER, { error: 'POLICY_VERSION' })
      .meta(
        d(
          'Whole number 1 … 2^53-1. Higher wins: an agent refuses a lower version and a changed file with the same version.',
          '整数 1 … 2^53-1，越大越新：终端拒绝更低版本，也拒绝同版本号但内容不同的文件。',
        ),
      ),
    name: lineText(200).meta(
      d('Name shown to people, e.g. "总部默认策略 HQ default".', '策略名称，如"总部默认策略"。'),
    ),
    issued: rfc3339('When the policy was issued.', '签发时间。'),
    expires: rfc3339(
      'After this time the policy is refused; must be later than issued.',
      '过期时间，须晚于签发时间。',
    ),
    minAgentVersion: z
      .string({ error: 'POLICY_SEMVER' })
      .regex(SEMVER, { error: 'POLICY_SEMVER' })
      .meta(
        d(
          'Oldest agent version that may apply this policy (semver, e.g. 0.2.0); older agents refuse it with that reason. Set it when the policy uses keys from a newer release. Default: absent (any agent).',
          '可应用本策略的最低终端版本（语义化版本，如 0.2.0），更旧的终端会以此为由拒绝。使用新版本才有的键时请设置。默认不设（任何版本）。',
        ),
      )
      .optional(),
    usb,
    idle,
    folders: z
      .array(folder, { error: 'POLICY_TYPE' })
      .default([])
      .meta(d('Classified folders to watch. Default: none.', '需要监控的涉密文件夹。默认无。')),
    scan: z
      .strictObject({
        interval: duration(
          'How often to rescan watched folders to catch what the watcher missed. Default: 10m.',
          '定期全量扫描间隔，弥补监听遗漏。默认 10m。',
        ).prefault('10m'),
      })
      .prefault({})
      .meta(d('Reconciliation scans.', '定期扫描。')),
    alerts: z
      .array(alert, { error: 'POLICY_TYPE' })
      .default([])
      .meta(d('Alert rules. Default: none.', '告警规则。默认无。')),
    sync: sync.optional(),
    retention,
    pledge: pledge.optional(),
    watermark: watermark.optional(),
  })
  .superRefine((p, ctx) => {
    const issued = parseRfc3339(p.issued);
    const expires = parseRfc3339(p.expires);
    if (issued !== null && expires !== null && expires <= issued) {
      ctx.addIssue({
        code: 'custom',
        path: ['expires'],
        message: 'POLICY_EXPIRES_BEFORE_ISSUED',
        params: { issued: p.issued, expires: p.expires },
      });
    }
  })
  .meta({
    title: 'Baomi policy / 保密策略',
    ...d(
      'A Baomi endpoint policy. Sign it with `baomi policy sign`; agents refuse unsigned, expired or older policies. version, name, issued and expires are required; everything else has a default.',
      '保密终端策略。用 `baomi policy sign` 签名；终端拒绝未签名、过期或更旧的策略。version、name、issued、expires 必填，其余有默认值。',
    ),
  });
