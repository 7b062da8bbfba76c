// Turns a code + params into the sentence a person reads. Plain {{param}} substitution, the
// same syntax i18next uses, so the merged catalogue renders identically in the agent and tray.
import type { Json } from '../events/types.js';
import type { Lang } from '../i18n/types.js';
import { policyMessages } from './messages.js';
import type { PolicyErrorCode, PolicyIssue } from './types.js';

/** POLICY_UNKNOWN_KEY → policy.unknownKey (and the variant without a suggestion). */
export function policyMessageKey(
  code: PolicyErrorCode | string,
  params: Record<string, Json> = {},
): string {
  const camel = code
    .replace(/^POLICY_/, '')
    .toLowerCase()
    .replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  if (code === 'POLICY_UNKNOWN_KEY' && params.suggestion === undefined)
    return 'policy.unknownKeyNoSuggestion';
  return `policy.${camel}`;
}

export function interpolate(template: string, params: Record<string, Json>): string {
  return template.replace(/\{\{\s*([\w-]+)\s*\}\}/g, (whole, name: string) => {
    const v = params[name];
    return v === undefined ? whole : typeof v === 'string' ? v : JSON.stringify(v);
  });
}

/** The message for a code in `lang`; `line`/`col`/`path` in params become {{where}}. */
export function formatPolicyMessage(
  lang: Lang,
  code: PolicyErrorCode | string,
  params: Record<string, Json>,
): string {
  const cat = policyMessages[lang];
  const all: Record<string, Json> = { ...params };
  if (typeof params.line === 'number' && typeof params.col === 'number') {
    // A top-level key names itself in the sentence already; a nested path helps find it.
    const nested = typeof params.path === 'string' && /[.[]/.test(params.path);
    const whereKey = nested ? 'policy.whereWithPath' : 'policy.where';
    all.where = interpolate(cat[whereKey]!, params);
  }
  // Type names (zod's and parse.ts's) in words: "expected true or false, found text".
  for (const k of ['expected', 'received'] as const) {
    const v = params[k];
    const name =
      typeof v === 'string' ? cat[`policy.type${v[0]?.toUpperCase()}${v.slice(1)}`] : undefined;
    if (name !== undefined) all[k] = name;
  }
  const template = cat[policyMessageKey(code, params)];
  return template === undefined ? `${code} ${JSON.stringify(params)}` : interpolate(template, all);
}

export function formatPolicyIssue(lang: Lang, issue: PolicyIssue): string {
  return formatPolicyMessage(lang, issue.code, {
    ...issue.params,
    line: issue.line,
    col: issue.col,
    path: issue.path,
  });
}
