// `baomi exception keygen|issue|redeem` as IT and an employee use it: keys made like policy
// keys, a key others can read refused, the token printed, written (0600) and recorded in the
// issuance log (never the token itself), the QR code on a terminal only, and redemption that
// says plainly when no agent answers, and redemption through a real agent.
import { spawnSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseToken,
  privateKeyFingerprint,
  tokenFingerprint,
  verifyToken,
} from '../../../src/core/exceptions/token.js';
import {
  type AgentDirs,
  type AgentProcess,
  agentDirs,
  BIN,
  installSignedPolicy,
  policyYaml,
  runCli,
  startAgentProcess,
  stopAgent,
  waitFor,
} from '../../helpers/agent.js';
import { FakeSysfs } from '../../helpers/fake-sysfs.js';
import { QEMU_STICK } from '../../helpers/usb-descriptors.js';

const made: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'baomi-exc-cli-'));
  made.push(d);
  return d;
};
afterAll(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The CLI run in `cwd`, with no agent of its own or of the system to find. */
function cli(args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      LANG: 'en_US.UTF-8',
      XDG_RUNTIME_DIR: join(cwd, 'no-runtime'),
      BAOMI_TEST_SYSTEM_SOCKET_DIR: join(cwd, 'no-system'),
      ...env,
    },
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const issueArgs = (key: string, extra: string[] = []) => [
  'exception',
  'issue',
  '--device',
  '0781:5581:4C530001',
  '--user',
  'alice',
  '--for',
  '2h',
  '--reason',
  '审计部门拷贝账目 audit copy',
  '--key',
  key,
  ...extra,
];

describe('baomi exception', () => {
  let dir: string;
  let keyFile: string;
  let pub: string;

  beforeAll(() => {
    dir = tmp();
    const k = cli(['exception', 'keygen', 'security-2026', '--out', join(dir, 'keys')], dir);
    expect(k.code, k.stderr).toBe(0);
    expect(k.stdout).toMatch(/trust\/exceptions/);
    keyFile = join(dir, 'keys', 'security-2026.key');
    pub = readFileSync(join(dir, 'keys', 'security-2026.pub'), 'utf8');
  });

  for (const c of [
    ['exception'],
    ['exception', 'keygen'],
    ['exception', 'issue'],
    ['exception', 'redeem'],
  ]) {
    it(`baomi ${c.join(' ')} --help documents its flags in both languages`, () => {
      const en = runCli([...c, '--help']);
      expect(en.code).toBe(0);
      expect(en.stdout).toMatch(/Usage:/);
      const zh = runCli([...c, '--help'], { LANG: 'zh_CN.UTF-8' });
      expect(zh.code).toBe(0);
      expect(zh.stdout).toMatch(/用法/);
      expect(zh.stdout).not.toBe(en.stdout);
    });
  }

  it('keygen makes a 0600 key and its .pub in a 0700 folder, and never overwrites', () => {
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'keys')).mode & 0o777).toBe(0o700);
    expect(readFileSync(keyFile, 'utf8')).toMatch(/BEGIN PRIVATE KEY/);
    expect(pub).toMatch(/BEGIN PUBLIC KEY/);
    const again = cli(['exception', 'keygen', 'security-2026', '--out', join(dir, 'keys')], dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
  });

  it('issue refuses a key that group or others can read, and says the chmod', () => {
    const d = tmp();
    const k = join(d, 'loose.key');
    writeFileSync(k, readFileSync(keyFile));
    chmodSync(k, 0o644);
    const r = cli(issueArgs(k), d);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/mode 0644/);
    expect(r.stderr).toContain(`chmod 600 ${k}`);
    expect(r.stdout).toBe('');
    expect(existsSync(join(d, 'exceptions-issued.log'))).toBe(false);
    chmodSync(k, 0o640);
    expect(cli(issueArgs(k), d).code).toBe(2);
    const zh = cli(['--lang', 'zh-CN', ...issueArgs(k)], d);
    expect(zh.stderr).toMatch(/chmod 600/);
    expect(zh.stderr).toMatch(/其他用户/);
  });

  it('issue prints the token, writes it (0600) and records it in the issuance log', () => {
    const d = tmp();
    const r = cli(issueArgs(keyFile, ['--host', 'ws-042']), d);
    expect(r.code, r.stderr).toBe(0);
    const token = r.stdout.trim();
    expect(r.stdout).toBe(`${token}\n`); // not a terminal: no QR code
    const parsed = parseToken(token);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const p = parsed.token.payload;
    expect(p).toMatchObject({
      device: '0781:5581:4C530001',
      user: 'alice',
      host: 'ws-042',
      reason: '审计部门拷贝账目 audit copy',
    });
    expect(p.notAfter - p.notBefore).toBe(2 * 3_600_000);
    expect(Math.abs(p.notBefore - Date.now())).toBeLessThan(60_000);
    const v = verifyToken(token, [{ name: 'security-2026', publicKeyPem: pub }], {
      now: Date.now(),
      host: 'WS-042',
    });
    expect(v.ok).toBe(true);

    const file = join(d, `${p.id}.bmx`);
    expect(readFileSync(file, 'utf8')).toBe(`${token}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const log = join(dir, 'keys', 'exceptions-issued.log');
    expect(statSync(log).mode & 0o777).toBe(0o600);
    const lines = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const line = lines.find((l) => l.id === p.id);
    expect(line).toEqual({
      issuedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      issuer: userInfo().username,
      id: p.id,
      device: p.device,
      user: 'alice',
      host: 'ws-042',
      notBefore: new Date(p.notBefore).toISOString(),
      notAfter: new Date(p.notAfter).toISOString(),
      reason: p.reason,
      key: keyFile,
      keyFingerprint: privateKeyFingerprint(createPrivateKey(readFileSync(keyFile))),
      tokenFingerprint: tokenFingerprint(token),
      file,
    });
    // A bearer credential is not kept where it was issued: neither half is in the log.
    const text = readFileSync(log, 'utf8');
    for (const part of token.split('.').slice(1)) expect(text).not.toContain(part);
    expect(r.stderr).toMatch(/Issued exception .* for alice on ws-042, from \d{4}-.* to /);
    expect(r.stderr).toContain(`baomi exception redeem --file ${p.id}.bmx`);
  });

  it('issue honours --out and --log, never overwrites a token file, and checks each flag', () => {
    const d = tmp();
    const out = join(d, 'alice.bmx');
    const log = join(d, 'issued.jsonl');
    const ok = cli(
      issueArgs(keyFile, ['--out', out, '--log', log, '--device', 'AB'.repeat(32)]),
      d,
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(out, 'utf8').trim()).toBe(ok.stdout.trim());
    const rec = JSON.parse(readFileSync(log, 'utf8'));
    expect(rec.device).toBe('ab'.repeat(32)); // hex is case-blind; stored lowercase
    const again = cli(issueArgs(keyFile, ['--out', out, '--log', log]), d);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(1); // nothing issued
    const bad: [string[], RegExp][] = [
      [['--for', '0h'], /--for "0h"/],
      [['--for', '32d'], /at most 31/],
      [['--from', 'tomorrow'], /--from "tomorrow"/],
      [['--from', '2020-01-01T00:00:00Z'], /has passed/],
      [['--device', '0781:5581'], /--device "0781:5581"/],
      [['--user', ' alice'], /--user " alice"/],
      [['--host', 'ws 042'], /--host "ws 042"/],
      [['--reason', 'ok\u001b[2J'], /--reason must say why/],
      [['--reason', 'x'.repeat(501)], /501 characters long; the limit is 500/],
    ];
    for (const [flags, message] of bad) {
      const r = cli(issueArgs(keyFile, ['--log', log, ...flags]), d);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
    // A token that could not be recorded is not handed out.
    const unrecorded = cli(issueArgs(keyFile, ['--log', d, '--out', join(d, 'x.bmx')]), d);
    expect(unrecorded.code).toBe(1);
    expect(unrecorded.stderr).toMatch(/Cannot write .*: it is a folder/);
    expect(unrecorded.stdout).toBe('');
    expect(existsSync(join(d, 'x.bmx'))).toBe(false);
    const notAKey = join(d, 'policy.yaml');
    writeFileSync(notAKey, 'version: 1\n', { mode: 0o600 });
    const r = cli(issueArgs(notAKey), d);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not an Ed25519 private key/);
  });

  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.runIf(hasScript)('issue shows a QR code on a terminal only, and not with --no-qr', () => {
    const d = tmp();
    const run = (extra: string[]) => {
      const cmd = [process.execPath, BIN, ...issueArgs(keyFile, ['--log', join(d, 'l'), ...extra])]
        .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
        .join(' ');
      return spawnSync('script', ['-qec', `stty cols 200; ${cmd}`, '/dev/null'], {
        cwd: d,
        encoding: 'utf8',
        env: { ...process.env, LANG: 'en_US.UTF-8' },
      }).stdout;
    };
    expect(run([])).toMatch(/[▀▄█]{10}/);
    expect(run(['--no-qr'])).not.toMatch(/[▀▄█]/);
  });

  it('redeem without an agent says that no agent answers, and where it looked', () => {
    const d = tmp();
    const token = cli(issueArgs(keyFile, ['--log', join(d, 'l')]), d).stdout.trim();
    const r = cli(['exception', 'redeem', token], d);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/No Baomi agent answers on this computer/);
    expect(r.stderr).toContain(join(d, 'no-system', 'agent.sock'));
    const zh = cli(['--lang', 'zh-CN', 'exception', 'redeem', token], d);
    expect(zh.stderr).toMatch(/没有保密代理应答/);
    const named = cli(['exception', 'redeem', token, '--socket', join(d, 'none.sock')], d);
    expect(named.code).toBe(1);
    expect(named.stderr).toMatch(/No Baomi agent answers/);
  });

  it('redeem refuses at once only what is no token at all, and needs the token or --file', () => {
    const d = tmp();
    const token = cli(issueArgs(keyFile, ['--log', join(d, 'l')]), d).stdout.trim();
    for (const paste of [token.slice(0, 40), token.replace(/^BMX1/, 'BMX2'), `${token}.x`]) {
      const cut = cli(['exception', 'redeem', paste], d);
      expect(cut.code, paste).toBe(2);
      expect(cut.stderr).toMatch(/not a complete exception token/);
    }
    // BMX1-shaped, however broken inside, goes to the agent (here none answers): only the
    // agent judges a token, and records what it refuses.
    for (const paste of [token.slice(0, -10), `BMX1.${'A'.repeat(10)}${token.slice(15)}`]) {
      const sent = cli(['exception', 'redeem', paste], d);
      expect(sent.code, paste).toBe(1);
      expect(sent.stderr).toMatch(/No Baomi agent answers/);
    }
    expect(cli(['exception', 'redeem'], d).code).toBe(2);
    const f = join(d, 't.bmx');
    writeFileSync(f, token);
    const both = cli(['exception', 'redeem', token, '--file', f], d);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/one of the two/);
  });

  describe('with a running agent (a fabricated sysfs holding the stick)', () => {
    let d: AgentDirs;
    let agent: AgentProcess;
    let t: FakeSysfs;
    beforeAll(async () => {
      d = agentDirs();
      made.push(d.root);
      t = new FakeSysfs();
      made.push(t.root);
      t.rootHub(1);
      t.plug('1-1', {
        descriptors: QEMU_STICK,
        product: 'QEMU USB HARDDRIVE',
        serial: 'EXC-CLI-1',
      });
      installSignedPolicy(d, policyYaml(1, 'usb: { storage: audit }'));
      agent = startAgentProcess(d, ['--sysfs-root', t.sys]);
      await waitFor(
        'the agent answering',
        () => runCli(['status', '--socket', join(d.socketDir, 'admin.sock')]).code === 0,
      );
    }, 30_000);
    afterAll(async () => {
      if (agent) await stopAgent(agent);
    });

    it('refuses a token no trusted exception key signed, then redeems it once its key is installed, and only once', () => {
      const w = tmp();
      const issue = (device: string) =>
        cli(
          issueArgs(keyFile, ['--log', join(w, 'l')]).map((a) =>
            a === '0781:5581:4C530001' ? device : a,
          ),
          w,
        ).stdout.trim();
      // A token for a device this computer has never seen is refused, and not used up.
      const elsewhere = join(w, 'elsewhere.bmx');
      writeFileSync(elsewhere, issue('0781:5581:4C530001'));
      const token = issue('46f4:0001:EXC-CLI-1');
      const file = join(w, 't.bmx');
      // As it arrives by email: broken into lines.
      writeFileSync(file, token.replace(/(.{50})/g, '$1\n'));
      const redeem = () =>
        cli(
          ['exception', 'redeem', '--file', file, '--socket', join(d.socketDir, 'admin.sock')],
          w,
        );
      const untrusted = redeem();
      expect(untrusted.code).not.toBe(0);
      expect(untrusted.stderr).not.toBe('');
      // The policy key folder does not count: a key trusted for one purpose cannot sign for the other.
      mkdirSync(join(d.trustDir, 'exceptions'), { recursive: true, mode: 0o755 });
      copyFileSync(keyFile.replace(/\.key$/, '.pub'), join(d.trustDir, 'exceptions', 'sec.pub'));
      const ok = redeem();
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).toMatch(/46f4:0001:EXC-CLI-1/);
      const again = redeem();
      expect(again.code).not.toBe(0);
      const wrong = cli(
        ['exception', 'redeem', '--file', elsewhere, '--socket', join(d.socketDir, 'admin.sock')],
        w,
      );
      expect(wrong.code).not.toBe(0);
      expect(wrong.stderr).toMatch(/has not seen|plug that device in/);
      const events = runCli([
        'events',
        '--socket',
        join(d.socketDir, 'admin.sock'),
        '--type',
        'usb.exception*',
        '--json',
      ])
        .stdout.trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(events.map((e) => e.type)).toEqual([
        'usb.exception-refused',
        'usb.exception',
        'usb.exception-refused',
        'usb.exception-refused',
      ]);
      expect(events[1].data).toMatchObject({ device: '46f4:0001:EXC-CLI-1', user: 'alice' });
      expect(events[3].data).toMatchObject({ code: 'EXCEPTION_WRONG_DEVICE' });
      // Never the token itself: it is a bearer credential.
      expect(JSON.stringify(events)).not.toContain(token.slice(5, 40));
    });

    it('an altered token is forwarded, refused by the agent with its reason, and recorded', () => {
      const w = tmp();
      mkdirSync(join(d.trustDir, 'exceptions'), { recursive: true, mode: 0o755 });
      copyFileSync(keyFile.replace(/\.key$/, '.pub'), join(d.trustDir, 'exceptions', 'sec.pub'));
      const token = cli(issueArgs(keyFile, ['--log', join(w, 'l')]), w).stdout.trim();
      const [, payload, sig] = token.split('.');
      const json = Buffer.from(payload!, 'base64url').toString('utf8');
      const altered = [
        // One character of the payload changed: no longer JSON, let alone signed.
        `BMX1.${payload![0] === 'f' ? 'e' : 'f'}${payload!.slice(1)}.${sig}`,
        // Another user written in, still canonical JSON: the signature no longer matches.
        `BMX1.${Buffer.from(json.replace('"alice"', '"mallory"')).toString('base64url')}.${sig}`,
      ];
      const refused = () =>
        runCli([
          'events',
          '--socket',
          join(d.socketDir, 'admin.sock'),
          '--type',
          'usb.exception-refused',
          '--json',
        ])
          .stdout.trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l));
      for (const [i, text] of altered.entries()) {
        const before = refused().length;
        const r = cli(
          ['exception', 'redeem', text, '--socket', join(d.socketDir, 'admin.sock')],
          w,
        );
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr).not.toBe('');
        const now = refused();
        expect(now).toHaveLength(before + 1);
        expect(now.at(-1).data.code).toMatch(/^EXCEPTION_/);
        if (i === 1) {
          expect(now.at(-1).data.code).toBe('EXCEPTION_BAD_SIGNATURE');
          expect(r.stderr).toMatch(/changed after it was signed/);
        }
      }
      // A script asking for --json reads the refusal on stdout too, never an empty answer.
      const j = cli(
        ['exception', 'redeem', altered[1]!, '--socket', join(d.socketDir, 'admin.sock'), '--json'],
        w,
      );
      expect(j.code, j.stderr).toBe(2);
      const answer = JSON.parse(j.stdout);
      expect(answer).toMatchObject({ ok: false, error: { code: 'EXCEPTION_BAD_SIGNATURE' } });
      expect(answer.error.message).toMatch(/changed after it was signed/);
    });
  });
});
