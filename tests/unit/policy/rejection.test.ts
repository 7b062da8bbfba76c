// How a stored `policy.rejected` event reads (core/policy/rejection.ts): what is in force after
// the refusal, and every problem of the refused file, in both languages.
import { describe, expect, it } from 'vitest';
import type { Json } from '../../../src/core/events/types.js';
import { LANGS } from '../../../src/core/i18n/types.js';
import {
  describePolicyRejection,
  policyRejectedData,
  policyRejectionProblems,
} from '../../../src/core/policy/rejection.js';
import type { PolicyIssue } from '../../../src/core/policy/types.js';

const missing = { file: '/etc/baomi/policy.yaml', code: 'POLICY_FILE_MISSING', params: {} };

describe('what is in force after a refusal', () => {
  it('with no policy ever in force: the fail-closed defaults, never "the last good policy"', () => {
    const data = { ...missing, inForceVersion: null };
    const en = describePolicyRejection('en', data);
    expect(en).toContain('fail-closed defaults');
    expect(en).toContain('USB storage blocked');
    expect(en).not.toMatch(/stays in force|last good/i);
    const zh = describePolicyRejection('zh-CN', data);
    expect(zh).toContain('故障安全的默认值');
    expect(zh).not.toContain('继续生效');
  });

  it('with a policy in force: that version stays in force', () => {
    const data = { ...missing, inForceVersion: 7 };
    expect(describePolicyRejection('en', data)).toContain('Policy version 7 stays in force.');
    expect(describePolicyRejection('zh-CN', data)).toContain('版本 7 的策略继续生效');
    for (const lang of LANGS)
      expect(describePolicyRejection(lang, data)).not.toMatch(/默认值|defaults/);
  });
});

const issue = (code: PolicyIssue['code'], line: number, params: Record<string, Json>) =>
  ({ code, line, col: 1, path: String(params.key ?? 'version'), params }) as PolicyIssue;

describe('every problem of a refused file', () => {
  const issues = [
    issue('POLICY_VERSION', 1, {}),
    issue('POLICY_UNKNOWN_KEY', 7, { key: 'fodlers', suggestion: 'folders', allowed: 'folders' }),
  ];

  it('are recorded in the event, the first one also as its code', () => {
    const data = policyRejectedData('/p.yaml', { code: 'POLICY_VERSION', params: {}, issues }, 3);
    expect(data).toMatchObject({ code: 'POLICY_VERSION', inForceVersion: 3 });
    expect(data.problems).toEqual(
      issues.map((i) => ({
        code: i.code,
        path: i.path,
        line: i.line,
        col: i.col,
        params: i.params,
      })),
    );
    expect(data).not.toHaveProperty('moreProblems');
  });

  it('are bounded, with the count of the rest', () => {
    const many = Array.from({ length: 45 }, (_, i) =>
      issue('POLICY_UNKNOWN_KEY', i + 1, { key: `k${i}`, allowed: 'x' }),
    );
    const data = policyRejectedData(
      '/p.yaml',
      { code: 'POLICY_UNKNOWN_KEY', params: {}, issues: many },
      null,
    );
    expect(data.problems).toHaveLength(20);
    expect(data.moreProblems).toBe(25);
    const r = policyRejectionProblems('en', data);
    expect(r.lines).toHaveLength(20);
    expect(r.more).toBe(25);
  });

  it('render one line each in the reader language, with their positions', () => {
    const data = policyRejectedData(
      '/p.yaml',
      { code: 'POLICY_VERSION', params: {}, issues },
      null,
    );
    const en = policyRejectionProblems('en', data).lines;
    expect(en).toHaveLength(2);
    expect(en[0]).toMatch(/^version at line 1, column 1 must be/);
    expect(en[1]).toBe('Unknown key "fodlers" at line 7, column 1: did you mean "folders"?');
    const zh = policyRejectionProblems('zh-CN', data).lines;
    expect(zh[1]).toBe('第 7 行第 1 列处有未知的键"fodlers"：是否应为"folders"？');
  });

  it('an event without a list (a signature, a missing file, an older event) is its one reason', () => {
    const r = policyRejectionProblems('en', { ...missing, inForceVersion: null });
    expect(r).toEqual({
      lines: [
        'The policy file /etc/baomi/policy.yaml is missing. Put a signed policy back at that path.',
      ],
      more: 0,
    });
  });
});
