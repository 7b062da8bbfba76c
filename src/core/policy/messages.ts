// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${dataDir} is the policy file's own variable, not a JS template.
// Messages for the policy core. Key = "policy." + the code after POLICY_ in camelCase
// (POLICY_UNKNOWN_KEY → policy.unknownKey); format.ts picks the key and fills {{where}}.
import type { Catalog } from '../i18n/types.js';

export const policyMessages: Catalog = {
  en: {
    'policy.where': 'line {{line}}, column {{col}}',
    'policy.whereWithPath': 'line {{line}}, column {{col}} ({{path}})',
    'policy.tooLarge':
      'The policy file is {{size}} bytes; the limit is {{max}} bytes. Remove what is not needed (long comments, pasted data) and sign it again.',
    'policy.encoding':
      'The policy file is not UTF-8 (found {{encoding}} at {{where}}). Save it as UTF-8 (in Notepad: Save As, Encoding "UTF-8") and sign it again.',
    'policy.empty': 'The policy file is empty. Write at least version, name, issued and expires.',
    'policy.yamlSyntax':
      'YAML syntax error at {{where}}: {{detail}}. Check indentation (spaces, not tabs), colons and quotes on that line.',
    'policy.jsonSyntax':
      'JSON syntax error at {{where}}: {{detail}}. Check for a trailing comma, a missing comma or an unquoted key there.',
    'policy.duplicateKey': 'Key "{{key}}" appears twice at {{where}}. Keep one of them.',
    'policy.yamlTag':
      'YAML tag {{tag}} at {{where}} is not allowed in a policy. Remove it and write a plain value (quote text).',
    'policy.alias':
      'Too many YAML aliases (*name) at {{where}}: more than {{max}} expansions. Write the values out instead of nesting aliases.',
    'policy.unknownKey': 'Unknown key "{{key}}" at {{where}}: did you mean "{{suggestion}}"?',
    'policy.unknownKeyNoSuggestion':
      'Unknown key "{{key}}" at {{where}}. Allowed here: {{allowed}}. Remove it or fix its spelling.',
    'policy.required': 'Missing required key "{{key}}" at {{where}}. Add it.',
    'policy.type':
      'Wrong type at {{where}}: expected {{expected}}, found {{received}}. Fix the value.',
    'policy.typeString': 'text',
    'policy.typeNumber': 'a number',
    'policy.typeInt': 'a whole number',
    'policy.typeInteger': 'a whole number',
    'policy.typeBoolean': 'true or false',
    'policy.typeArray': 'a list',
    'policy.typeList': 'a list',
    'policy.typeObject': 'a map of keys',
    'policy.typeMap': 'a map of keys',
    'policy.typeNull': 'an empty value',
    'policy.enum': 'Value "{{value}}" at {{where}} is not allowed. Use one of: {{allowed}}.',
    'policy.tooSmall': 'Value at {{where}} is too small (or too short): the minimum is {{limit}}.',
    'policy.tooBig': 'Value at {{where}} is too large (or too long): the maximum is {{limit}}.',
    'policy.text':
      'Text at {{where}} must be a non-empty string; put it in quotes if it looks like a number.',
    'policy.textTooLong':
      'Text at {{where}} is {{length}} characters long; the limit here is {{max}}. Shorten it (for an ignore pattern, a shorter glob such as "**/*.tmp").',
    'policy.textControl':
      'Text at {{where}} holds a control character, a line break or a bidirectional override; write it on one line with visible characters only.',
    'policy.version':
      'version at {{where}} must be a whole number from 1 to 9007199254740991. Raise it by one for every new policy.',
    'policy.date':
      'Date at {{where}} is not an RFC 3339 date-time. Write it like 2026-11-27T00:00:00Z or 2026-11-27T08:00:00+08:00.',
    'policy.expiresBeforeIssued':
      'expires ({{expires}}) at {{where}} must be later than issued ({{issued}}). Fix one of the dates.',
    'policy.watermarkPlaceholder':
      'The watermark text at {{where}} holds {{placeholder}}, which is not filled in. Use {user}, {host}, {date} or {time}.',
    'policy.duration':
      'Duration at {{where}} must be a positive whole number followed by s, m, h or d, e.g. 90s, 3m, 1h, 7d.',
    'policy.size':
      'Size at {{where}} must be a positive whole number with a unit, e.g. 500MB or 2GB.',
    'policy.level': 'Level at {{where}} must be one of A, AA, AAA, 秘密, 机密, 绝密.',
    'policy.verdict': 'Verdict at {{where}} must be one of allow, block, read-only, audit.',
    'policy.severity': 'Severity at {{where}} must be one of info, low, medium, high, critical.',
    'policy.hex4':
      'USB ID at {{where}} must be 4 hex digits in quotes, e.g. vendor: "0781" (without quotes YAML reads 0781 as a number).',
    'policy.usbHash': 'Device hash at {{where}} must be copied exactly as `baomi status` shows it.',
    'policy.usbClass':
      'USB class at {{where}} must be 2 hex digits in quotes, e.g. class: "08" (mass storage), "06" (cameras), "03" (keyboards and mice).',
    'policy.usbBlocksAllHid':
      'The rule at {{where}} blocks class "03" (HID: every keyboard and mouse) without naming a device, which would lock people out of their computers. To block one kind of device that poses as a keyboard, add its vendor and product (or serial or hash) to the rule; storage is controlled by usb.storage and rules without class.',
    'policy.url':
      'Console address at {{where}} must be an https:// URL (http:// only for localhost), e.g. https://console.example.com.',
    'policy.alertMatch':
      'Alert match at {{where}} must be an event-type pattern such as "file.*" or "usb.blocked" that matches at least one event type.',
    'policy.folderPath': 'Folder path at {{where}} must be a string.',
    'policy.folderRelative':
      'Folder path at {{where}} is not absolute. Start it with / (Linux, macOS), a drive like D:\\ (Windows) or ${dataDir}.',
    'policy.folderVariable':
      'Folder path at {{where}} uses an unknown variable. Only ${dataDir} is available.',
    'policy.folderNotAbsolute':
      'Folder {{path}} ("{{value}}") is not an absolute path on {{os}} after expanding ${dataDir}. Add a "{{os}}" variant with an absolute path for that system.',
    'policy.folderControlChar':
      'Folder path at {{where}} contains the control character {{char}} (at position {{index}}); no folder can be watched under that name. Remove it (in YAML, check escapes like \\0 or \\t in double quotes).',
    'policy.folderDatadirPlace':
      'Folder path at {{where}} uses ${dataDir} in the wrong place: it may only begin a path, followed by / or \\ (e.g. ${dataDir}/demo).',
    'policy.folderTooLong':
      'Folder path at {{where}} is {{length}} bytes long; no OS we run on can watch a path longer than {{max}} bytes. Shorten it.',
    'policy.folderNameTooLong':
      'Folder path at {{where}} has a name of {{length}} bytes ("{{name}}"); names may have at most {{max}} bytes. Shorten it.',
    'policy.folderWindowsChar':
      'Windows folder path at {{where}} contains "{{char}}", which Windows does not allow in a name (< > : " | ? *). Fix the path.',
    'policy.folderHoldsDataDir':
      'Folder {{path}} ("{{value}}") holds the agent\'s own data directory {{dataDir}}: the agent would record its own database writes, without end. Watch a folder that does not contain {{dataDir}} (or set recursive: false on a parent).',
    'policy.semver':
      'minAgentVersion at {{where}} must be a version like "0.2.0" (major.minor.patch, in quotes if YAML would read it as a number).',
    'policy.agentTooOld':
      'This policy needs agent version {{required}} or newer (minAgentVersion at {{where}}); this is {{running}}. Update the agent, or keep serving this computer a policy for its version.',
    'policy.keyNewerThanMin':
      'Key "{{key}}" at {{where}} came in agent version {{since}}, but the policy lets agents from {{min}} apply it; those agents will refuse it as an unknown key. Set minAgentVersion: "{{since}}" (or later), or remove the key.',
    'policy.invalid': 'Invalid value at {{where}}: {{detail}}.',
    'policy.sigMissing':
      'The policy has no signature. Sign it with `baomi policy sign FILE --key KEY` and deploy FILE.sig beside it.',
    'policy.sigMalformed':
      'The signature file is not a base64 Ed25519 signature. Sign the policy again with `baomi policy sign`; do not edit the .sig file.',
    'policy.sigUntrusted':
      'The signature does not match any trusted key: the file changed after signing, or it was signed by a key not in the trust directory. Sign the final file with a trusted key.',
    'policy.sigNoTrustedKeys':
      'No trusted policy key is installed, so no policy can be accepted. Put the public key (.pub) in the trust directory under policy/.',
    'policy.keyInvalid':
      'The key is not an Ed25519 key in PEM form. Create one with `baomi policy keygen NAME`.',
    'policy.expired':
      'Policy "{{name}}" expired at {{expires}}. Issue a new policy with a later expires and a higher version.',
    'policy.notYetValid':
      'Policy "{{name}}" is issued at {{issued}}, in the future. Check this computer\'s clock or the issued date.',
    'policy.downgrade':
      'Policy version {{version}} is older than the one in force ({{inForceVersion}}). Raise version above {{inForceVersion}} and sign again.',
    'policy.sameVersionChanged':
      'Policy version {{version}} is already in force with different content. Raise version and sign again.',
    'policy.fileMissing':
      'The policy file {{file}} is missing. Put a signed policy back at that path.',
    'policy.notAFile':
      '{{file}} is not a regular file (a directory?). Replace it with a signed policy file.',
    'policy.readFailed':
      'Cannot read the policy file {{file}} ({{reason}}). Check its permissions.',
    'policy.judgeFailed':
      'The policy {{file}} could not be checked ({{reason}}), so it was not applied. The agent tries again within a minute; if this persists, see the agent log.',
    'policy.storedUntrusted':
      'The policy in force at the last run (version {{version}}) is not signed by a key trusted in this run, so it is not in force now: the agent runs on the fail-closed defaults (USB storage blocked, no folder watched). Deploy a policy signed by a trusted key; the DEMO policy is in force only with --trust-demo.',
    'policy.keptInForce': 'Policy version {{version}} stays in force.',
    'policy.noneInForce':
      'No policy is in force: the agent runs on the fail-closed defaults (USB storage blocked, no folder watched) until a valid signed policy arrives.',
    'policy.internal':
      'The policy could not be read ({{detail}}). Simplify the file and report this as a bug.',
  },
  'zh-CN': {
    'policy.where': '第 {{line}} 行第 {{col}} 列',
    'policy.whereWithPath': '第 {{line}} 行第 {{col}} 列（{{path}}）',
    'policy.tooLarge':
      '策略文件大小为 {{size}} 字节，超过上限 {{max}} 字节。请删除不需要的内容（过长的注释、粘贴的数据）后重新签名。',
    'policy.encoding':
      '策略文件不是 UTF-8 编码（{{where}}处发现 {{encoding}}）。请另存为 UTF-8（记事本：另存为，编码选"UTF-8"）后重新签名。',
    'policy.empty': '策略文件为空。至少需要 version、name、issued、expires。',
    'policy.yamlSyntax':
      '{{where}}处 YAML 语法错误：{{detail}}。请检查该行的缩进（用空格，不要用 Tab）、冒号和引号。',
    'policy.jsonSyntax':
      '{{where}}处 JSON 语法错误：{{detail}}。请检查是否有多余的逗号、缺少逗号或键名未加引号。',
    'policy.duplicateKey': '键"{{key}}"在 {{where}}处重复出现。请只保留一个。',
    'policy.yamlTag':
      '{{where}}处的 YAML 标签 {{tag}} 不允许出现在策略中。请删除标签，直接写取值（文本加引号）。',
    'policy.alias':
      '{{where}}处 YAML 别名（*name）过多：展开超过 {{max}} 次。请直接写出取值，不要嵌套别名。',
    'policy.unknownKey': '{{where}}处有未知的键"{{key}}"：是否应为"{{suggestion}}"？',
    'policy.unknownKeyNoSuggestion':
      '{{where}}处有未知的键"{{key}}"。此处允许：{{allowed}}。请删除或更正拼写。',
    'policy.required': '{{where}}处缺少必填的键"{{key}}"。请补上。',
    'policy.type': '{{where}}处类型错误：应为“{{expected}}”，实际为“{{received}}”。请更正取值。',
    'policy.typeString': '文本',
    'policy.typeNumber': '数字',
    'policy.typeInt': '整数',
    'policy.typeInteger': '整数',
    'policy.typeBoolean': 'true 或 false',
    'policy.typeArray': '列表',
    'policy.typeList': '列表',
    'policy.typeObject': '键值映射',
    'policy.typeMap': '键值映射',
    'policy.typeNull': '空值',
    'policy.enum': '{{where}}处的取值"{{value}}"不允许。请使用：{{allowed}}。',
    'policy.tooSmall': '{{where}}处的取值过小（或过短）：最小为 {{limit}}。',
    'policy.tooBig': '{{where}}处的取值过大（或过长）：最大为 {{limit}}。',
    'policy.text': '{{where}}处须为非空文本；若看起来像数字，请加引号。',
    'policy.textTooLong':
      '{{where}}处的文本长 {{length}} 个字符，此处上限为 {{max}}。请缩短（忽略模式可改用更短的通配，如 "**/*.tmp"）。',
    'policy.textControl':
      '{{where}}处的文本含控制字符、换行或双向文字控制符；请写成一行，只用可见字符。',
    'policy.version':
      '{{where}}处的 version 须为 1 到 9007199254740991 的整数。每发布一版新策略请加一。',
    'policy.date':
      '{{where}}处的日期不是 RFC 3339 格式。请写成 2026-11-27T00:00:00Z 或 2026-11-27T08:00:00+08:00。',
    'policy.expiresBeforeIssued':
      '{{where}}处的 expires（{{expires}}）须晚于 issued（{{issued}}）。请更正其中一个日期。',
    'policy.watermarkPlaceholder':
      '{{where}}处的水印文字含 {{placeholder}}，终端不会填入。请用 {user}、{host}、{date} 或 {time}。',
    'policy.duration': '{{where}}处的时长须为正整数加单位 s、m、h 或 d，如 90s、3m、1h、7d。',
    'policy.size': '{{where}}处的大小须为正整数加单位，如 500MB 或 2GB。',
    'policy.level': '{{where}}处的密级须为 A、AA、AAA、秘密、机密、绝密 之一。',
    'policy.verdict': '{{where}}处的处理方式须为 allow、block、read-only、audit 之一。',
    'policy.severity': '{{where}}处的严重程度须为 info、low、medium、high、critical 之一。',
    'policy.hex4':
      '{{where}}处的 USB ID 须为加引号的 4 位十六进制数，如 vendor: "0781"（不加引号时 YAML 会把 0781 当作数字）。',
    'policy.usbHash': '{{where}}处的设备指纹须与 `baomi status` 显示的完全一致。',
    'policy.usbClass':
      '{{where}}处的 USB 类别须为加引号的 2 位十六进制数，如 class: "08"（大容量存储）、"06"（相机）、"03"（键盘鼠标）。',
    'policy.usbBlocksAllHid':
      '{{where}}处的规则阻止 class "03"（HID：所有键盘和鼠标）却未指明设备，会让人无法使用电脑。如要阻止某种伪装成键盘的设备，请在规则中写明其 vendor 和 product（或 serial、hash）；存储设备由 usb.storage 和不带 class 的规则管控。',
    'policy.url':
      '{{where}}处的控制台地址须为 https:// 开头的网址（仅 localhost 可用 http://），如 https://console.example.com。',
    'policy.alertMatch':
      '{{where}}处的告警匹配须为事件类型通配，如 "file.*" 或 "usb.blocked"，且至少匹配一种事件类型。',
    'policy.folderPath': '{{where}}处的文件夹路径须为文本。',
    'policy.folderRelative':
      '{{where}}处的文件夹路径不是绝对路径。请以 /（Linux、macOS）、盘符如 D:\\（Windows）或 ${dataDir} 开头。',
    'policy.folderVariable': '{{where}}处的文件夹路径使用了未知变量。只能使用 ${dataDir}。',
    'policy.folderNotAbsolute':
      '文件夹 {{path}}（"{{value}}"）展开 ${dataDir} 后在 {{os}} 上不是绝对路径。请为该系统添加 "{{os}}" 写法，给出绝对路径。',
    'policy.folderControlChar':
      '{{where}}处的文件夹路径含有控制字符 {{char}}（位置 {{index}}），这样的文件夹无法监视。请删除该字符（YAML 双引号中请检查 \\0、\\t 等转义）。',
    'policy.folderDatadirPlace':
      '{{where}}处的文件夹路径中 ${dataDir} 的位置不对：它只能出现在路径开头，后接 / 或 \\（如 ${dataDir}/demo）。',
    'policy.folderTooLong':
      '{{where}}处的文件夹路径长 {{length}} 字节；所支持的系统都无法监视超过 {{max}} 字节的路径。请缩短。',
    'policy.folderNameTooLong':
      '{{where}}处的文件夹路径中有一级名称长 {{length}} 字节（"{{name}}"），每级名称最多 {{max}} 字节。请缩短。',
    'policy.folderWindowsChar':
      '{{where}}处的 Windows 文件夹路径含有"{{char}}"，Windows 不允许名称中出现 < > : " | ? *。请更正路径。',
    'policy.folderHoldsDataDir':
      '文件夹 {{path}}（"{{value}}"）包含代理自己的数据目录 {{dataDir}}：代理会无休止地记录自己对数据库的写入。请监视不包含 {{dataDir}} 的文件夹（或对上级目录设 recursive: false）。',
    'policy.semver':
      '{{where}}处的 minAgentVersion 须为形如 "0.2.0" 的版本号（主.次.修订；YAML 可能当作数字时请加引号）。',
    'policy.agentTooOld':
      '本策略要求终端版本不低于 {{required}}（{{where}}处的 minAgentVersion），本机为 {{running}}。请升级终端，或继续为本机下发适合其版本的策略。',
    'policy.keyNewerThanMin':
      '{{where}}处的键"{{key}}"自终端版本 {{since}} 起才支持，而本策略允许 {{min}} 及以上的终端应用；这些终端会以"未知的键"拒绝它。请设置 minAgentVersion: "{{since}}"（或更高），或删除该键。',
    'policy.invalid': '{{where}}处的取值无效：{{detail}}。',
    'policy.sigMissing':
      '策略没有签名。请用 `baomi policy sign 文件 --key 密钥` 签名，并把 文件.sig 放在策略旁边。',
    'policy.sigMalformed':
      '签名文件不是 base64 格式的 Ed25519 签名。请用 `baomi policy sign` 重新签名，不要手工修改 .sig 文件。',
    'policy.sigUntrusted':
      '签名与任何受信任的密钥都不匹配：文件在签名后被修改过，或签名密钥不在信任目录中。请用受信任的密钥对最终文件签名。',
    'policy.sigNoTrustedKeys':
      '未安装受信任的策略公钥，无法接受任何策略。请把公钥（.pub）放入信任目录的 policy/ 下。',
    'policy.keyInvalid':
      '该密钥不是 PEM 格式的 Ed25519 密钥。请用 `baomi policy keygen 名称` 生成。',
    'policy.expired':
      '策略"{{name}}"已于 {{expires}} 过期。请签发 expires 更晚、version 更高的新策略。',
    'policy.notYetValid': '策略"{{name}}"的签发时间 {{issued}} 在未来。请检查本机时钟或签发时间。',
    'policy.downgrade':
      '策略版本 {{version}} 低于当前生效的版本（{{inForceVersion}}）。请把 version 改为大于 {{inForceVersion}} 并重新签名。',
    'policy.sameVersionChanged':
      '版本 {{version}} 的策略已生效，但内容不同。请提高 version 并重新签名。',
    'policy.fileMissing': '策略文件 {{file}} 不存在。请把已签名的策略放回该路径。',
    'policy.notAFile': '{{file}} 不是普通文件（是目录？）。请换成已签名的策略文件。',
    'policy.readFailed': '无法读取策略文件 {{file}}（{{reason}}）。请检查其权限。',
    'policy.judgeFailed':
      '无法检查策略 {{file}}（{{reason}}），未予应用。代理会在一分钟内重试；如持续出现，请查看代理日志。',
    'policy.storedUntrusted':
      '上次生效的策略（版本 {{version}}）并非由本次运行所信任的密钥签名，因此现在不生效：代理按故障安全的默认值运行（USB 存储阻断，不监视任何目录）。请部署由受信任密钥签名的策略；演示策略仅在使用 --trust-demo 时生效。',
    'policy.keptInForce': '版本 {{version}} 的策略继续生效。',
    'policy.noneInForce':
      '目前没有生效的策略：代理按故障安全的默认值运行（USB 存储阻断，不监视任何目录），直到收到有效的已签名策略。',
    'policy.internal': '无法读取策略（{{detail}}）。请简化文件，并将此问题作为缺陷报告。',
  },
};
