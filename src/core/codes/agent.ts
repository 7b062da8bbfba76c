// Codes of the agent's start-up (src/agent): the data-dir lock and the sockets.
export const AGENT_ERROR_CODES = [
  'AGENT_ALREADY_RUNNING',
  'AGENT_SOCKET_IN_USE',
  'AGENT_SOCKET_FAILED',
  'AGENT_SOCKET_DIR_UNSAFE',
] as const;
export type AgentErrorCode = (typeof AGENT_ERROR_CODES)[number];
