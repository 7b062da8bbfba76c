// The screen watermark key the tray brought in 0.3.0 (DESIGN.md "Watermark"): defaults, the
// placeholders the workstation fills, and a refusal at the line for anything else.
import { describe, expect, it } from 'vitest';
import { formatPolicyIssue, parsePolicyText } from '../../../src/core/policy/index.js';

const HEAD =
  'version: 1\nname: x\nissued: 2026-01-01T00:00:00Z\nexpires: 2099-01-01T00:00:00Z\nminAgentVersion: "0.3.0"\n';

const parse = (body: string, agentVersion = '0.3.0') =>
  parsePolicyText(`${HEAD}${body}`, { agentVersion });

describe('policy watermark', () => {
  it('is absent unless the policy names it, and takes its defaults when it does', () => {
    const none = parse('');
    expect(none.ok && none.policy.watermark).toBeUndefined();
    const on = parse('watermark: { enabled: true }\n');
    if (!on.ok) throw new Error(JSON.stringify(on.issues));
    expect(on.policy.watermark).toEqual({
      enabled: true,
      text: '{user} {host} {date}',
      opacity: 0.08,
    });
  });

  it('keeps a text with the known placeholders and an opacity in range', () => {
    const r = parse(
      'watermark:\n  enabled: true\n  text: "内部资料 {user}@{host} {date} {time}"\n  opacity: 0.2\n',
    );
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.policy.watermark).toEqual({
      enabled: true,
      text: '内部资料 {user}@{host} {date} {time}',
      opacity: 0.2,
    });
  });

  it('refuses an unknown placeholder at its line, saying which ones work, in both languages', () => {
    const r = parse('watermark:\n  enabled: true\n  text: "{user} {ip}"\n');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues[0]).toMatchObject({
      code: 'POLICY_WATERMARK_PLACEHOLDER',
      line: 8,
      params: { placeholder: '{ip}' },
    });
    for (const lang of ['en', 'zh-CN'] as const) {
      const s = formatPolicyIssue(lang, r.issues[0]!);
      expect(s).toContain('{ip}');
      expect(s).toContain('{host}');
      expect(s).not.toMatch(/\{\{/);
    }
  });

  it('refuses an opacity a person could not see or could not work through, and a wrong type', () => {
    for (const bad of ['0', '0.9', '"faint"']) {
      const r = parse(`watermark:\n  enabled: true\n  opacity: ${bad}\n`);
      expect(r.ok, bad).toBe(false);
    }
    const r = parse('watermark:\n  enabled: "yes"\n');
    expect(!r.ok && r.issues[0]!.code).toBe('POLICY_TYPE');
  });

  it('an agent older than 0.3.0 refuses a policy that needs it, for its version', () => {
    const r = parse('watermark: { enabled: true }\n', '0.2.0');
    expect(!r.ok && r.issues[0]!.code).toBe('POLICY_AGENT_TOO_OLD');
  });
});
