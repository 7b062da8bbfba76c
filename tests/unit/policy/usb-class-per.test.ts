// The keys USB device control brought in 0.2.0: usb.rules[].class (and the refusal of a rule
// that would block every keyboard and mouse), and alerts[].per.
import { describe, expect, it } from 'vitest';
import {
  formatPolicyIssue,
  type PolicyIssue,
  parsePolicyText,
} from '../../../src/core/policy/index.js';

const HEAD =
  'version: 1\nname: x\nissued: 2026-01-01T00:00:00Z\nexpires: 2099-01-01T00:00:00Z\nminAgentVersion: "0.2.0"\n';
const rules = (...lines: string[]) =>
  `${HEAD}usb:\n  rules:\n${lines.map((l) => `    - ${l}\n`).join('')}`;

function refused(text: string): PolicyIssue[] {
  const r = parsePolicyText(text, { agentVersion: '0.2.0' });
  if (r.ok) throw new Error('accepted');
  return r.issues;
}

function accepted(text: string) {
  const r = parsePolicyText(text, { agentVersion: '0.2.0' });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r;
}

function rendersInBoth(issue: PolicyIssue, ...must: RegExp[]) {
  for (const lang of ['en', 'zh-CN'] as const) {
    const s = formatPolicyIssue(lang, issue);
    expect(s).not.toMatch(/\{\{|^POLICY_/);
    expect(s).toContain(`${issue.line}`);
    for (const m of must) expect(s).toMatch(m);
  }
}

describe('usb.rules[].class', () => {
  it('is two hex digits, lowercased', () => {
    const r = accepted(
      rules('{ class: "08", verdict: allow }', '{ class: "FF", vendor: "18D1", verdict: block }'),
    );
    expect(r.policy.usb.rules.map((x) => x.class)).toEqual(['08', 'ff']);
    expect(r.warnings).toEqual([]);
  });

  it.each([
    ['"8"', '8'],
    ['"008"', '008'],
    ['"0g"', '0g'],
    ['""', ''],
    ['8', 8],
    ['08', 8],
  ])('refuses class: %s with POLICY_USB_CLASS at its line and column', (written, value) => {
    const [issue] = refused(rules(`{ class: ${written}, verdict: allow }`));
    expect(issue).toMatchObject({
      code: 'POLICY_USB_CLASS',
      line: 8,
      col: 16,
      path: 'usb.rules[0].class',
      params: { value },
    });
    rendersInBoth(issue!, /"08"/);
  });
});

describe('a rule that would block every HID device is refused', () => {
  it.each(['{ class: "03", verdict: block }', '{ class: "03", verdict: block, note: 禁止键盘 }'])(
    '%s',
    (line) => {
      const issues = refused(rules('{ vendor: "0781", verdict: allow }', line));
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({
        code: 'POLICY_USB_BLOCKS_ALL_HID',
        line: 9,
        col: 16,
        path: 'usb.rules[1].class',
      });
      rendersInBoth(issues[0]!, /"03"/);
      expect(formatPolicyIssue('en', issues[0]!)).toMatch(/keyboard/);
      expect(formatPolicyIssue('zh-CN', issues[0]!)).toMatch(/键盘/);
    },
  );

  it('in block style as well, pointing at the class', () => {
    const text = `${HEAD}usb:\n  rules:\n    - verdict: block\n      note: no keyboards\n      class: "03"\n`;
    expect(refused(text)[0]).toMatchObject({
      code: 'POLICY_USB_BLOCKS_ALL_HID',
      line: 10,
      col: 14,
    });
  });

  it('is refused by an agent too (the judge parses the same way)', () => {
    const r = parsePolicyText(rules('{ class: "03", verdict: block }'));
    expect(!r.ok && r.issues[0]!.code).toBe('POLICY_USB_BLOCKS_ALL_HID');
  });

  it.each([
    ['one device, by ids', '{ class: "03", vendor: "1b4f", product: "9208", verdict: block }'],
    ['one vendor', '{ class: "03", vendor: "1b4f", verdict: block }'],
    ['one product id', '{ class: "03", product: "9208", verdict: block }'],
    ['by serial', '{ class: "03", serial: "DUCKY", verdict: block }'],
    ['by hash', `{ class: "03", hash: "${'a'.repeat(64)}", verdict: block }`],
    ['HID audited', '{ class: "03", verdict: audit }'],
    ['HID allowed', '{ class: "03", verdict: allow }'],
    ['read-only (allow for HID)', '{ class: "03", verdict: read-only }'],
    ['storage blocked', '{ class: "08", verdict: block }'],
    ['a matcher-less block (a storage rule)', '{ verdict: block }'],
  ])('accepts %s', (_, line) => {
    accepted(rules(line));
  });
});

describe('alerts[].per', () => {
  const alert = (per?: string) =>
    `${HEAD}alerts:\n  - { match: "usb.blocked", count: 3, within: 10m, severity: high${per === undefined ? '' : `, per: ${per}`} }\n`;

  it('is user or host, host by default', () => {
    expect(accepted(alert('user')).policy.alerts[0]!.per).toBe('user');
    expect(accepted(alert('host')).policy.alerts[0]!.per).toBe('host');
    expect(accepted(alert()).policy.alerts[0]!.per).toBe('host');
  });

  it('refuses anything else with the allowed values', () => {
    const [issue] = refused(alert('team'));
    expect(issue).toMatchObject({
      code: 'POLICY_ENUM',
      line: 7,
      path: 'alerts[0].per',
      params: { value: 'team', allowed: 'user, host' },
    });
    rendersInBoth(issue!, /user, host/);
  });
});

describe('the new keys and minAgentVersion', () => {
  const noMin = (body: string) =>
    `version: 1\nname: x\nissued: 2026-01-01T00:00:00Z\nexpires: 2099-01-01T00:00:00Z\n${body}`;

  it('a policy that uses them without minAgentVersion 0.2.0 is warned at their line', () => {
    const r = parsePolicyText(
      noMin(
        'usb:\n  rules:\n    - { class: "08", verdict: allow }\nalerts:\n  - { match: "usb.*", count: 1, within: 1m, severity: low, per: user }\n',
      ),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.warnings.map((w) => [w.code, w.path, w.line, w.params.since])).toEqual([
      ['POLICY_KEY_NEWER_THAN_MIN', 'usb.rules[0].class', 7, '0.2.0'],
      ['POLICY_KEY_NEWER_THAN_MIN', 'alerts[0].per', 9, '0.2.0'],
    ]);
  });

  it('an agent at 0.1.0 refuses a policy that names 0.2.0, for its version', () => {
    const r = parsePolicyText(rules('{ class: "08", verdict: allow }'), { agentVersion: '0.1.0' });
    expect(!r.ok && r.issues[0]!.code).toBe('POLICY_AGENT_TOO_OLD');
  });
});
