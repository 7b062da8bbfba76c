// The small things that decide whether people trust the command (issue 8, "Friction"): help
// when a command is missing, a useful hint for a wrong one, a word when a language is not
// there, keys written where asked, no raw errno codes, and trust-dir mistakes named.
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  agentDirs,
  POLICIES,
  runCli,
  startAgentProcess,
  stopAgent,
  waitFor,
} from '../../helpers/agent.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'baomi-friction-'));
const RAW_ERRNO = /\bE[A-Z]{3,}\b/;

describe('baomi without a command', () => {
  it.each([[[]], [['policy']]])('baomi %j prints its help on stderr and exits 2', (args) => {
    const r = runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Usage:/);
    expect(r.stderr).toMatch(args.length ? /keygen/ : /events/);
    const zh = runCli(args, { LANG: 'zh_CN.UTF-8' });
    expect(zh.code).toBe(2);
    expect(zh.stderr).toMatch(/用法/);
  });

  it('--help still exits 0', () => {
    expect(runCli(['--help']).code).toBe(0);
    expect(runCli(['policy', '--help']).code).toBe(0);
  });
});

describe('an unknown command', () => {
  it('points at the help of the command above it, not at the unknown one', () => {
    const r = runCli(['nosuch']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/"nosuch"/);
    expect(r.stderr).toMatch(/`baomi --help`/);
    expect(r.stderr).not.toMatch(/baomi nosuch --help/);
    const sub = runCli(['policy', 'vaildate']);
    expect(sub.stderr.trim().split('\n')).toHaveLength(1);
    expect(sub.stderr).toMatch(/`baomi policy validate`/);
    expect(sub.stderr).toMatch(/`baomi policy --help`/);
    const zh = runCli(['--lang', 'zh-CN', 'polcy']);
    expect(zh.stderr).toMatch(/未知命令/);
    expect(zh.stderr).toMatch(/`baomi policy`/);
    expect(zh.stderr).not.toMatch(/zh-CN/);
  });
});

describe('--lang', () => {
  it('says once, on stderr, that a language it does not have falls back to English', () => {
    const r = runCli(['--lang', 'fr', 'policy', 'validate', join(POLICIES, 'demo.yaml')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/"fr"/g)).toHaveLength(1);
    expect(r.stderr).toMatch(/English/);
    expect(runCli(['--lang', 'en', 'policy', 'validate', join(POLICIES, 'demo.yaml')]).stderr).toBe(
      '',
    );
    expect(runCli(['--lang=zh-CN', 'policy', 'validate', join(POLICIES, 'demo.yaml')]).stderr).toBe(
      '',
    );
  });
});

describe('keys', () => {
  it('keygen --out creates a missing folder (0700)', () => {
    const out = join(tmp(), 'keys', 'it');
    const r = runCli(['policy', 'keygen', 'it-2026', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o700);
    expect(existsSync(join(out, 'it-2026.key'))).toBe(true);
  });

  it('says what is wrong in words, never a raw errno code', () => {
    const dir = tmp();
    const file = join(dir, 'afile');
    writeFileSync(file, 'x');
    const notDir = runCli(['policy', 'keygen', 'k', '--out', join(file, 'sub')]);
    expect(notDir.code).not.toBe(0);
    expect(notDir.stderr).not.toMatch(RAW_ERRNO);
    const missing = runCli(['policy', 'validate', join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).not.toMatch(RAW_ERRNO);
    expect(missing.stderr).toMatch(/does not exist/);
    const folder = runCli(['policy', 'validate', dir]);
    expect(folder.stderr).not.toMatch(RAW_ERRNO);
    expect(folder.stderr).toMatch(/folder/);
    const zh = runCli(['--lang', 'zh-CN', 'policy', 'validate', join(dir, 'nope.yaml')]);
    expect(zh.stderr).not.toMatch(RAW_ERRNO);
    expect(zh.stderr).toMatch(/不存在/);
  });

  it('a trust key that group or others can write is named when ignored, with its mode', () => {
    const trust = tmp();
    mkdirSync(join(trust, 'policy'));
    const pub = join(trust, 'policy', 'DEMO-policy.pub');
    copyFileSync(join(POLICIES, 'demo-trust', 'policy', 'DEMO-policy.pub'), pub);
    chmodSync(pub, 0o666);
    const r = runCli(['policy', 'validate', join(POLICIES, 'demo.yaml'), '--trust-dir', trust]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/DEMO-policy\.pub.*ignored.*0666.*writable by others/);
    // The refusal points back at the key named above, not "no key is installed".
    expect(r.stderr).toMatch(/none of the 1 key\(s\) in .*policy can be trusted/);
    expect(r.stderr).not.toMatch(/No trusted policy key is installed/);
    chmodSync(pub, 0o664);
    const g = runCli(['policy', 'validate', join(POLICIES, 'demo.yaml'), '--trust-dir', trust]);
    expect(g.stderr).toMatch(/0664.*writable by its group/);
    chmodSync(pub, 0o644);
    expect(
      runCli(['policy', 'validate', join(POLICIES, 'demo.yaml'), '--trust-dir', trust]).code,
    ).toBe(0);
  });

  it('--trust-dir naming the policy/ folder itself is recognised and explained', () => {
    const policyDir = join(POLICIES, 'demo-trust', 'policy');
    const r = runCli(['policy', 'validate', join(POLICIES, 'demo.yaml'), '--trust-dir', policyDir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--trust-dir ${join(POLICIES, 'demo-trust')}`);
    expect(r.stderr).toMatch(/parent/);
  });

  it('baomi agent says so at start too (and still starts, failing closed)', async () => {
    const d = agentDirs();
    const policyDir = join(d.trustDir, 'policy');
    const agent = startAgentProcess({ ...d, trustDir: policyDir });
    try {
      await waitFor('the trust-dir warning', () => agent.stderr().includes('--trust-dir'));
      expect(agent.stderr()).toContain(`Use --trust-dir ${d.trustDir}`);
      await waitFor('the banner', () => /Policy in force|policy/i.test(agent.stdout()));
    } finally {
      await stopAgent(agent);
    }
  }, 30_000);
});
