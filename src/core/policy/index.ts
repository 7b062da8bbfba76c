// Public API of the policy core. Importing this loads zod (the schema); code that only needs
// levels or durations can import levels.js / units.js directly and stay small.
export { decodePolicyBytes, MAX_POLICY_BYTES } from './decode.js';
export {
  isAbsoluteFor,
  type ResolveContext,
  resolveFolders,
  tryResolveFolders,
} from './folders.js';
export { formatPolicyIssue, formatPolicyMessage, policyMessageKey } from './format.js';
export { policyJsonSchema } from './json-schema.js';
export {
  type Candidate,
  CLOCK_SKEW_MS,
  type Judgement,
  judgeCandidate,
  policyTimeProblem,
  sha256Hex,
  type TimeProblem,
} from './judge.js';
export {
  isLevel,
  LEVELS,
  type Level,
  levelAtLeast,
  STATE_SECRET_LEVELS,
  TRADE_SECRET_LEVELS,
} from './levels.js';
export { policyMessages } from './messages.js';
export {
  locatePolicyPath,
  MAX_ALIAS_COUNT,
  type ParseOptions,
  parsePolicyBytes,
  parsePolicyText,
} from './parse.js';
export { policySchema, VERDICTS } from './schema.js';
export {
  generateKeyPair,
  publicKeyOf,
  readPublicKey,
  type SignatureCheck,
  signPolicy,
  verifyPolicySignature,
} from './signature.js';
export type {
  AlertRule,
  ParseResult,
  Policy,
  PolicyErrorCode,
  PolicyFolder,
  PolicyInput,
  PolicyIssue,
  PolicyOs,
  ResolvedFolder,
  TrustedKey,
  UsbRule,
  UsbVerdict,
} from './types.js';
export { POLICY_ERROR_CODES } from './types.js';
export { parseDuration, parseRfc3339, parseSize } from './units.js';
export {
  compareSemver,
  FIRST_AGENT_VERSION,
  keysNewerThan,
  type NewerKey,
  POLICY_KEYS_SINCE,
  SEMVER,
} from './versions.js';
