// `policy validate` reads minAgentVersion like an agent of its own version: a policy for a
// newer agent is refused for that reason (exit 2), not as "unknown key".
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../../src/agent/version.js';
import { runCli } from '../../helpers/agent.js';

const dir = mkdtempSync(join(tmpdir(), 'baomi-minver-'));
const HEAD = 'version: 3\nname: x\nissued: 2026-01-01T00:00:00Z\nexpires: 2099-01-01T00:00:00Z\n';

describe('policy validate and minAgentVersion', () => {
  it('refuses a policy for a newer agent with that reason, not "unknown key"', () => {
    const file = join(dir, 'next.yaml');
    writeFileSync(file, `${HEAD}minAgentVersion: 99.0.0\nscreenshots: { enabled: true }\n`);
    const r = runCli(['policy', 'validate', file]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`next\\.yaml:5:18: .*99\\.0\\.0.*${VERSION}`));
    expect(r.stderr).not.toMatch(/Unknown key/);
    const zh = runCli(['--lang', 'zh-CN', 'policy', 'validate', file]);
    expect(zh.stderr).toMatch(/不低于 99\.0\.0/);
  });

  it('accepts a policy that names this version or an older one', () => {
    const file = join(dir, 'now.yaml');
    writeFileSync(file, `${HEAD}minAgentVersion: "${VERSION}"\n`);
    const r = runCli(['policy', 'validate', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
  });
});
