// Codes of the agent's start-up (src/agent): the data-dir lock and the sockets.
export const AGENT_ERROR_CODES = [
  'AGENT_ALREADY_RUNNING',
  'AGENT_SOCKET_IN_USE',
  'AGENT_SOCKET_FAILED',
  'AGENT_SOCKET_DIR_UNSAFE',
  /** Two modules declare the same socket request (a wiring bug, found at start). */
  'AGENT_MODULE_CONFLICT',
  /** The seat token (src/agent/socket/seat-token.ts): why it could not be written. */
  'SEAT_TOKEN_UNSAFE',
  'SEAT_TOKEN_NO_DIR',
  'SEAT_TOKEN_NO_UID',
  'SEAT_TOKEN_FOREIGN',
  /** Not an error: why `status` says USB storage is not enforced (`usb.reason`). */
  'USB_NO_MODULE',
  'USB_NOT_ENFORCING',
  'USB_NOT_ROOT',
  'USB_SYSFS_READONLY',
  'USB_NO_SYSFS',
  'USB_UNSUPPORTED_OS',
  'USB_SEAL_OPEN',
  'USB_REACTIVE_ONLY',
] as const;
export type AgentErrorCode = (typeof AGENT_ERROR_CODES)[number];
