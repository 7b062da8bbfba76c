// Texts of the USB notices (notices.ts: the codes usb.notice.*, rendered by usbNoticeText at
// the display end: the tray, or the notifier when no tray runs). In core because the tray and
// the console render them from core alone, like the policy refusals.
import type { Catalog } from '../i18n/types.js';

export const usbMessages: Catalog = {
  en: {
    // One line, for readers that translate the code alone (a log, `baomi events`).
    'usb.notice.blocked': 'USB blocked: {{count}} device(s)',
    'usb.notice.readOnly': 'USB storage made read-only: {{count}} device(s)',
    'usb.notice.title.blocked': 'USB device blocked',
    'usb.notice.title.blockedMany': '{{count}} USB devices blocked',
    'usb.notice.title.readOnly': 'USB storage is read-only',
    'usb.notice.title.readOnlyMany': '{{count}} USB storage devices are read-only',
    'usb.notice.more': 'and {{more}} more',
    'usb.notice.why.note': 'Reason: {{note}}',
    'usb.notice.why.rule': 'Decided by rule usb.rules[{{index}}] of the policy in force.',
    'usb.notice.why.storageDefault':
      'The policy does not let unapproved USB storage be used on this computer.',
    'usb.notice.why.whileLocked':
      'It was plugged in while the screen was locked; the policy does not allow that.',
    'usb.notice.why.unreadable':
      'The device could not be read well enough to be checked, so it stays blocked. Try another port or cable.',
    'usb.notice.why.policy': 'Decided by the policy in force.',
    'usb.notice.ask':
      'If you need it for your work, ask your security staff for a temporary exception and redeem it with `baomi exception redeem`.',
    'usb.notice.askWrite':
      'You can read from it but not write to it. If you need to write, ask your security staff for a temporary exception.',
    'usb.notice.failed': 'USB device not held back: {{count}} device(s)',
    'usb.notice.title.failed': 'USB device could not be blocked',
    'usb.notice.title.failedMany': '{{count}} USB devices could not be blocked',
    'usb.notice.failedBody':
      'The policy does not allow it, but this computer did not let Baomi hold it back, so it may still work. Your security staff are told. Please unplug it; Baomi keeps trying to block it.',
  },
  'zh-CN': {
    'usb.notice.blocked': 'USB 设备已阻止：{{count}} 个',
    'usb.notice.readOnly': 'USB 存储设备已设为只读：{{count}} 个',
    'usb.notice.title.blocked': 'USB 设备已被阻止',
    'usb.notice.title.blockedMany': '{{count}} 个 USB 设备已被阻止',
    'usb.notice.title.readOnly': 'USB 存储设备为只读',
    'usb.notice.title.readOnlyMany': '{{count}} 个 USB 存储设备为只读',
    'usb.notice.more': '等，另有 {{more}} 个',
    'usb.notice.why.note': '原因：{{note}}',
    'usb.notice.why.rule': '由当前策略的规则 usb.rules[{{index}}] 决定。',
    'usb.notice.why.storageDefault': '按策略，本机不允许使用未经批准的 USB 存储设备。',
    'usb.notice.why.whileLocked': '该设备在锁屏期间插入，策略不允许。',
    'usb.notice.why.unreadable':
      '无法充分读取该设备以进行检查，因此保持阻止。请换一个接口或数据线再试。',
    'usb.notice.why.policy': '由当前策略决定。',
    'usb.notice.ask':
      '如工作确需使用，请向保密管理人员申请临时例外，并用 `baomi exception redeem` 兑换。',
    'usb.notice.askWrite': '可以读取但不能写入。如需写入，请向保密管理人员申请临时例外。',
    'usb.notice.failed': 'USB 设备未能阻止：{{count}} 个',
    'usb.notice.title.failed': '未能阻止 USB 设备',
    'usb.notice.title.failedMany': '{{count}} 个 USB 设备未能阻止',
    'usb.notice.failedBody':
      '策略不允许使用该设备，但本机未能让 Baomi 将其阻止，设备可能仍可使用。保密管理人员已收到记录。请拔出该设备；Baomi 会继续尝试阻止。',
  },
};
