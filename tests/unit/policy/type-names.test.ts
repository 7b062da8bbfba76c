// "Wrong type" names the types in words a person reads, in both languages, never zod's names.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatPolicyIssue, parsePolicyBytes } from '../../../src/core/policy/index.js';

const BAD = resolve(import.meta.dirname, '../../../policies/bad');

describe('type names in policy messages', () => {
  it('wrong-types.yaml: every issue says its types in words', () => {
    const r = parsePolicyBytes(readFileSync(join(BAD, 'wrong-types.yaml')));
    if (r.ok) throw new Error('wrong-types.yaml was accepted');
    const typeIssues = r.issues.filter((i) => i.code === 'POLICY_TYPE');
    expect(typeIssues.length).toBeGreaterThan(0);
    const en = typeIssues.map((i) => formatPolicyIssue('en', i)).join('\n');
    const zh = typeIssues.map((i) => formatPolicyIssue('zh-CN', i)).join('\n');
    expect(en).toContain('expected true or false, found text');
    expect(zh).toContain('应为“true 或 false”，实际为“文本”');
    const raw = '(boolean|string|number|array|object|int|integer|list|map|null)';
    expect(en).not.toMatch(new RegExp(`(expected|found) ${raw}\\b`));
    expect(zh).not.toMatch(new RegExp(`“${raw}”`));
  });
});
