// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${dataDir} is the policy file's own variable, not a JS template.
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../../src/agent/version.js';
import {
  judgeCandidate,
  parsePolicyBytes,
  verifyPolicySignature,
} from '../../../src/core/policy/index.js';
import { demoTrust, list, NOW, read, readText } from './helpers.js';

const examples = list('examples')
  .filter((f) => /\.(ya?ml|json)$/.test(f))
  .map((f) => `examples/${f}`);
const all = ['demo.yaml', ...examples];

describe('demo and example policies', () => {
  it.each(all)('%s is accepted on every OS, signed by the DEMO key', (rel) => {
    for (const [os, dataDir] of [
      ['linux', '/var/lib/baomi'],
      ['windows', 'C:\\ProgramData\\Baomi'],
      ['darwin', '/Library/Application Support/Baomi'],
    ] as const) {
      const r = judgeCandidate({
        candidateBytes: read(rel),
        sigText: readText(`${rel}.sig`),
        trusted: demoTrust(),
        inForce: null,
        now: NOW,
        dataDir,
        os,
        // This agent: an example may use keys of this release (usb-office.yaml needs 0.2.0).
        agentVersion: VERSION,
      });
      expect(r.verdict, `${rel} on ${os}: ${JSON.stringify(r)}`).toBe('apply');
    }
  });

  it('the set covers a BOM file, a CRLF file and a JSON file', () => {
    const bytes = examples.map((rel) => read(rel));
    expect(bytes.some((b) => b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf)).toBe(true);
    expect(bytes.some((b) => b.includes('\r\n'))).toBe(true);
    expect(examples.some((rel) => rel.endsWith('.json'))).toBe(true);
  });

  it('the BOM + CRLF file means the same as its LF original (apart from its version)', () => {
    const lf = parsePolicyBytes(read('examples/finance-office.yaml'));
    const notepad = parsePolicyBytes(read('examples/finance-office-notepad.yaml'));
    expect(lf.ok && notepad.ok).toBe(true);
    if (lf.ok && notepad.ok) expect({ ...notepad.policy, version: 12 }).toEqual(lf.policy);
  });

  it('the finance example says what the issue asks for', () => {
    const r = parsePolicyBytes(read('examples/finance-office.yaml'));
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const p = r.policy;
    expect(p.usb.storage).toBe('block');
    expect(p.usb.rules.filter((x) => x.verdict === 'allow')).toHaveLength(2);
    expect(p.idle).toMatchObject({ remindAfter: 180_000, lockAfter: 300_000, lock: true });
    expect(p.folders.find((f) => f.level === 'AAA')?.windows).toBe('F:\\财务部');
    expect(p.name).toBe('总部默认策略 HQ default');
    expect(p.usb.rules[0]?.note).toBe('财务部加密U盘 1号 Finance encrypted stick 1');
  });

  it('demo.yaml is marked DEMO, audits USB and watches ${dataDir}/demo-classified at AA', () => {
    const r = parsePolicyBytes(read('demo.yaml'));
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.policy.name).toMatch(/DEMO/);
    expect(r.policy.usb.storage).toBe('audit');
    expect(r.policy.folders).toEqual([
      expect.objectContaining({ path: '${dataDir}/demo-classified', level: 'AA' }),
    ]);
    expect(Date.parse(r.policy.expires)).toBeGreaterThan(Date.parse('2099-01-01T00:00:00Z'));
  });

  it('demo trust dir holds the public half of the committed DEMO key', () => {
    expect(readText('demo-trust/policy/DEMO-policy.pub')).toBe(readText('keys/DEMO-policy.pub'));
    expect(
      verifyPolicySignature(read('demo.yaml'), readText('demo.yaml.sig'), demoTrust()),
    ).toEqual({
      ok: true,
      keyName: 'DEMO-policy',
    });
  });
});
