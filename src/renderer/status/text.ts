// The status window's words (issue 14 §1: status, request an exception, redeem a token) in zh-CN
// and English. The state and its reasons are core's (core/status/messages.ts: the tray's icon
// says the same); refusals are the agent's codes, worded by core's catalogues.
import type { Catalog } from '../../core/i18n/types.js';

export const statusPageMessages: Catalog = {
  en: {
    'status.title': 'Baomi on this computer',
    'status.refresh': 'Refresh',
    'status.checked': 'As of {{at}}',
    'status.policy': 'Policy in force',
    'status.policy.value': '{{name}}, version {{version}}',
    'status.none': 'none',
    'status.usb': 'USB storage',
    'status.usb.on': 'Blocked unless approved',
    'status.usb.off': 'Not blocked',
    'status.folders': 'Classified folders',
    'status.folder.starting': 'being set up',
    'status.folder.watching': 'watched',
    'status.folder.limited': 'watched in part',
    'status.folder.missing': 'missing',
    'status.folder.failed': 'not watched',
    'status.user': 'Person at this computer',
    'status.user.unknown': 'not known',
    'status.events': 'Events kept here',
    'status.sync': 'Console',
    'status.chain': 'Log',
    'status.watermark': 'Screen watermark',
    'status.watermark.on': 'Shown',
    'status.watermark.off': 'Not shown',
    'status.actions': 'Do you need a USB device this computer blocks?',
    'status.toRequest': 'Ask for an exception',
    'status.toRedeem': 'Redeem a token you were sent',
    'request.title': 'Ask for a USB exception',
    'request.intro':
      'Ask the confidentiality office for a temporary exception for one device. Your request and your reason are recorded on this computer and sent to them; if they grant it, they send you a token to redeem below. Nothing opens until then.',
    'request.devices': 'Devices refused to you in the last {{days}} days',
    'request.devices.none':
      'No USB storage device was refused to you in the last {{days}} days. Plug the device in first, or type the ID IT gave you.',
    'request.device.blocked': '{{label}}: blocked {{at}}',
    'request.device.read-only': '{{label}}: read-only {{at}}',
    'request.other': 'Another device, by its ID',
    'request.deviceId': 'Device ID (64 hex digits, or vendor:product:serial)',
    'request.reason': 'Why you need it',
    'request.reason.count': '{{length}} of {{max}} characters',
    'request.send': 'Send the request',
    'request.sending': 'Sending…',
    'request.chooseDevice': 'Choose a device, or type a device ID exactly as IT gave it.',
    'request.sent': 'Request {{id}} recorded for {{device}}.',
    'request.route.console':
      'It goes to the confidentiality office’s console ({{console}}) with the next events this computer sends.',
    'request.route.notEnrolled':
      'This computer is not enrolled with the console ({{console}}) yet: the request waits here until it is. Tell IT.',
    'request.route.local':
      'No console is configured: the request stays in this computer’s log. Tell the confidentiality office yourself.',
    'request.another': 'Ask for another device',
    'request.devices.error':
      'Could not read the devices refused to you ({{reason}}). You can still type the device’s ID.',
    'redeem.title': 'Redeem an exception token',
    'redeem.intro':
      'An approved exception arrives as a token: text beginning with BMX1. Paste all of it here (line breaks from e-mail do not matter). This computer checks its signature and opens only the device it names, for you, until it ends.',
    'redeem.token': 'Token',
    'redeem.send': 'Redeem',
    'redeem.sending': 'Checking…',
    'redeem.malformed':
      'This is not a whole exception token: one begins with BMX1. and has two more parts after dots. Copy all of it from the message you were sent, and paste it again.',
    'redeem.tooLong':
      'This is longer than any exception token ({{length}} characters). Paste only the token you were sent.',
    'redeem.done':
      'Exception granted for {{device}} until {{until}} ({{reason}}). If the device is plugged in, it opens now.',
  },
  'zh-CN': {
    'status.title': '本机的保密防护',
    'status.refresh': '刷新',
    'status.checked': '截至 {{at}}',
    'status.policy': '生效的策略',
    'status.policy.value': '{{name}}，第 {{version}} 版',
    'status.none': '无',
    'status.usb': 'USB 存储设备',
    'status.usb.on': '未经批准一律拦截',
    'status.usb.off': '未拦截',
    'status.folders': '涉密文件夹',
    'status.folder.starting': '正在设置',
    'status.folder.watching': '已监控',
    'status.folder.limited': '部分监控',
    'status.folder.missing': '不存在',
    'status.folder.failed': '未监控',
    'status.user': '当前使用者',
    'status.user.unknown': '未知',
    'status.events': '本机保存的事件',
    'status.sync': '控制台',
    'status.chain': '日志',
    'status.watermark': '屏幕水印',
    'status.watermark.on': '显示',
    'status.watermark.off': '不显示',
    'status.actions': '需要使用本机拦截的 USB 设备？',
    'status.toRequest': '申请例外',
    'status.toRedeem': '使用收到的例外令牌',
    'request.title': '申请 USB 例外',
    'request.intro':
      '您可以为某一个设备向保密办公室申请临时例外。您的申请和事由会记录在本机并发送给他们；批准后，他们会发给您一个令牌，在下方使用。在此之前设备不会被放行。',
    'request.devices': '近 {{days}} 天内对您拦截过的设备',
    'request.devices.none':
      '近 {{days}} 天内没有对您拦截过 USB 存储设备。请先插入该设备，或输入 IT 提供的设备 ID。',
    'request.device.blocked': '{{label}}：{{at}} 被拦截',
    'request.device.read-only': '{{label}}：{{at}} 仅允许只读',
    'request.other': '其他设备（按 ID）',
    'request.deviceId': '设备 ID（64 位十六进制，或 厂商:产品:序列号）',
    'request.reason': '申请事由',
    'request.reason.count': '{{length}} / {{max}} 字',
    'request.send': '提交申请',
    'request.sending': '正在提交…',
    'request.chooseDevice': '请选择一个设备，或按 IT 提供的原样输入设备 ID。',
    'request.sent': '已为 {{device}} 记录申请 {{id}}。',
    'request.route.console':
      '申请将随本机下一次上报的事件发送到保密办公室的控制台（{{console}}）。',
    'request.route.notEnrolled':
      '本机尚未在控制台（{{console}}）注册：申请会留在本机，注册后再发送。请告知 IT。',
    'request.route.local': '未配置控制台：申请只保存在本机日志中。请您自行告知保密办公室。',
    'request.another': '为其他设备申请',
    'request.devices.error': '无法读取对您拦截过的设备（{{reason}}）。您仍可输入设备 ID。',
    'redeem.title': '使用例外令牌',
    'redeem.intro':
      '批准的例外以令牌形式发给您：以 BMX1. 开头的一段文字。请完整粘贴到这里（邮件带来的换行不影响）。本机会校验其签名，只为您放行令牌指定的设备，直到到期。',
    'redeem.token': '令牌',
    'redeem.send': '使用',
    'redeem.sending': '正在校验…',
    'redeem.malformed':
      '这不是完整的例外令牌：令牌以 BMX1. 开头，其后还有两段，以点分隔。请从收到的消息中完整复制后重新粘贴。',
    'redeem.tooLong': '这段文字（{{length}} 个字符）比任何例外令牌都长。请只粘贴收到的令牌。',
    'redeem.done':
      '已为 {{device}} 授予例外，有效期至 {{until}}（{{reason}}）。如果设备已插入，现在即可使用。',
  },
};
