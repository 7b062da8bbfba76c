// Public types of the policy core. `Policy` is what the agent works with after parsing:
// defaults filled in, durations in milliseconds, retention.maxSize in bytes, USB IDs lowercase.
// `PolicyInput` is what a file may say. Type-only imports: loading these costs nothing.
import type * as z from 'zod';
import type { Json } from '../events/types.js';
import type { Level } from './levels.js';
import type { policySchema } from './schema.js';

export type Policy = z.output<typeof policySchema>;
export type PolicyInput = z.input<typeof policySchema>;
export type UsbVerdict = Policy['usb']['storage'];
export type UsbRule = Policy['usb']['rules'][number];
export type PolicyFolder = Policy['folders'][number];
export type AlertRule = Policy['alerts'][number];

export type PolicyOs = 'linux' | 'windows' | 'darwin';

/** Stable codes; each maps to a message `policy.<camelCase>` in messages.ts. */
export const POLICY_ERROR_CODES = [
  'POLICY_TOO_LARGE',
  'POLICY_ENCODING',
  'POLICY_EMPTY',
  'POLICY_YAML_SYNTAX',
  'POLICY_JSON_SYNTAX',
  'POLICY_DUPLICATE_KEY',
  'POLICY_YAML_TAG',
  'POLICY_ALIAS',
  'POLICY_UNKNOWN_KEY',
  'POLICY_REQUIRED',
  'POLICY_TYPE',
  'POLICY_ENUM',
  'POLICY_TOO_SMALL',
  'POLICY_TOO_BIG',
  'POLICY_TEXT',
  'POLICY_TEXT_TOO_LONG',
  'POLICY_TEXT_CONTROL',
  'POLICY_VERSION',
  'POLICY_DATE',
  'POLICY_EXPIRES_BEFORE_ISSUED',
  'POLICY_WATERMARK_PLACEHOLDER',
  'POLICY_DURATION',
  'POLICY_SIZE',
  'POLICY_LEVEL',
  'POLICY_VERDICT',
  'POLICY_SEVERITY',
  'POLICY_HEX4',
  'POLICY_USB_HASH',
  'POLICY_USB_CLASS',
  'POLICY_USB_BLOCKS_ALL_HID',
  'POLICY_URL',
  'POLICY_ALERT_MATCH',
  'POLICY_FOLDER_PATH',
  'POLICY_FOLDER_RELATIVE',
  'POLICY_FOLDER_VARIABLE',
  'POLICY_FOLDER_NOT_ABSOLUTE',
  'POLICY_FOLDER_CONTROL_CHAR',
  'POLICY_FOLDER_DATADIR_PLACE',
  'POLICY_FOLDER_TOO_LONG',
  'POLICY_FOLDER_NAME_TOO_LONG',
  'POLICY_FOLDER_WINDOWS_CHAR',
  'POLICY_FOLDER_HOLDS_DATA_DIR',
  'POLICY_SEMVER',
  'POLICY_AGENT_TOO_OLD',
  'POLICY_KEY_NEWER_THAN_MIN',
  'POLICY_INVALID',
  'POLICY_SIG_MISSING',
  'POLICY_SIG_MALFORMED',
  'POLICY_SIG_UNTRUSTED',
  'POLICY_SIG_NO_TRUSTED_KEYS',
  'POLICY_KEY_INVALID',
  'POLICY_EXPIRED',
  'POLICY_NOT_YET_VALID',
  'POLICY_DOWNGRADE',
  'POLICY_SAME_VERSION_CHANGED',
  'POLICY_INTERNAL',
] as const;
export type PolicyErrorCode = (typeof POLICY_ERROR_CODES)[number];

/**
 * One problem in a policy file. `line`/`col` are 1-based positions of the offending node in
 * the source (for a missing key: the object that lacks it; for whole-file problems: 1:1).
 * `path` is like "folders[0].level" ("" for the whole document). `params` fill the message.
 */
export interface PolicyIssue {
  code: PolicyErrorCode;
  line: number;
  col: number;
  path: string;
  params: Record<string, Json>;
}

export type ParseResult =
  | {
      ok: true;
      policy: Policy;
      format: 'yaml' | 'json';
      /** Not refusals: keys newer than the policy's minAgentVersion (POLICY_KEY_NEWER_THAN_MIN). */
      warnings: PolicyIssue[];
    }
  | { ok: false; issues: PolicyIssue[] };

export interface ResolvedFolder {
  path: string;
  level: Level;
  recursive: boolean;
  ignore: string[];
}

export interface TrustedKey {
  name: string;
  publicKeyPem: string;
}
