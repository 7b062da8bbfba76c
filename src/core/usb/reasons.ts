// Why USB storage is not being blocked (UsbReason, core/ports/usb.ts), in words: `baomi status`,
// the agent's start banner and the tray's status window say the same.
import type { AgentErrorCode } from '../codes/index.js';
import type { Catalog, CodeCatalog } from '../i18n/types.js';

export type UsbReasonCode = Extract<AgentErrorCode, `USB_${string}`>;

export const usbReasonMessages = {
  en: {
    USB_NO_MODULE: 'this version of the agent has no USB device control yet',
    USB_NOT_ENFORCING:
      'the agent runs without --enforce (development): USB devices are decided and recorded, nothing is blocked',
    USB_NOT_ROOT:
      'blocking USB devices needs root (Administrator on Windows): decisions are recorded, nothing is blocked',
    USB_SYSFS_READONLY:
      '/sys is read-only here (a container?): USB devices are recorded, nothing can be blocked',
    USB_NO_SYSFS: 'this machine has no /sys/bus/usb: no USB devices can be seen or blocked',
    USB_UNSUPPORTED_OS: 'this operating system has no USB enforcement in this version',
    USB_SEAL_OPEN:
      'a USB controller reads open: someone re-opened what the agent sealed, or it cannot be sealed (see usb.enforcement-lost events)',
    USB_REACTIVE_ONLY:
      'this OS cannot refuse a USB disk before it mounts: blocked disks are unmounted and ejected within seconds (see the README)',
  },
  'zh-CN': {
    USB_NO_MODULE: '此版本的代理尚无 USB 设备管控功能',
    USB_NOT_ENFORCING: '代理未以 --enforce 运行（开发模式）：USB 设备只判定和记录，不拦截',
    USB_NOT_ROOT: '拦截 USB 设备需要 root（Windows 上为管理员）权限：只记录判定，不拦截',
    USB_SYSFS_READONLY: '此处 /sys 为只读（容器中？）：只记录 USB 设备，无法拦截',
    USB_NO_SYSFS: '本机没有 /sys/bus/usb：无法发现或拦截 USB 设备',
    USB_UNSUPPORTED_OS: '此版本在该操作系统上不支持 USB 管控',
    USB_SEAL_OPEN:
      'USB 控制器处于开放状态：有人重新打开了代理封闭的端口，或端口无法封闭（见 usb.enforcement-lost 事件）',
    USB_REACTIVE_ONLY:
      '此操作系统无法在 USB 磁盘挂载前拒绝它：被禁止的磁盘会在数秒内被卸载并弹出（见 README）',
  },
} satisfies Catalog & CodeCatalog<UsbReasonCode>;
