// USB control where this OS has no adapter that can enforce: no devices are seen, nothing is
// sealed, and status says why (USB_UNSUPPORTED_OS). Never a silent "enforcing".
import type { UsbControl } from '../../core/ports/usb.js';

export const noUsb: UsbControl = {
  name: 'none',
  detection: 'none',
  enforceProblem: async () => 'USB_UNSUPPORTED_OS',
  list: async () => [],
  watch: () => ({ close() {} }),
  seal: async () => ({ sealed: false, open: [], reason: 'USB_UNSUPPORTED_OS' }),
  sealState: async () => ({ sealed: false, open: [], reason: 'USB_UNSUPPORTED_OS' }),
  release: async () => ({
    released: [],
    alreadyOpen: [],
    kept: [],
    stillSealed: [],
    reason: 'USB_UNSUPPORTED_OS',
  }),
  apply: async () => ({ applied: 'block', error: 'USB_UNSUPPORTED_OS' }),
};
