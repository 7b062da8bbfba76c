// Codes of a refused policy: the judge's (core/policy, text in core/policy/messages.ts) and
// those of the agent's policy watcher, which reads the file before the judge sees it. Both
// end up in `policy.rejected` events that the CLI, the tray and the console render, so all
// their text lives in core.
import { POLICY_ERROR_CODES } from '../policy/types.js';

/** Raised by the agent's policy watcher (src/agent/policy) before or around the judge. */
export const POLICY_SOURCE_CODES = [
  'POLICY_FILE_MISSING',
  'POLICY_NOT_A_FILE',
  'POLICY_READ_FAILED',
  'POLICY_JUDGE_FAILED',
  /** The policy kept from the last run is not signed by a key trusted in this run. */
  'POLICY_STORED_UNTRUSTED',
] as const;
export type PolicySourceCode = (typeof POLICY_SOURCE_CODES)[number];

/** Every code a `policy.rejected` event may carry in `data.code`. */
export const POLICY_REJECTION_CODES = [...POLICY_ERROR_CODES, ...POLICY_SOURCE_CODES] as const;
export type PolicyRejectionCode = (typeof POLICY_REJECTION_CODES)[number];
