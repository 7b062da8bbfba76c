// `policy validate` and `policy sign` judge a policy against the clock the way the agent does:
// an expired policy, or one not yet valid, is refused with exit 2 and the reason, and
// `--at TIME` checks it against another moment (a policy prepared for next year).
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/agent.js';

const dir = mkdtempSync(join(tmpdir(), 'baomi-time-'));
const policy = (name: string, issued: string, expires: string) => {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `version: 3\nname: 时间 ${name}\nissued: ${issued}\nexpires: ${expires}\n`);
  return file;
};
const expired = policy('expired', '2020-01-01T00:00:00Z', '2021-01-01T00:00:00Z');
const future = policy('future', '2098-01-01T00:00:00Z', '2099-01-01T00:00:00Z');
const current = policy('current', '2020-01-01T00:00:00Z', '2099-01-01T00:00:00Z');

describe('policy validate / sign against the clock', () => {
  it('refuses an expired policy with exit 2, naming expires and its line', () => {
    const r = runCli(['policy', 'validate', expired]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/expired\.yaml:4:10: .*expired at 2021-01-01T00:00:00Z/);
    const zh = runCli(['--lang', 'zh-CN', 'policy', 'validate', expired]);
    expect(zh.code).toBe(2);
    expect(zh.stderr).toMatch(/已于 2021-01-01T00:00:00Z 过期/);
    const json = runCli(['policy', 'validate', expired, '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      issues: [{ code: 'POLICY_EXPIRED', line: 4, col: 10 }],
    });
  });

  it('refuses a policy not yet valid with exit 2, naming issued', () => {
    const r = runCli(['policy', 'validate', future]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/future\.yaml:3:9: .*issued at 2098-01-01T00:00:00Z/);
  });

  it('--at checks against another moment (RFC 3339), and says which', () => {
    const r = runCli(['policy', 'validate', future, '--at', '2098-06-01T00:00:00Z']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/2098-06-01T00:00:00Z/);
    expect(runCli(['policy', 'validate', current, '--at', '2099-01-01T00:00:00Z']).code).toBe(2);
    expect(runCli(['policy', 'validate', expired, '--at', '2020-06-01T08:00:00+08:00']).code).toBe(
      0,
    );
    const bad = runCli(['policy', 'validate', current, '--at', 'tomorrow']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/--at.*tomorrow.*RFC 3339/);
  });

  it('sign refuses to sign an expired policy (no .sig written), and signs with --at', () => {
    const k = runCli(['policy', 'keygen', 'k', '--out', dir]);
    expect(k.code, k.stderr).toBe(0);
    const s = runCli(['policy', 'sign', '--key', join(dir, 'k.key'), expired]);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/expired at 2021-01-01T00:00:00Z/);
    expect(existsSync(`${expired}.sig`)).toBe(false);
    const f = runCli(['policy', 'sign', '--key', join(dir, 'k.key'), future]);
    expect(f.code).toBe(2);
    const at = runCli([
      'policy',
      'sign',
      '--key',
      join(dir, 'k.key'),
      future,
      '--at',
      '2098-01-01T00:00:00Z',
    ]);
    expect(at.code, at.stderr).toBe(0);
    expect(existsSync(`${future}.sig`)).toBe(true);
  });
});
