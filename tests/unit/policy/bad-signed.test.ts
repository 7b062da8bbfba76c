import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { judgeCandidate, type PolicyOs, sha256Hex } from '../../../src/core/policy/index.js';
import { demoTrust, list, NOW, POLICIES, read, readmeTable, readText } from './helpers.js';

const rows = readmeTable('bad-signed/README.md');
const inForce = { version: 10, sha256: sha256Hex(read('bad-signed/base.yaml')) };

function judge(file: string, os: PolicyOs) {
  const sigPath = `bad-signed/${file}.sig`;
  return judgeCandidate({
    candidateBytes: read(`bad-signed/${file}`),
    sigText: existsSync(`${POLICIES}${sigPath}`) ? readText(sigPath) : null,
    trusted: demoTrust(),
    inForce,
    now: NOW,
    dataDir: os === 'windows' ? 'C:\\ProgramData\\Baomi' : '/var/lib/baomi',
    os,
    agentVersion: '0.1.0',
  });
}

describe('policies/bad-signed', () => {
  it('README covers every policy file', () => {
    const files = list('bad-signed').filter((f) => /\.ya?ml$/.test(f));
    expect([...new Set(rows.map((r) => r.file))].sort()).toEqual(files);
  });

  it.each(rows)('$file on $os → $verdict $code', ({ file, os, verdict, code }) => {
    const r = judge(file!, os as PolicyOs);
    expect(r.verdict).toBe(verdict);
    if (r.verdict === 'reject') expect(r.code).toBe(code);
  });

  it('the same files are fine with nothing in force and the right clock (only trust and history refuse them)', () => {
    for (const file of ['downgrade.yaml', 'same-version-changed.yaml']) {
      const r = judgeCandidate({
        candidateBytes: read(`bad-signed/${file}`),
        sigText: readText(`bad-signed/${file}.sig`),
        trusted: demoTrust(),
        inForce: null,
        now: NOW,
        dataDir: '/var/lib/baomi',
        os: 'linux',
        agentVersion: '0.1.0',
      });
      expect(r.verdict).toBe('apply');
    }
  });
});
