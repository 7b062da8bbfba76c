// Trusted policy keys: whoever can replace a key signs the policy, so a key is trusted only
// when it is a regular file, owned by root or the agent's user, writable by its owner only,
// in a policy/ folder no one else can write. Each refusal is named with its reason.
import {
  chmodSync,
  chownSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inspectTrustDir } from '../../../src/agent/policy/trust.js';
import { POLICIES } from '../../helpers/agent.js';

const DEMO_PUB = join(POLICIES, 'demo-trust', 'policy', 'DEMO-policy.pub');
const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

function trustDir(): { root: string; policy: string } {
  const root = mkdtempSync(join(tmpdir(), 'baomi-trust-'));
  made.push(root);
  const policy = join(root, 'policy');
  mkdirSync(policy, { mode: 0o755 });
  chmodSync(policy, 0o755);
  return { root, policy };
}

function key(dir: string, name: string, mode = 0o644): string {
  const f = join(dir, `${name}.pub`);
  copyFileSync(DEMO_PUB, f);
  chmodSync(f, mode);
  return f;
}

const why = (root: string) =>
  Object.fromEntries(inspectTrustDir(root).ignored.map((k) => [k.file, k.writableBy]));

describe('trusted policy keys', () => {
  it('trusts a key owned by the agent’s user, writable by its owner only', () => {
    const { root, policy } = trustDir();
    key(policy, 'it-2026');
    expect(inspectTrustDir(root).keys.map((k) => k.name)).toEqual(['it-2026']);
  });

  it('ignores a link, and a key in a policy/ folder that others can write', () => {
    const { root, policy } = trustDir();
    const real = key(policy, 'real');
    symlinkSync(real, join(policy, 'linked.pub'));
    expect(why(root)).toEqual({ [join(policy, 'linked.pub')]: 'link' });
    chmodSync(policy, 0o777);
    expect(inspectTrustDir(root).keys).toEqual([]);
    // The key is sound (0644): what to fix is the folder, and the report says which and how.
    expect(why(root)[real]).toBe('folder');
    expect(inspectTrustDir(root).ignored.find((k) => k.file === real)?.folder).toEqual({
      path: policy,
      mode: '0777',
    });
    chmodSync(real, 0o666);
    expect(why(root)[real]).toBe('others');
  });

  it('on Windows (no mode bits: every file reads 0666) judges the key by what it is, not its mode', () => {
    const { root, policy } = trustDir();
    chmodSync(policy, 0o777);
    key(policy, 'as-windows-reports-it', 0o666);
    symlinkSync(DEMO_PUB, join(policy, 'link.pub'));
    // Here, a mode that says anyone may write it: ignored.
    expect(inspectTrustDir(root).keys).toEqual([]);
    const win = inspectTrustDir(root, 'policy', 'win32');
    expect(win.keys.map((k) => k.name)).toEqual(['as-windows-reports-it']);
    // A link is still no key (what it points to could be anything).
    expect(win.ignored).toEqual([expect.objectContaining({ writableBy: 'link' })]);
  });

  it('reads exception keys from exceptions/ and policy keys from policy/, never the other', () => {
    const { root, policy } = trustDir();
    key(policy, 'it-2026');
    expect(inspectTrustDir(root, 'exceptions')).toEqual({ keys: [], ignored: [] });
    const exceptions = join(root, 'exceptions');
    mkdirSync(exceptions, { mode: 0o755 });
    chmodSync(exceptions, 0o755);
    key(exceptions, 'security-2026');
    expect(inspectTrustDir(root, 'exceptions').keys.map((k) => k.name)).toEqual(['security-2026']);
    expect(inspectTrustDir(root).keys.map((k) => k.name)).toEqual(['it-2026']);
    // The same rules: an exceptions/ folder others can write trusts nothing.
    chmodSync(exceptions, 0o777);
    const report = inspectTrustDir(root, 'exceptions');
    expect(report.keys).toEqual([]);
    expect(report.ignored.map((k) => k.writableBy)).toEqual(['folder']);
    // --trust-dir at a folder of keys is said once, for policy/ (the parent holds both).
    expect(inspectTrustDir(policy, 'exceptions').policyDirItself).toBeUndefined();
    expect(inspectTrustDir(policy).policyDirItself).toEqual({ parent: root });
  });

  it.runIf(process.getuid?.() === 0)('ignores a key owned by an ordinary user (as root)', () => {
    const { root, policy } = trustDir();
    const f = key(policy, 'someone');
    chownSync(f, 65534, 65534);
    expect(inspectTrustDir(root).keys).toEqual([]);
    expect(why(root)).toEqual({ [f]: 'owner' });
  });
});
