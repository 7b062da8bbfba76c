import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  formatPolicyIssue,
  MAX_POLICY_BYTES,
  parsePolicyBytes,
  parsePolicyText,
} from '../../../src/core/policy/index.js';

const HEAD =
  'version: 1\nname: 策略\nissued: 2026-01-01T00:00:00Z\nexpires: 2027-01-01T00:00:00Z\n';
const enc = (s: string) => new TextEncoder().encode(s);

function issuesOf(text: string) {
  const r = parsePolicyText(text);
  if (r.ok) throw new Error('expected a refusal');
  return r.issues;
}

describe('parsePolicyText', () => {
  it('fills documented defaults', () => {
    const r = parsePolicyText(HEAD);
    expect(r).toMatchObject({ ok: true, format: 'yaml' });
    if (!r.ok) return;
    expect(r.policy).toEqual({
      version: 1,
      name: '策略',
      issued: '2026-01-01T00:00:00Z',
      expires: '2027-01-01T00:00:00Z',
      usb: { storage: 'block', rules: [] },
      idle: { remindAfter: 180_000, repeat: 120_000, lockAfter: 300_000, lock: false },
      folders: [],
      scan: { interval: 600_000 },
      alerts: [],
      retention: { days: 180, maxSize: 2 * 1024 ** 3 },
    });
    expect(r.policy.sync).toBeUndefined();
  });

  it('fills sync defaults when a console is named, and normalises USB IDs', () => {
    const r = parsePolicyText(
      `${HEAD}sync: { console: "https://c.example" }\nusb:\n  rules: [{ vendor: "ABCD", verdict: allow }]\n`,
    );
    expect(r.ok && r.policy.sync).toEqual({
      console: 'https://c.example',
      interval: 60_000,
      batch: 500,
    });
    expect(r.ok && r.policy.usb.rules[0]).toEqual({ vendor: 'abcd', verdict: 'allow' });
  });

  it('points at the offending value, in nested maps and lists', () => {
    const text = `${HEAD}folders:\n  - path: /a\n    level: AA\n  - path: /b\n    level: AAAA\n`;
    expect(issuesOf(text)[0]).toMatchObject({
      code: 'POLICY_LEVEL',
      line: 9,
      col: 12,
      path: 'folders[1].level',
    });
  });

  it('reports every unknown key with the nearest allowed key at that spot', () => {
    const issues = issuesOf(`${HEAD}usb:\n  storgae: allow\n  rulse: []\nidel: {}\nzzzzzzzz: 1\n`);
    expect(issues.map((i) => [i.path, i.line, i.col, i.params.suggestion])).toEqual([
      ['usb.storgae', 6, 3, 'storage'],
      ['usb.rulse', 7, 3, 'rules'],
      ['idel', 8, 1, 'idle'],
      ['zzzzzzzz', 9, 1, undefined],
    ]);
    expect(formatPolicyIssue('en', issues[3]!)).toMatch(/Allowed here: .*folders/);
  });

  it('reports a missing required key at the object that lacks it', () => {
    const issues = issuesOf(`${HEAD}alerts:\n  - { match: "usb.*", count: 3, severity: low }\n`);
    expect(issues[0]).toMatchObject({
      code: 'POLICY_REQUIRED',
      path: 'alerts[0].within',
      line: 6,
      col: 5,
    });
  });

  it('refuses zero, negative, fractional and overflowing durations', () => {
    for (const v of ['0s', '-1m', '1.5m', '3', '3 m', '3M', '999999999999999d', '""', '180']) {
      const issues = issuesOf(`${HEAD}idle:\n  repeat: ${v}\n`);
      expect(issues[0], v).toMatchObject({ code: 'POLICY_DURATION', line: 6, path: 'idle.repeat' });
    }
  });

  it('keeps Chinese text exactly, and accepts state-secret levels', () => {
    const name = '总部默认策略——财务部「绝密」文件夹 🗂️';
    const r = parsePolicyText(
      `version: 1\nname: "${name}"\nissued: 2026-01-01T00:00:00Z\nexpires: 2027-01-01T00:00:00Z\nfolders:\n  - { path: /srv/财务, level: 绝密 }\npledge: { zh-CN: 我承诺保密。, en: I promise. }\n`,
    );
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.policy.name).toBe(name);
    expect(r.policy.folders[0]).toMatchObject({ path: '/srv/财务', level: '绝密' });
    expect(r.policy.pledge).toEqual({ 'zh-CN': '我承诺保密。', en: 'I promise.' });
  });

  it('columns count characters, not bytes, after Chinese text', () => {
    const issues = issuesOf(`${HEAD}folders:\n  - { path: /srv/财务, level: 绝秘 }\n`);
    expect(issues[0]).toMatchObject({ code: 'POLICY_LEVEL', line: 6, col: 29 }); // 33 if bytes were counted
  });

  it('JSON positions work like YAML ones', () => {
    const json =
      '{\n  "version": 1,\n  "name": "x",\n  "issued": "2026-01-01T00:00:00Z",\n  "expires": "2027-01-01T00:00:00Z",\n  "idle": { "lock": "no" }\n}\n';
    const r = parsePolicyText(json);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.issues[0]).toMatchObject({
        code: 'POLICY_TYPE',
        line: 6,
        col: 21,
        path: 'idle.lock',
      });
    expect(parsePolicyText(json.replace('"no"', 'true'))).toMatchObject({
      ok: true,
      format: 'json',
    });
  });

  it('refuses duplicate keys in JSON too (JSON.parse alone would keep the last)', () => {
    const json =
      '{"version": 1, "version": 2, "name": "x", "issued": "2026-01-01T00:00:00Z", "expires": "2027-01-01T00:00:00Z"}';
    expect(issuesOf(json)[0]).toMatchObject({
      code: 'POLICY_DUPLICATE_KEY',
      params: { key: 'version' },
    });
  });

  it('refuses a document that is not a map', () => {
    for (const t of ['- a\n- b\n', 'just text\n', '42\n', '[]']) {
      expect(issuesOf(t)[0]!.code).toBe('POLICY_TYPE');
    }
    for (const t of ['', '   \n\n', '# only a comment\n', '~\n', 'null\n']) {
      expect(issuesOf(t)[0]!.code).toBe('POLICY_EMPTY');
    }
  });

  it('allows a few aliases but refuses a bomb', () => {
    const ok = `${HEAD}folders:\n  - { path: /a, level: A, ignore: &ign ["*.tmp"] }\n  - { path: /b, level: A, ignore: *ign }\n`;
    expect(parsePolicyText(ok).ok).toBe(true);
    const levels = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 6; i++)
      levels.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    expect(issuesOf(`${HEAD}${levels.join('\n')}\n`)[0]!.code).toBe('POLICY_ALIAS');
  });

  it('refuses YAML 1.1 surprises: merge keys are just unknown keys, timestamps stay strings', () => {
    const issues = issuesOf(`${HEAD}base: &b { lock: true }\nidle:\n  <<: *b\n`);
    expect(issues.map((i) => i.path)).toEqual(['base', 'idle.<<']);
    const r = parsePolicyText(`%YAML 1.1\n---\n${HEAD}`);
    expect(r.ok && r.policy.issued).toBe('2026-01-01T00:00:00Z');
  });

  it('survives absurd nesting with a structured refusal', () => {
    const deep = `${HEAD}x: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    const r = parsePolicyText(deep);
    expect(r.ok).toBe(false);
  });
});

describe('parsePolicyBytes', () => {
  it('accepts a UTF-8 BOM and CRLF line ends, with the same positions', () => {
    const crlf = `${HEAD}idle:\n  lock: maybe\n`.replace(/\n/g, '\r\n');
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...enc(crlf)]);
    const r = parsePolicyBytes(bytes);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]).toMatchObject({ code: 'POLICY_TYPE', line: 6, col: 9 });
    expect(
      parsePolicyBytes(new Uint8Array([0xef, 0xbb, 0xbf, ...enc(HEAD.replace(/\n/g, '\r\n'))])).ok,
    ).toBe(true);
  });

  it('refuses UTF-16/32 (with or without BOM) and invalid UTF-8, naming where', () => {
    const utf16 = Buffer.from(`\ufeff${HEAD}`, 'utf16le');
    expect(parsePolicyBytes(utf16)).toMatchObject({
      ok: false,
      issues: [{ code: 'POLICY_ENCODING', params: { encoding: 'UTF-16LE' } }],
    });
    const utf16NoBom = Buffer.from(HEAD, 'utf16le');
    expect(parsePolicyBytes(utf16NoBom)).toMatchObject({
      ok: false,
      issues: [{ code: 'POLICY_ENCODING' }],
    });
    const be = Buffer.from([0xfe, 0xff, 0, 0x76]);
    expect(parsePolicyBytes(be)).toMatchObject({
      ok: false,
      issues: [{ params: { encoding: 'UTF-16BE' } }],
    });
    for (const bad of [
      [0xc0, 0x80],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xe4, 0xb8],
      [0xff],
    ]) {
      const bytes = new Uint8Array([...enc(`${HEAD}name2: ab`), ...bad, 0x0a]);
      expect(parsePolicyBytes(bytes), String(bad)).toMatchObject({
        ok: false,
        issues: [{ code: 'POLICY_ENCODING', line: 5, col: 10 }],
      });
    }
  });

  it('refuses a file over the cap before reading it, and accepts one just under', () => {
    const big = new Uint8Array(MAX_POLICY_BYTES + 1).fill(0xff);
    expect(parsePolicyBytes(big)).toMatchObject({
      ok: false,
      issues: [{ code: 'POLICY_TOO_LARGE' }],
    });
    const padding = '#'.repeat(MAX_POLICY_BYTES - enc(HEAD).length - 1);
    const justUnder = enc(`${HEAD}${padding}\n`);
    expect(justUnder.length).toBe(MAX_POLICY_BYTES);
    expect(parsePolicyBytes(justUnder).ok).toBe(true);
  });

  it('round-trips a policy written by a YAML library', () => {
    const input = {
      version: 7,
      name: '研究室',
      issued: '2026-01-01T08:00:00+08:00',
      expires: '2026-12-31T23:59:59.999Z',
      folders: [
        { path: 'C:\\Lab', linux: '/lab', level: '秘密', recursive: false, ignore: ['**/*.tmp'] },
      ],
    };
    const r = parsePolicyText(stringify(input));
    expect(r.ok && r.policy.folders[0]).toEqual(input.folders[0]);
  });
});

describe('text that is too long', () => {
  it('says how long it is and what the limit is (an ignore glob of 600 characters)', () => {
    const glob = `**/${'x'.repeat(597)}`;
    const r = parsePolicyText(
      `${HEAD}folders:\n  - { path: /srv/a, level: AA, ignore: ["${glob}"] }\n`,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues[0]).toMatchObject({
      code: 'POLICY_TEXT_TOO_LONG',
      path: 'folders[0].ignore[0]',
      params: { length: 600, max: 500 },
    });
    const en = formatPolicyIssue('en', r.issues[0]!);
    expect(en).toMatch(/600/);
    expect(en).toMatch(/500/);
    expect(en).not.toMatch(/quotes/);
    expect(formatPolicyIssue('zh-CN', r.issues[0]!)).toMatch(/600.*500/);
  });
});

describe('one-line texts shown to people', () => {
  it('refuses a name or a watermark holding a control, a line break or a bidi override', () => {
    const tail = HEAD.replace('name: 策略\n', '');
    for (const bad of [
      '"HQ\\nPolicy in force: forged"',
      '"\\e[2J\\e[31mRED"',
      '"a\\u202eb"',
      '"x\\u2028y"',
    ])
      for (const text of [
        `${tail}name: ${bad}\n`,
        `${HEAD}watermark: { enabled: true, text: ${bad} }\n`,
      ])
        expect(
          issuesOf(text).map((i) => i.code),
          text,
        ).toContain('POLICY_TEXT_CONTROL');
    // (A USB rule's note may quote what a device says of itself, escaped by rule-text.ts and
    // wherever it is shown: not a one-line text; tests/unit/usb/rule-text.test.ts round-trips it.)
    // What people write is kept: Chinese, spaces, punctuation.
    const ok = parsePolicyText(`${tail}name: "总部 默认策略 (HQ default) — 2026"\n`);
    expect(ok.ok).toBe(true);
  });
});
