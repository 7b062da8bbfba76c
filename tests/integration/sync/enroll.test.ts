// `baomi enroll` against a console that speaks the wire format (tests/helpers/fake-console.ts)
// on loopback, over HTTPS with a self-signed certificate made by openssl: what it writes and
// with which modes, the console's exception key pinned where the agent trusts it, a
// certificate that is not the pinned one refused before anything is sent, plain http refused
// off this computer, a wrong token, enrolling twice, and a different exception key never
// replaced silently.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectTrustDir } from '../../../src/agent/policy/trust.js';
import { generateKeyPair } from '../../../src/core/policy/signature.js';
import { type AgentDirs, agentDirs, runCli } from '../../helpers/agent.js';
import { runCliAsync } from '../../helpers/cli-async.js';
import {
  type FakeConsole,
  makeTls,
  startFakeConsole,
  type TlsFiles,
} from '../../helpers/fake-console.js';

const made: string[] = [];
let tls: TlsFiles;
let other: TlsFiles;
let fake: FakeConsole;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'baomi-enroll-tls-'));
  made.push(dir);
  tls = makeTls(dir, 'console');
  other = makeTls(dir, 'impostor');
  fake = await startFakeConsole({ tls });
});
afterAll(async () => {
  await fake?.close();
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

const dirs = (): AgentDirs => {
  const d = agentDirs();
  made.push(d.root);
  return d;
};
const enroll = (d: AgentDirs, extra: string[], env: Record<string, string> = {}) =>
  runCliAsync(
    [
      'enroll',
      '--token',
      'enroll-token-1',
      '--data-dir',
      d.dataDir,
      '--trust-dir',
      d.trustDir,
      ...extra,
    ],
    env,
  );
const mode = (f: string) => statSync(f).mode & 0o777;

describe('baomi enroll', () => {
  it('documents its flags in both languages', () => {
    const en = runCli(['enroll', '--help']);
    expect(en.code).toBe(0);
    expect(en.stdout).toMatch(/--console <url>[\s\S]*--token[\s\S]*--ca <file>/);
    const zh = runCli(['enroll', '--help'], { LANG: 'zh_CN.UTF-8' });
    expect(zh.stdout).toMatch(/控制台/);
  });

  it('enrolls over HTTPS with a pinned certificate: 0600 files in a 0700 data dir, the exception key pinned', async () => {
    const d = dirs();
    const before = fake.state.enrolls.length;
    const r = await enroll(d, ['--console', fake.url, '--ca', tls.cert]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Enrolled with https:\/\/127\.0\.0\.1:\d+ as agent-/);
    expect(mode(d.dataDir)).toBe(0o700);
    const enrollmentFile = join(d.dataDir, 'enrollment.json');
    const keyFile = join(d.dataDir, 'agent.key');
    expect(mode(enrollmentFile)).toBe(0o600);
    expect(mode(keyFile)).toBe(0o600);
    const e = JSON.parse(readFileSync(enrollmentFile, 'utf8'));
    const [agentId] = [...fake.state.agents.keys()].slice(-1);
    expect(e).toMatchObject({
      v: 1,
      console: fake.url,
      agentId,
      group: 'finance',
      ca: tls.certPem,
    });
    expect(Buffer.from(e.exceptionSecret, 'base64url')).toHaveLength(32);
    expect(e.enrolledAt).toBeGreaterThan(Date.now() - 60_000);
    // The console got the public half of the key kept here, and nothing else of it.
    const sent = fake.state.enrolls[before]!.body as { publicKey: string; host: string };
    const pub = createPublicKey(createPrivateKey(readFileSync(keyFile, 'utf8')))
      .export({ type: 'spki', format: 'pem' })
      .toString();
    expect(sent.publicKey).toBe(pub);
    expect(JSON.stringify(sent)).not.toContain('PRIVATE');
    // The console's exception key, where and how the agent's trust rules accept it.
    const pinned = join(d.trustDir, 'exceptions', 'console.pub');
    expect(readFileSync(pinned, 'utf8')).toBe(fake.state.exceptionKey.publicKeyPem);
    expect(mode(pinned)).toBe(0o644);
    const trust = inspectTrustDir(d.trustDir, 'exceptions');
    expect(trust.keys.map((k) => k.name)).toEqual(['console']);
    expect(trust.ignored).toEqual([]);

    // Enrolled already: refused unless --force, which gives a new identity.
    const again = await enroll(d, ['--console', fake.url, '--ca', tls.cert]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(
      new RegExp(`already enrolled with .* as ${agentId}[\\s\\S]*--force`),
    );
    // Since when, in local time with its offset and zone, as every time the CLI prints.
    expect(again.stderr).toMatch(/\(since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d[+-]\d\d:\d\d \(/);
    const forced = await enroll(d, ['--console', fake.url, '--ca', tls.cert, '--force', '--json']);
    expect(forced.code, forced.stderr).toBe(0);
    const out = JSON.parse(forced.stdout);
    expect(out.agentId).not.toBe(agentId);
    expect(out).toMatchObject({ pinnedCa: true, exceptionKey: 'unchanged' });
    expect(forced.stdout).not.toContain(e.exceptionSecret);
  });

  it('refuses a console whose certificate does not chain to --ca, before anything is sent or written', async () => {
    const d = dirs();
    const before = fake.state.enrolls.length;
    const r = await enroll(d, ['--console', fake.url, '--ca', other.cert]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Cannot reach the console .*(certificate|CERT)/i);
    // Without --ca, only the system's authorities: a self-signed console is refused too.
    const system = await enroll(d, ['--console', fake.url]);
    expect(system.code).toBe(1);
    expect(system.stderr).toMatch(/certificate/i);
    expect(fake.state.enrolls.length).toBe(before);
    expect(existsSync(join(d.dataDir, 'enrollment.json'))).toBe(false);
    expect(existsSync(join(d.dataDir, 'agent.key'))).toBe(false);
    expect(existsSync(join(d.trustDir, 'exceptions', 'console.pub'))).toBe(false);
    const notPem = join(d.root, 'not.pem');
    writeFileSync(notPem, 'hello');
    const bad = await enroll(d, ['--console', fake.url, '--ca', notPem]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Cannot use --ca/);
  });

  it('refuses http:// to another computer and says why; allows it on loopback', async () => {
    const d = dirs();
    // 192.0.2.0/24 is TEST-NET-1: nothing is sent, the address is refused first.
    const r = await enroll(d, ['--console', 'http://192.0.2.10:8080']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unencrypted[\s\S]*localhost, 127\.0\.0\.1, ::1/);
    const zh = await enroll(d, ['--console', 'http://192.0.2.10:8080'], { LANG: 'zh_CN.UTF-8' });
    expect(zh.code).toBe(2);
    expect(zh.stderr).toMatch(/未加密/);
    const plain = await startFakeConsole({ state: fake.state });
    try {
      // The token from standard input (`--token -`): not in the process list.
      const ok = await runCliAsync(
        [
          'enroll',
          '--console',
          plain.url,
          '--token',
          '-',
          '--data-dir',
          d.dataDir,
          '--trust-dir',
          d.trustDir,
        ],
        {},
        'enroll-token-1\n',
      );
      expect(ok.code, ok.stderr).toBe(0);
      expect(
        JSON.parse(readFileSync(join(d.dataDir, 'enrollment.json'), 'utf8')).ca,
      ).toBeUndefined();
    } finally {
      await plain.close();
    }
  });

  it('a wrong token is refused by the console and nothing is written', async () => {
    const d = dirs();
    const r = await runCliAsync([
      'enroll',
      '--console',
      fake.url,
      '--ca',
      tls.cert,
      '--token',
      'wrong',
      '--data-dir',
      d.dataDir,
      '--trust-dir',
      d.trustDir,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/refused the enrollment token \(HTTP 401/);
    expect(existsSync(join(d.dataDir, 'enrollment.json'))).toBe(false);
  });

  it('never replaces a different exception key silently', async () => {
    const d = dirs();
    const mine = generateKeyPair();
    mkdirSync(join(d.trustDir, 'exceptions'), { recursive: true, mode: 0o755 });
    const pinned = join(d.trustDir, 'exceptions', 'console.pub');
    writeFileSync(pinned, mine.publicKeyPem, { mode: 0o644 });
    const r = await enroll(d, ['--console', fake.url, '--ca', tls.cert]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/already holds another exception key[\s\S]*revoke/);
    expect(readFileSync(pinned, 'utf8')).toBe(mine.publicKeyPem);
    expect(existsSync(join(d.dataDir, 'enrollment.json'))).toBe(false);
    const replaced = await enroll(d, [
      '--console',
      fake.url,
      '--ca',
      tls.cert,
      '--replace-exception-key',
    ]);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(replaced.stdout).toMatch(/REPLACED/);
    expect(readFileSync(pinned, 'utf8')).toBe(fake.state.exceptionKey.publicKeyPem);
  });
});
