// The `policy.rejected` event's data, and its one rendering. The agent records the code and
// the values its message needs; whoever displays the event (the `baomi agent` terminal,
// `baomi events`, the tray, the console) renders it here in the reader's language. No prose
// is stored: a stored sentence would be in one language and could not be re-rendered.
import { isErrorCode } from '../codes/index.js';
import type { PolicyRejectionCode } from '../codes/policy.js';
import type { Json } from '../events/types.js';
import type { Lang } from '../i18n/types.js';
import { formatPolicyMessage, interpolate } from './format.js';
import { policyMessages } from './messages.js';

export interface PolicyRejection {
  code: PolicyRejectionCode;
  /** Everything the code's message names: {{key}}, {{version}}, line/col/path, … */
  params: Record<string, Json>;
}

/** `data` of a `policy.rejected` event. */
export function policyRejectedData(
  file: string,
  r: PolicyRejection,
  inForceVersion: number | null,
): Record<string, Json> {
  const data: Record<string, Json> = { file, code: r.code, params: r.params, inForceVersion };
  // Also at the top, as before: filters and exports read them there.
  if (typeof r.params.line === 'number') data.line = r.params.line;
  if (typeof r.params.col === 'number') data.col = r.params.col;
  return data;
}

/**
 * Why a stored `policy.rejected` event's policy was refused, in `lang`. Events written before
 * the params were recorded carry an English `reason` instead; that is shown as it is.
 */
export function policyRejectionReason(lang: Lang, data: Record<string, Json>): string {
  const params = data.params;
  if (
    !isErrorCode(data.code) ||
    !data.code.startsWith('POLICY_') ||
    typeof params !== 'object' ||
    params === null ||
    Array.isArray(params)
  )
    return typeof data.reason === 'string' ? data.reason : String(data.code);
  return formatPolicyMessage(lang, data.code, { file: data.file ?? '', ...params });
}

/** The reason, then what is in force now: what a person watching the agent reads. */
export function describePolicyRejection(lang: Lang, data: Record<string, Json>): string {
  const cat = policyMessages[lang];
  const kept =
    typeof data.inForceVersion === 'number'
      ? interpolate(cat['policy.keptInForce']!, { version: data.inForceVersion })
      : cat['policy.noneInForce']!;
  return `${policyRejectionReason(lang, data)}${lang === 'en' ? ' ' : ''}${kept}`;
}
