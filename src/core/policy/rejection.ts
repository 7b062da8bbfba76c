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
import type { PolicyIssue } from './types.js';

/**
 * A refused file's problems kept in its event: enough for IT to fix them all in one go (a
 * schema failure rarely comes alone), few enough that a hostile file cannot bloat the log.
 * The parser itself stops at 50 (parse.ts), so `moreProblems` counts at most 30.
 */
export const MAX_RECORDED_PROBLEMS = 20;

export interface PolicyRejection {
  code: PolicyRejectionCode;
  /** Everything the code's message names: {{key}}, {{version}}, line/col/path, … */
  params: Record<string, Json>;
  /** Every problem found in the file (parse, schema, folders), first one = `code`. */
  issues?: readonly PolicyIssue[];
}

/** One problem of a refused file as its event records it (a PolicyIssue, plain JSON). */
export interface PolicyProblem {
  code: string;
  path: string;
  line: number;
  col: number;
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
  const issues = r.issues ?? [];
  if (issues.length > 0) {
    data.problems = issues.slice(0, MAX_RECORDED_PROBLEMS).map((i) => ({
      code: i.code,
      path: i.path,
      line: i.line,
      col: i.col,
      params: i.params,
    }));
    if (issues.length > MAX_RECORDED_PROBLEMS)
      data.moreProblems = issues.length - MAX_RECORDED_PROBLEMS;
  }
  return data;
}

/** The problems an event (or a status answer built from one) records; [] when none or malformed. */
export function recordedProblems(data: Record<string, Json>): PolicyProblem[] {
  const list = data.problems;
  if (!Array.isArray(list)) return [];
  const out: PolicyProblem[] = [];
  for (const p of list) {
    if (typeof p !== 'object' || p === null || Array.isArray(p)) continue;
    const { code, path, line, col, params } = p;
    if (typeof code !== 'string' || typeof line !== 'number' || typeof col !== 'number') continue;
    const ok = typeof params === 'object' && params !== null && !Array.isArray(params);
    out.push({
      code,
      path: typeof path === 'string' ? path : '',
      line,
      col,
      params: ok ? params : {},
    });
  }
  return out;
}

/**
 * Every problem of a refusal, one sentence each in `lang`, and how many more the event did
 * not keep. A refusal without a list (a signature, a missing file, an older event) is its
 * one reason.
 */
export function policyRejectionProblems(
  lang: Lang,
  data: Record<string, Json>,
): { lines: string[]; more: number } {
  const more = typeof data.moreProblems === 'number' ? data.moreProblems : 0;
  const problems = recordedProblems(data).filter(
    (p) => isErrorCode(p.code) && p.code.startsWith('POLICY_'),
  );
  if (problems.length === 0) return { lines: [policyRejectionReason(lang, data)], more };
  const file = data.file ?? '';
  return {
    lines: problems.map((p) =>
      formatPolicyMessage(lang, p.code, {
        file,
        ...p.params,
        line: p.line,
        col: p.col,
        path: p.path,
      }),
    ),
    more,
  };
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
