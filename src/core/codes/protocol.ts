// Codes of the local sockets. PROTOCOL_* are answered by the agent over the socket
// (core/protocol, src/agent/socket); SOCKET_* are raised by the client when it cannot get an
// answer (src/agent/socket/client.ts). The CLI and the tray both show them.
export const PROTOCOL_ERROR_CODES = [
  'PROTOCOL_ADMIN_ONLY',
  'PROTOCOL_BAD_JSON',
  'PROTOCOL_BAD_REQUEST',
  'PROTOCOL_UNKNOWN_TYPE',
  'PROTOCOL_TOO_LARGE',
  'PROTOCOL_INTERNAL',
  /** The agent answered with a code this client does not know (a newer agent). */
  'PROTOCOL_UNKNOWN_ERROR',
] as const;
export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number];

export const SOCKET_ERROR_CODES = [
  'SOCKET_UNREACHABLE',
  'SOCKET_DENIED',
  'SOCKET_TIMEOUT',
  'SOCKET_UNTRUSTED',
] as const;
export type SocketErrorCode = (typeof SOCKET_ERROR_CODES)[number];
