// The local-socket client (DESIGN.md "Layers": src/ipc imports core, and platform/paths.ts for
// the seat token's place): the CLI, the tray's main process and tests use this, nothing else.

export { protocolMessages } from '../core/codes/protocol.js';
// Where a client finds the agent (the tray looks where the CLI does).
export { adminBeside, osName, readPlaces } from '../platform/paths.js';
export {
  type AgentConnection,
  type BodyOf,
  type ConnectionState,
  type ConnectOptions,
  connectAgent,
  requestOnce,
} from './connection.js';
export type { ClientSubscription, FrameHandler, SubscriptionFrame } from './subscription.js';
export { readSeatToken, untrustedOwner } from './trust.js';
