// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${dataDir} is the policy file's own variable, not a JS template.
import { describe, expect, it } from 'vitest';
import {
  type Candidate,
  CLOCK_SKEW_MS,
  generateKeyPair,
  judgeCandidate,
  policyTimeProblem,
  sha256Hex,
  signPolicy,
} from '../../../src/core/policy/index.js';

const key = generateKeyPair();
const trusted = [{ name: 'it', publicKeyPem: key.publicKeyPem }];
const NOW = Date.parse('2026-06-01T00:00:00Z');

function policy(
  version: number,
  extra = '',
  issued = '2026-01-01T00:00:00Z',
  expires = '2027-01-01T00:00:00Z',
) {
  return new TextEncoder().encode(
    `version: ${version}\nname: 测试策略\nissued: ${issued}\nexpires: ${expires}\n${extra}`,
  );
}

function judge(bytes: Uint8Array, over: Partial<Candidate> = {}) {
  return judgeCandidate({
    candidateBytes: bytes,
    sigText: signPolicy(bytes, key.privateKeyPem),
    agentVersion: '0.1.0',
    trusted,
    inForce: null,
    now: NOW,
    dataDir: '/var/lib/baomi',
    os: 'linux',
    ...over,
  });
}

describe('judgeCandidate', () => {
  it('applies a valid signed policy and returns its hash, key and folders', () => {
    const bytes = policy(3, 'folders:\n  - { path: "${dataDir}/x", level: 机密 }\n');
    const r = judge(bytes);
    expect(r).toMatchObject({
      verdict: 'apply',
      sha256: sha256Hex(bytes),
      keyName: 'it',
      folders: [{ path: '/var/lib/baomi/x', level: '机密', recursive: true, ignore: [] }],
    });
    if (r.verdict === 'apply') expect(r.policy.name).toBe('测试策略');
  });

  it('same bytes as in force → same; lower version → downgrade; same version → changed', () => {
    const v5 = policy(5);
    const inForce = { version: 5, sha256: sha256Hex(v5) };
    expect(judge(v5, { inForce }).verdict).toBe('same');
    expect(judge(policy(4), { inForce })).toMatchObject({
      verdict: 'reject',
      code: 'POLICY_DOWNGRADE',
      params: { version: 4, inForceVersion: 5 },
    });
    expect(judge(policy(5, 'usb: { storage: allow }\n'), { inForce })).toMatchObject({
      code: 'POLICY_SAME_VERSION_CHANGED',
    });
    expect(judge(policy(6), { inForce }).verdict).toBe('apply');
  });

  it('expiry is exclusive of the instant; issuing slightly in the future is tolerated', () => {
    const exp = policy(1, '', '2026-01-01T00:00:00Z', '2026-06-01T00:00:00Z');
    expect(judge(exp)).toMatchObject({ code: 'POLICY_EXPIRED' });
    expect(judge(exp, { now: NOW - 1 }).verdict).toBe('apply');
    const soon = new Date(NOW + CLOCK_SKEW_MS).toISOString();
    const later = new Date(NOW + CLOCK_SKEW_MS + 1000).toISOString();
    expect(judge(policy(1, '', soon)).verdict).toBe('apply');
    expect(judge(policy(1, '', later))).toMatchObject({ code: 'POLICY_NOT_YET_VALID' });
  });

  it('a refusal after parsing carries its values and no issues (signature, history)', () => {
    const v5 = policy(5);
    const inForce = { version: 5, sha256: sha256Hex(v5) };
    expect(judge(policy(5, 'usb: { storage: allow }\n'), { inForce })).toEqual({
      verdict: 'reject',
      code: 'POLICY_SAME_VERSION_CHANGED',
      params: { version: 5 },
      issues: [],
    });
    expect(judge(policy(4), { inForce })).toEqual({
      verdict: 'reject',
      code: 'POLICY_DOWNGRADE',
      params: { version: 4, inForceVersion: 5 },
      issues: [],
    });
    const spare = generateKeyPair().publicKeyPem;
    const twoKeys = [...trusted, { name: 'spare', publicKeyPem: spare }];
    const byStranger = signPolicy(v5, generateKeyPair().privateKeyPem);
    expect(judge(v5, { sigText: byStranger, trusted: twoKeys })).toEqual({
      verdict: 'reject',
      code: 'POLICY_SIG_UNTRUSTED',
      params: { badKeys: [], trustedKeys: 2 },
      issues: [],
    });
    expect(judge(v5, { trusted: [{ name: 'junk', publicKeyPem: 'x' }] })).toEqual({
      verdict: 'reject',
      code: 'POLICY_SIG_NO_TRUSTED_KEYS',
      params: { badKeys: ['junk'], trustedKeys: 1 },
      issues: [],
    });
  });

  it('checks in the documented order: parse before signature before time before history', () => {
    const broken = new TextEncoder().encode('version: [\n');
    expect(judge(broken, { sigText: null })).toMatchObject({
      code: 'POLICY_YAML_SYNTAX',
      params: { line: 2 },
    });
    const expired = policy(1, '', '2020-01-01T00:00:00Z', '2021-01-01T00:00:00Z');
    expect(judge(expired, { sigText: null })).toMatchObject({ code: 'POLICY_SIG_MISSING' });
    const inForce = { version: 9, sha256: 'x'.repeat(64) };
    expect(judge(expired, { inForce })).toMatchObject({ code: 'POLICY_EXPIRED' });
    const same = policy(9, '', '2020-01-01T00:00:00Z', '2021-01-01T00:00:00Z');
    // Even the policy in force is refused once it has expired.
    expect(judge(same, { inForce: { version: 9, sha256: sha256Hex(same) } })).toMatchObject({
      code: 'POLICY_EXPIRED',
    });
  });

  it('schema errors come with every issue and the first one as code/params', () => {
    const r = judge(policy(1, 'fodlers: []\nidle: { remindAfter: 0s }\n'));
    expect(r).toMatchObject({
      verdict: 'reject',
      code: 'POLICY_UNKNOWN_KEY',
      params: { key: 'fodlers', suggestion: 'folders', line: 5, col: 1, path: 'fodlers' },
    });
    if (r.verdict === 'reject')
      expect(r.issues.map((i) => i.code)).toEqual(['POLICY_UNKNOWN_KEY', 'POLICY_DURATION']);
  });

  it('refuses a policy whose folders do not resolve on this OS', () => {
    const bytes = policy(1, 'folders:\n  - { path: /srv/x, level: A }\n');
    expect(judge(bytes).verdict).toBe('apply');
    expect(judge(bytes, { os: 'windows', dataDir: 'C:\\ProgramData\\Baomi' })).toMatchObject({
      code: 'POLICY_FOLDER_NOT_ABSOLUTE',
      params: { path: 'folders[0].path', os: 'windows' },
    });
  });
});

describe('policyTimeProblem (shared by the agent, policy validate and policy sign)', () => {
  const p = { name: '总部', issued: '2026-01-01T00:00:00Z', expires: '2027-01-01T00:00:00Z' };
  const issuedAt = Date.parse(p.issued);
  const expiresAt = Date.parse(p.expires);

  it('expired from the instant of `expires` on, naming the key to point at and its values', () => {
    expect(policyTimeProblem(p, expiresAt - 1)).toBeNull();
    expect(policyTimeProblem(p, expiresAt)).toEqual({
      code: 'POLICY_EXPIRED',
      key: 'expires',
      params: { expires: '2027-01-01T00:00:00Z', name: '总部' },
    });
  });

  it('tolerates `issued` up to five minutes ahead of the clock, not one millisecond more', () => {
    expect(CLOCK_SKEW_MS).toBe(300_000);
    expect(policyTimeProblem(p, issuedAt - 300_000)).toBeNull();
    expect(policyTimeProblem(p, issuedAt - 300_001)).toEqual({
      code: 'POLICY_NOT_YET_VALID',
      key: 'issued',
      params: { issued: '2026-01-01T00:00:00Z', name: '总部' },
    });
  });
});
