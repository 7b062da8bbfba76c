import { describe, expect, it } from 'vitest';
import {
  formatPolicyMessage,
  POLICY_ERROR_CODES,
  policyMessageKey,
  policyMessages,
} from '../../../src/core/policy/index.js';

const placeholders = (s: string) =>
  [...s.matchAll(/\{\{\s*([\w-]+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('policy messages', () => {
  it('en and zh-CN have the same keys, all under policy.', () => {
    const en = Object.keys(policyMessages.en).sort();
    expect(Object.keys(policyMessages['zh-CN']).sort()).toEqual(en);
    for (const k of en) expect(k).toMatch(/^policy\.[a-zA-Z0-9]+$/);
  });

  it('both languages use the same placeholders in each message', () => {
    for (const [k, en] of Object.entries(policyMessages.en)) {
      expect(placeholders(policyMessages['zh-CN'][k]!), k).toEqual(placeholders(en));
    }
  });

  it('every error code has a message, and zh-CN is actually Chinese', () => {
    for (const code of POLICY_ERROR_CODES) {
      const key = policyMessageKey(code);
      expect(policyMessages.en[key], code).toBeTruthy();
      expect(policyMessages['zh-CN'][key], code).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(policyMessageKey('POLICY_UNKNOWN_KEY', {})).toBe('policy.unknownKeyNoSuggestion');
    expect(policyMessageKey('POLICY_UNKNOWN_KEY', { suggestion: 'folders' })).toBe(
      'policy.unknownKey',
    );
    expect(policyMessageKey('POLICY_SIG_NO_TRUSTED_KEYS')).toBe('policy.sigNoTrustedKeys');
  });

  it('renders positions in both languages', () => {
    const params = { key: 'fodlers', suggestion: 'folders', line: 3, col: 1, path: 'fodlers' };
    expect(formatPolicyMessage('en', 'POLICY_UNKNOWN_KEY', params)).toBe(
      'Unknown key "fodlers" at line 3, column 1: did you mean "folders"?',
    );
    expect(formatPolicyMessage('zh-CN', 'POLICY_UNKNOWN_KEY', params)).toBe(
      '第 3 行第 1 列处有未知的键"fodlers"：是否应为"folders"？',
    );
    expect(
      formatPolicyMessage('en', 'POLICY_LEVEL', { line: 9, col: 12, path: 'folders[1].level' }),
    ).toContain('line 9, column 12 (folders[1].level)');
  });
});
