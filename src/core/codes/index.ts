// Every error code that can reach a person, as one typed union with a runtime list beside
// it. A code is a contract (the CLI, tests, the tray and the console key on it): add codes,
// never rename them.
//
// Why the lists live in core although most codes are raised above it: BaomiError is core's
// and every layer throws it, so the union must be nameable here, and core imports nothing
// from above (DESIGN.md "Layers"). Each file in this folder is one capability's list, saying
// which layer raises its codes and where their text is.
//
// Text: a code's message lives with the lowest layer that must display it. Policy refusals
// (events) and socket errors are shown by the CLI, the tray and the console, so their text is
// in core (core/policy/messages.ts, codes/protocol.ts, codes/exceptions.ts; all of core's:
// i18n/catalogs.ts). The store's, the agent's and the CLI's are beside their code, each
// catalogue declared `satisfies CodeCatalog<…>` so a code without text in either language
// does not compile.
//
// tests/unit/core/error-codes.test.ts checks that every code here has text in zh-CN and
// English with the same placeholders, and that every code literal in src/ is listed here.
import { AGENT_ERROR_CODES } from './agent.js';
import { ALERT_ERROR_CODES } from './alerts.js';
import { CHAIN_BREAK_CODES } from './chain.js';
import { CLI_ERROR_CODES } from './cli.js';
import {
  CONSOLE_API_CODES,
  CONSOLE_CLI_CODES,
  CONSOLE_CLIENT_CODES,
  CONSOLE_START_CODES,
} from './console.js';
import { CONSOLE_STORE_ERROR_CODES } from './console-store.js';
import {
  EXCEPTION_CLI_CODES,
  EXCEPTION_REFUSAL_CODES,
  EXCEPTION_REQUEST_CODES,
} from './exceptions.js';
import { NOTIFY_CODES } from './notify.js';
import { PLEDGE_CODES } from './pledge.js';
import { POLICY_REJECTION_CODES } from './policy.js';
import { PROTOCOL_ERROR_CODES, SOCKET_ERROR_CODES } from './protocol.js';
import { SIEM_ERROR_CODES } from './siem.js';
import { STORE_ERROR_CODES } from './store.js';
import { SYNC_ERROR_CODES } from './sync.js';

export const ERROR_CODES = [
  ...POLICY_REJECTION_CODES,
  ...ALERT_ERROR_CODES,
  ...PROTOCOL_ERROR_CODES,
  ...SOCKET_ERROR_CODES,
  ...STORE_ERROR_CODES,
  ...AGENT_ERROR_CODES,
  ...CLI_ERROR_CODES,
  ...CHAIN_BREAK_CODES,
  ...EXCEPTION_REFUSAL_CODES,
  ...EXCEPTION_CLI_CODES,
  ...CONSOLE_API_CODES,
  ...CONSOLE_START_CODES,
  ...CONSOLE_CLI_CODES,
  ...CONSOLE_CLIENT_CODES,
  ...CONSOLE_STORE_ERROR_CODES,
  ...EXCEPTION_REQUEST_CODES,
  ...SYNC_ERROR_CODES,
  ...NOTIFY_CODES,
  ...SIEM_ERROR_CODES,
  ...PLEDGE_CODES,
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

const known: ReadonlySet<string> = new Set(ERROR_CODES);

/** For codes that arrive as text (a socket answer, a stored event). */
export function isErrorCode(s: unknown): s is ErrorCode {
  return typeof s === 'string' && known.has(s);
}

export type { AgentErrorCode } from './agent.js';
export type { AlertErrorCode } from './alerts.js';
export { CHAIN_BREAK_CODES, type ChainBreakCode, chainBreakCode } from './chain.js';
export type { CliErrorCode } from './cli.js';
export {
  CONSOLE_API_CODES,
  CONSOLE_CLI_CODES,
  CONSOLE_CLIENT_CODES,
  CONSOLE_START_CODES,
  type ConsoleApiCode,
  type ConsoleCliCode,
  type ConsoleClientCode,
  type ConsoleStartCode,
} from './console.js';
export { CONSOLE_STORE_ERROR_CODES, type ConsoleStoreErrorCode } from './console-store.js';
export {
  EXCEPTION_CLI_CODES,
  EXCEPTION_REFUSAL_CODES,
  EXCEPTION_REQUEST_CODES,
  type ExceptionCliCode,
  type ExceptionRefusalCode,
  type ExceptionRequestCode,
  isExceptionRefusal,
} from './exceptions.js';
export { NOTIFY_CODES, type NotifyCode } from './notify.js';
export {
  POLICY_REJECTION_CODES,
  POLICY_SOURCE_CODES,
  type PolicyRejectionCode,
  type PolicySourceCode,
} from './policy.js';
export type { ProtocolErrorCode, SocketErrorCode } from './protocol.js';
export type { StoreErrorCode } from './store.js';
export { SYNC_ERROR_CODES, type SyncErrorCode } from './sync.js';
