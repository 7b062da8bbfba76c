// The `baomi` command as a person uses it: help everywhere, exit codes 0/1/2 with one clear
// line on stderr, both languages, and the keygen → sign → validate round trip.
import {
  copyFileSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { POLICIES, runCli } from '../../helpers/agent.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'baomi-cli-'));

describe('baomi CLI', () => {
  const commands = [
    [],
    ['agent'],
    ['events'],
    ['verify'],
    ['status'],
    ['policy'],
    ['policy', 'keygen'],
    ['policy', 'sign'],
    ['policy', 'validate'],
  ];
  for (const c of commands) {
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

  it('agent --help says the trust dir holds both policy/ and exceptions/, in both languages', () => {
    for (const env of [{ LANG: 'en_US.UTF-8' }, { LANG: 'zh_CN.UTF-8' }]) {
      const help = runCli(['agent', '--help'], env).stdout;
      const at = help.indexOf('--trust-dir');
      const text = help.slice(at, help.indexOf('\n  -', at + 1)).replace(/\s+/g, ' ');
      expect(text).toContain('policy/');
      expect(text).toContain('exceptions/');
    }
  });

  it('bad usage exits 2 with one line on stderr', () => {
    const r = runCli(['events', '--no-such-flag']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--help/);
    const bad = runCli(['events', '--severity', 'urgent', '--data-dir', tmp()]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/info, low, medium, high, critical/);
    // Asked for --json, bad usage is one object on stdout too (README "Commands").
    const json = runCli(['events', '--json', '--no-such-flag']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      error: { code: 'CLI_BAD_USAGE', message: expect.stringMatching(/--no-such-flag/) },
    });
    const refused = runCli(['events', '--json', '--since', '2026-02-31', '--data-dir', tmp()]);
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stdout).error.code).toBe('CLI_BAD_TIME');
    // Not after `--`: there it is an argument, not the flag.
    expect(runCli(['events', '--no-such-flag', '--', '--json']).stdout).toBe('');
  });

  it('--lang switches the language of errors', () => {
    const r = runCli(['--lang', 'zh-CN', 'events', '--since', 'yesterday', '--data-dir', tmp()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/无法识别时间/);
  });

  it('keygen → sign → validate with a trust dir; keys are never overwritten', () => {
    const dir = tmp();
    const k = runCli(['policy', 'keygen', 'it-2026', '--out', dir]);
    expect(k.code, k.stderr).toBe(0);
    expect(statSync(join(dir, 'it-2026.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'it-2026.key'), 'utf8')).toMatch(/BEGIN PRIVATE KEY/);
    expect(readFileSync(join(dir, 'it-2026.pub'), 'utf8')).toMatch(/BEGIN PUBLIC KEY/);
    const again = runCli(['policy', 'keygen', 'it-2026', '--out', dir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
    const onFile = runCli(['policy', 'keygen', 'k2', '--out', join(dir, 'it-2026.pub')]);
    expect(onFile.code).toBe(2);
    expect(onFile.stderr).toMatch(/is a file, not a folder/);

    const file = join(dir, 'policy.yaml');
    copyFileSync(join(POLICIES, 'demo.yaml'), file);
    const s = runCli(['policy', 'sign', '--key', join(dir, 'it-2026.key'), file]);
    expect(s.code, s.stderr).toBe(0);
    expect(Buffer.from(readFileSync(`${file}.sig`, 'utf8').trim(), 'base64')).toHaveLength(64);

    const trust = tmp();
    mkdirSync(join(trust, 'policy'));
    // Not yet trusted: refused.
    const untrusted = runCli(['policy', 'validate', file, '--trust-dir', trust]);
    expect(untrusted.code).toBe(2);
    copyFileSync(join(dir, 'it-2026.pub'), join(trust, 'policy', 'it-2026.pub'));
    const ok = runCli(['policy', 'validate', file, '--trust-dir', trust]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/it-2026/);

    // One byte changed after signing: refused.
    writeFileSync(file, Buffer.concat([readFileSync(file), Buffer.from('\n# edited\n')]));
    const changed = runCli(['policy', 'validate', file, '--trust-dir', trust]);
    expect(changed.code).toBe(2);
  });

  it('validate names an empty, oversized or unreadable FILE.sig instead of calling it missing', () => {
    const dir = tmp();
    expect(runCli(['policy', 'keygen', 'k', '--out', dir]).code).toBe(0);
    const trust = tmp();
    mkdirSync(join(trust, 'policy'));
    copyFileSync(join(dir, 'k.pub'), join(trust, 'policy', 'k.pub'));
    const file = join(dir, 'policy.yaml');
    copyFileSync(join(POLICIES, 'demo.yaml'), file);
    const validate = () => runCli(['policy', 'validate', file, '--trust-dir', trust, '--json']);
    const missing = validate();
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stdout).issues[0].code).toBe('POLICY_SIG_MISSING');
    writeFileSync(`${file}.sig`, ' \n');
    const empty = validate();
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/policy\.yaml\.sig is empty/);
    expect(JSON.parse(empty.stdout).issues[0].code).toBe('CLI_SIG_EMPTY');
    // Longer than the 4 KiB an agent reads: malformed there, so malformed here.
    writeFileSync(`${file}.sig`, 'A'.repeat(5000));
    const big = validate();
    expect(big.code).toBe(2);
    expect(JSON.parse(big.stdout).issues[0].code).toBe('POLICY_SIG_MALFORMED');
    rmSync(`${file}.sig`);
    mkdirSync(`${file}.sig`);
    const folder = validate();
    expect(folder.code).toBe(2);
    expect(JSON.parse(folder.stdout).issues[0]).toMatchObject({
      code: 'CLI_READ_FAILED',
      params: { reason: 'EISDIR' },
    });
    expect(folder.stderr).toMatch(/Cannot read .*policy\.yaml\.sig: it is a folder, not a file/);
  });

  it('sign replaces a symlink at FILE.sig, never writing through it, and re-signs in place', () => {
    const dir = tmp();
    expect(runCli(['policy', 'keygen', 'k', '--out', dir]).code).toBe(0);
    const file = join(dir, 'policy.yaml');
    copyFileSync(join(POLICIES, 'demo.yaml'), file);
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'not a signature');
    symlinkSync(victim, `${file}.sig`);
    const s = runCli(['policy', 'sign', '--key', join(dir, 'k.key'), file]);
    expect(s.code, s.stderr).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('not a signature');
    expect(lstatSync(`${file}.sig`).isSymbolicLink()).toBe(false);
    const first = readFileSync(`${file}.sig`, 'utf8');
    expect(Buffer.from(first.trim(), 'base64')).toHaveLength(64);
    expect(runCli(['policy', 'sign', '--key', join(dir, 'k.key'), file]).code).toBe(0);
    expect(readFileSync(`${file}.sig`, 'utf8')).toBe(first);
    expect(readdirSync(dir).sort()).toEqual([
      'k.key',
      'k.pub',
      'policy.yaml',
      'policy.yaml.sig',
      'victim',
    ]);
  });

  it('validate refuses every file in policies/bad with file:line:col and exit 2', () => {
    const bad = readdirSync(join(POLICIES, 'bad')).filter((f) => !f.endsWith('.md'));
    expect(bad.length).toBeGreaterThan(8);
    for (const f of bad) {
      const r = runCli(['policy', 'validate', join(POLICIES, 'bad', f)]);
      expect(r.code, `${f}: ${r.stdout}`).toBe(2);
      expect(r.stderr, f).toMatch(new RegExp(`${f.replace('.', '\\.')}:\\d+:\\d+: \\S`));
    }
  });

  it('validate refuses a 10 MB policy (generated here, not committed) before parsing it', () => {
    const big = join(tmp(), 'ten-mb.yaml');
    writeFileSync(big, `version: 1\n# ${'x'.repeat(10 * 1024 * 1024)}\n`);
    const r = runCli(['policy', 'validate', big]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ten-mb\.yaml:1:1: .*1048576/);
  });

  it('validate accepts every example and the demo policy', () => {
    const files = [
      join(POLICIES, 'demo.yaml'),
      ...readdirSync(join(POLICIES, 'examples'))
        .filter((f) => /\.(ya?ml|json)$/.test(f))
        .map((f) => join(POLICIES, 'examples', f)),
    ];
    for (const f of files) {
      // The examples carry real dates: checked at a fixed moment, so the test does not expire.
      const r = runCli([
        'policy',
        'validate',
        f,
        '--trust-dir',
        join(POLICIES, 'demo-trust'),
        '--at',
        '2026-12-01T00:00:00Z',
      ]);
      expect(r.code, `${f}: ${r.stderr}`).toBe(0);
    }
  });

  it('a hostile file name inside a sentence reaches the terminal escaped, on one line', () => {
    const dir = tmp();
    const name = join(dir, 'evil\u001b[2J\nbaomi: policy OK\u202egnp.yaml');
    for (const args of [
      ['policy', 'validate', name],
      ['events', '--data-dir', name],
    ]) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain('evil\\u001b[2J\\nbaomi: policy OK\\u202egnp.yaml');
    }
  });

  it('reading a missing data dir fails at run time with exit 1 and says what to do', () => {
    const r = runCli(['events', '--data-dir', join(tmp(), 'nope')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
