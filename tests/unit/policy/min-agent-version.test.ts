// minAgentVersion: a fleet can roll out keys from a newer release safely. An agent older than
// the version a policy names refuses it for that reason (not "unknown key"), and the validator
// warns when a policy uses keys newer than the version it names.
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../../src/agent/version.js';
import {
  compareSemver,
  formatPolicyIssue,
  judgeCandidate,
  keysNewerThan,
  POLICY_KEYS_SINCE,
  parsePolicyText,
  policySchema,
  signPolicy,
} from '../../../src/core/policy/index.js';
import { allowedKeysAt } from '../../../src/core/policy/locate.js';
import { generateKeyPair } from '../../../src/core/policy/signature.js';

const HEAD = 'version: 1\nname: x\nissued: 2026-01-01T00:00:00Z\nexpires: 2099-01-01T00:00:00Z\n';

describe('minAgentVersion', () => {
  it('is an optional semver key', () => {
    const r = parsePolicyText(`${HEAD}minAgentVersion: 0.1.0\n`);
    expect(r.ok && r.policy.minAgentVersion).toBe('0.1.0');
    const bad = parsePolicyText(`${HEAD}minAgentVersion: "1.2"\n`);
    expect(!bad.ok && bad.issues[0]).toMatchObject({
      code: 'POLICY_SEMVER',
      line: 5,
      path: 'minAgentVersion',
    });
    const num = parsePolicyText(`${HEAD}minAgentVersion: 1.2\n`);
    expect(!num.ok && num.issues[0]!.code).toBe('POLICY_SEMVER');
  });

  it('compares versions by semver precedence', () => {
    expect(compareSemver('0.1.0', '0.1.0')).toBe(0);
    expect(compareSemver('0.10.0', '0.9.9')).toBeGreaterThan(0);
    expect(compareSemver('1.0.0-rc.1', '1.0.0')).toBeLessThan(0);
    expect(compareSemver('1.0.0-rc.2', '1.0.0-rc.10')).toBeLessThan(0);
    expect(compareSemver('1.0.0-alpha', '1.0.0-1')).toBeGreaterThan(0);
    expect(compareSemver('1.0.0+build.5', '1.0.0')).toBe(0);
  });

  it('an older agent refuses the policy for its version, before any unknown key', () => {
    const text = `${HEAD}minAgentVersion: 0.2.0\nscreenshots: { enabled: true }\nfolders:\n  - { path: /srv/x, level: AA, class: "08" }\n`;
    const r = parsePolicyText(text, { agentVersion: '0.1.0' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({
      code: 'POLICY_AGENT_TOO_OLD',
      line: 5,
      col: 18,
      params: { required: '0.2.0', running: '0.1.0' },
    });
    for (const lang of ['en', 'zh-CN'] as const) {
      const s = formatPolicyIssue(lang, r.issues[0]!);
      expect(s).toContain('0.2.0');
      expect(s).toContain('0.1.0');
      expect(s).not.toMatch(/\{\{/);
    }
    // An agent at or past the version reads it as usual (here: the keys really are unknown).
    const newer = parsePolicyText(text, { agentVersion: '0.2.0' });
    expect(!newer.ok && newer.issues[0]!.code).toBe('POLICY_UNKNOWN_KEY');
    // A malformed minAgentVersion is a schema error, not a reason to skip the check silently.
    const bad = parsePolicyText(`${HEAD}minAgentVersion: banana\n`, { agentVersion: '0.1.0' });
    expect(!bad.ok && bad.issues[0]!.code).toBe('POLICY_SEMVER');
  });

  it("the agent's judge refuses it with that code, before the signature", () => {
    const key = generateKeyPair();
    const bytes = new TextEncoder().encode(`${HEAD}minAgentVersion: 99.0.0\nnewKey: 1\n`);
    const base = {
      candidateBytes: bytes,
      sigText: signPolicy(bytes, key.privateKeyPem),
      trusted: [{ name: 'k', publicKeyPem: key.publicKeyPem }],
      inForce: null,
      now: Date.parse('2026-06-01T00:00:00Z'),
      dataDir: '/var/lib/baomi',
      os: 'linux' as const,
    };
    expect(judgeCandidate({ ...base, agentVersion: VERSION })).toMatchObject({
      verdict: 'reject',
      code: 'POLICY_AGENT_TOO_OLD',
      params: { required: '99.0.0', running: VERSION },
    });
    const ok = new TextEncoder().encode(`${HEAD}minAgentVersion: ${VERSION}\n`);
    expect(
      judgeCandidate({
        ...base,
        candidateBytes: ok,
        sigText: signPolicy(ok, key.privateKeyPem),
        agentVersion: VERSION,
      }),
    ).toMatchObject({ verdict: 'apply' });
  });

  it('the key table covers every key the schema knows, each with a semver', () => {
    const walk = (path: (string | number)[], prefix: string): string[] =>
      allowedKeysAt(policySchema, path).flatMap((k) => {
        const here = prefix ? `${prefix}.${k}` : k;
        const inside = [...walk([...path, k], here), ...walk([...path, k, 0], `${here}[]`)];
        return [here, ...inside];
      });
    const keys = walk([], '').sort();
    expect(Object.keys(POLICY_KEYS_SINCE).sort()).toEqual(keys);
    // 0.1.0 was the first release; USB device control (0.2.0) brought the class matcher and
    // alert rules counted per user; the tray (0.3.0) the screen watermark. Rows are never
    // changed once released.
    const newer = Object.entries(POLICY_KEYS_SINCE).filter(([, since]) => since !== '0.1.0');
    expect(newer).toEqual([
      ['usb.rules[].class', '0.2.0'],
      ['alerts[].per', '0.2.0'],
      ['watermark', '0.3.0'],
      ['watermark.enabled', '0.3.0'],
      ['watermark.text', '0.3.0'],
      ['watermark.opacity', '0.3.0'],
    ]);
  });

  it('this agent knows every key in the table (it is at least as new as each)', () => {
    // An agent that ships a key but reports an older version would refuse the policies that
    // name the key's release in minAgentVersion (package.json's version is the agent's).
    for (const [key, since] of Object.entries(POLICY_KEYS_SINCE)) {
      expect(
        compareSemver(VERSION, since),
        `${key} came in ${since}; agent is ${VERSION}`,
      ).toBeGreaterThanOrEqual(0);
    }
  });

  it('keysNewerThan names keys a policy uses that came after the version it names', () => {
    const table = { ...POLICY_KEYS_SINCE, screenshots: '0.2.0', 'usb.rules[].class': '0.3.0' };
    const data = {
      version: 1,
      screenshots: { enabled: true },
      usb: { rules: [{ verdict: 'allow' }, { class: '08', verdict: 'block' }] },
    };
    expect(keysNewerThan(data, '0.1.0', table)).toEqual([
      { key: 'screenshots', path: ['screenshots'], since: '0.2.0' },
      { key: 'usb.rules[].class', path: ['usb', 'rules', 1, 'class'], since: '0.3.0' },
    ]);
    expect(keysNewerThan(data, '0.2.0', table).map((k) => k.key)).toEqual(['usb.rules[].class']);
    expect(keysNewerThan(data, '0.3.0', table)).toEqual([]);
  });

  it('parse returns those keys as warnings at their line, not refusals', () => {
    const keysSince = { ...POLICY_KEYS_SINCE, 'usb.whileLocked': '0.2.0' };
    const text = `${HEAD}usb:\n  storage: block\n  whileLocked: block\n`;
    const r = parsePolicyText(text, { keysSince });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.warnings).toEqual([
      {
        code: 'POLICY_KEY_NEWER_THAN_MIN',
        line: 7,
        col: 3,
        path: 'usb.whileLocked',
        params: { key: 'usb.whileLocked', since: '0.2.0', min: '0.1.0' },
      },
    ]);
    expect(formatPolicyIssue('en', r.warnings[0]!)).toMatch(/minAgentVersion: "0\.2\.0"/);
    const named = parsePolicyText(`${text}minAgentVersion: 0.2.0\n`, { keysSince });
    expect(named.ok && named.warnings).toEqual([]);
    const real = parsePolicyText(text); // every key in the real table is 0.1.0
    expect(real.ok && real.warnings).toEqual([]);
  });
});
