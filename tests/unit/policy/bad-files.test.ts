import { describe, expect, it } from 'vitest';
import {
  formatPolicyIssue,
  MAX_POLICY_BYTES,
  parsePolicyBytes,
} from '../../../src/core/policy/index.js';
import { list, POLICY_FILE, read, readmeTable } from './helpers.js';

const rows = readmeTable('bad/README.md');

describe('policies/bad', () => {
  it('README lists every file, and only files that exist', () => {
    const files = list('bad').filter((f) => POLICY_FILE.test(f));
    expect(rows.map((r) => r.file).sort()).toEqual(files);
  });

  it.each(rows)('$file is refused with $code (line $line)', ({ file, code, line }) => {
    const r = parsePolicyBytes(read(`bad/${file}`));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues[0]!.code).toBe(code);
    if (line !== '-') expect(r.issues[0]!.line).toBe(Number(line));
    for (const issue of r.issues) {
      expect(issue.line).toBeGreaterThanOrEqual(1);
      expect(issue.col).toBeGreaterThanOrEqual(1);
      // Every refusal renders to a sentence in both languages, with nothing left unfilled.
      for (const lang of ['en', 'zh-CN'] as const) {
        const text = formatPolicyIssue(lang, issue);
        expect(text).not.toMatch(/\{\{/);
        expect(text).not.toMatch(/^POLICY_/);
      }
    }
  });

  it('too-large.yaml is only just over the cap, so the cap is what refuses it', () => {
    const size = read('bad/too-large.yaml').length;
    expect(size).toBeGreaterThan(MAX_POLICY_BYTES);
    expect(size).toBeLessThan(MAX_POLICY_BYTES * 1.2);
  });

  it('the unknown-key files suggest the intended key', () => {
    const top = parsePolicyBytes(read('bad/unknown-key-typo.yaml'));
    const nested = parsePolicyBytes(read('bad/nested-unknown-key.yaml'));
    expect(!top.ok && top.issues[0]).toMatchObject({
      path: 'fodlers',
      col: 1,
      params: { suggestion: 'folders' },
    });
    expect(!nested.ok && nested.issues[0]).toMatchObject({
      path: 'folders[0].levle',
      params: { suggestion: 'level' },
    });
    if (!top.ok) {
      expect(formatPolicyIssue('en', top.issues[0]!)).toBe(
        'Unknown key "fodlers" at line 6, column 1: did you mean "folders"?',
      );
      expect(formatPolicyIssue('zh-CN', top.issues[0]!)).toContain('是否应为"folders"');
    }
  });
});
