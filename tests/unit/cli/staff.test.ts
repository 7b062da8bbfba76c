// The staff CLI's checks made before anything is sent: the console's address (plain HTTP only
// to this computer), the token's form (never echoed), the exit code of a refusal, the target
// of a policy upload, and the shell words it prints for IT.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { caseChange, entryText, eventRef } from '../../../src/cli/commands/staff-cases.js';
import { shellWord } from '../../../src/cli/commands/staff-enroll.js';
import { readSigned, uploadTarget } from '../../../src/cli/commands/staff-policy.js';
import { cliTranslator } from '../../../src/cli/i18n.js';
import { isLoopback } from '../../../src/cli/loopback.js';
import { exitFor } from '../../../src/cli/staff/client.js';
import { apiToken, connection } from '../../../src/cli/staff/connection.js';
import { wholeNumber } from '../../../src/cli/staff/open.js';
import type { CaseEntry } from '../../../src/core/console/cases.js';

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    const err = e as { code: string; exit: number; params: Record<string, unknown> };
    return { code: err.code, exit: err.exit, params: err.params };
  }
  return null;
};

describe('staff CLI: the connection', () => {
  it('takes the flag before the environment, keeps a path prefix, drops a trailing slash', () => {
    expect(connection({ console: 'https://c.example:7443/' }, {}).base).toBe(
      'https://c.example:7443',
    );
    expect(connection({}, { BAOMI_CONSOLE: 'https://c.example/baomi/' }).base).toBe(
      'https://c.example/baomi',
    );
    expect(
      connection({ console: 'https://a.example' }, { BAOMI_CONSOLE: 'https://b.example' }).base,
    ).toBe('https://a.example');
  });

  it('refuses no address, other schemes, credentials or a query in it (exit 2)', () => {
    expect(code(() => connection({}, {}))).toMatchObject({
      code: 'CONSOLE_CLIENT_NO_URL',
      exit: 2,
    });
    for (const bad of [
      'c.example:7443',
      'ftp://c.example',
      'https://ada:pw@c.example',
      'https://c.example/?x=1',
      'https://c.example/#x',
    ])
      expect(
        code(() => connection({ console: bad }, {})),
        bad,
      ).toMatchObject({
        code: 'CONSOLE_CLIENT_BAD_URL',
        exit: 2,
      });
  });

  it('sends over plain HTTP only to this computer', () => {
    for (const ok of [
      'http://127.0.0.1:7443',
      'http://127.9.9.9',
      'http://localhost:1',
      'http://[::1]:7443',
      'http://[::ffff:127.0.0.1]:80',
    ])
      expect(connection({ console: ok }, {}).url.protocol, ok).toBe('http:');
    for (const bad of [
      'http://10.0.0.1',
      'http://console.example',
      'http://[::2]',
      'http://128.0.0.1',
    ])
      expect(
        code(() => connection({ console: bad }, {})),
        bad,
      ).toMatchObject({
        code: 'CONSOLE_CLIENT_PLAIN_HTTP',
        exit: 2,
      });
    expect(isLoopback('[::1]')).toBe(true);
    expect(isLoopback('::ffff:7f00:1')).toBe(true);
    expect(isLoopback('::ffff:a00:1')).toBe(false);
    expect(isLoopback('localhost.example')).toBe(false);
  });

  it('reads the pinned certificate, and refuses a file that holds none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baomi-staff-'));
    writeFileSync(
      join(dir, 'ca.pem'),
      '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    );
    writeFileSync(
      join(dir, 'key.pem'),
      '-----BEGIN PRIVATE KEY-----\nMC4C\n-----END PRIVATE KEY-----\n',
    );
    const c = connection(
      { console: 'https://c.example' },
      { BAOMI_CONSOLE_CA: join(dir, 'ca.pem') },
    );
    expect(c.caFile).toBe(join(dir, 'ca.pem'));
    expect(c.ca?.toString()).toContain('BEGIN CERTIFICATE');
    expect(
      code(() => connection({ console: 'https://c.example', ca: join(dir, 'key.pem') }, {})),
    ).toMatchObject({ code: 'CONSOLE_CLIENT_BAD_CA', exit: 2 });
    expect(
      code(() => connection({ console: 'https://c.example', ca: join(dir, 'none.pem') }, {})),
    ).toMatchObject({ code: 'CLI_READ_FAILED', exit: 2 });
  });

  it('takes a token of the console’s form and never repeats a wrong one', () => {
    const good = `bmt_${'x'.repeat(43)}`;
    expect(apiToken({}, { BAOMI_CONSOLE_TOKEN: ` ${good}\n` })).toBe(good);
    expect(apiToken({ apiToken: good }, { BAOMI_CONSOLE_TOKEN: 'other' })).toBe(good);
    expect(code(() => apiToken({}, {}))).toMatchObject({
      code: 'CONSOLE_CLIENT_NO_TOKEN',
      exit: 2,
    });
    const bad = code(() => apiToken({ apiToken: 'bmt_secret with space' }, {}));
    expect(bad).toMatchObject({ code: 'CONSOLE_CLIENT_BAD_TOKEN', exit: 2 });
    expect(JSON.stringify(bad?.params)).not.toContain('secret');
    expect(bad?.params).toEqual({ from: '--api-token', length: 21 });
    expect(
      code(() => apiToken({}, { BAOMI_CONSOLE_TOKEN: 'bme_enrollment-token-here-xxxxx' })),
    ).toMatchObject({
      params: { from: 'BAOMI_CONSOLE_TOKEN' },
    });
  });
});

describe('staff CLI: exit codes, numbers, targets, shell words', () => {
  it('exits 2 for what the request got wrong, 1 for the rest', () => {
    for (const s of [400, 404, 413, 415]) expect(exitFor(s), String(s)).toBe(2);
    for (const s of [401, 403, 409, 429, 500, 503]) expect(exitFor(s), String(s)).toBe(1);
  });

  it('reads whole numbers within bounds only', () => {
    expect(wholeNumber('--hours', '8', 1, 744)).toBe(8);
    expect(wholeNumber('--hours', undefined, 1, 744)).toBeUndefined();
    for (const bad of ['0', '745', '1.5', '-1', ' 8', '8h', ''])
      expect(
        code(() => wholeNumber('--hours', bad, 1, 744)),
        bad,
      ).toMatchObject({
        code: 'CONSOLE_CLIENT_BAD_NUMBER',
        exit: 2,
      });
  });

  it('uploads a policy for exactly one target, and only with its signature', () => {
    expect(uploadTarget({ group: 'finance' })).toEqual({ kind: 'group', value: 'finance' });
    expect(uploadTarget({ class: '核心' })).toEqual({ kind: 'class', value: '核心' });
    expect(code(() => uploadTarget({}))).toMatchObject({ code: 'CONSOLE_CLIENT_ONE_TARGET' });
    expect(code(() => uploadTarget({ group: 'a', department: 'b' }))).toMatchObject({
      code: 'CONSOLE_CLIENT_ONE_TARGET',
      exit: 2,
    });
    expect(code(() => uploadTarget({ class: 'core' }))).toMatchObject({ code: 'CLI_BAD_CHOICE' });
    const dir = mkdtempSync(join(tmpdir(), 'baomi-staff-'));
    writeFileSync(join(dir, 'p.yaml'), 'version: 1\n');
    expect(code(() => readSigned(join(dir, 'p.yaml')))).toMatchObject({
      code: 'CONSOLE_CLIENT_NO_SIGNATURE',
      exit: 2,
    });
    writeFileSync(join(dir, 'p.yaml.sig'), `\uFEFF${'A'.repeat(86)}==\r\n`);
    expect(readSigned(join(dir, 'p.yaml')).signature).toBe(`${'A'.repeat(86)}==`);
  });

  it('prints words a shell reads back as themselves', () => {
    expect(shellWord('https://c.example:7443')).toBe('https://c.example:7443');
    expect(shellWord('/etc/baomi/console.pem')).toBe('/etc/baomi/console.pem');
    expect(shellWord("/tmp/it's here")).toBe(`'/tmp/it'\\''s here'`);
    expect(shellWord('$(rm -rf /)')).toBe("'$(rm -rf /)'");
  });
});

describe('staff CLI: one change of a case', () => {
  it('reads the flags as one change (or none: show), its stage by name or alias', () => {
    expect(caseChange({})).toBeNull();
    expect(caseChange({ stage: 'assessed', note: 'n', severity: 'low' })).toEqual([
      'stage',
      { stage: '初步评估', note: 'n', severity: 'low' },
    ]);
    expect(caseChange({ stage: '处置', note: 'n', outcome: 'o' })).toEqual([
      'stage',
      { stage: '处置', note: 'n', outcome: 'o' },
    ]);
    expect(caseChange({ addNote: 't' })).toEqual(['notes', { text: 't' }]);
    expect(caseChange({ assign: 'ana' })).toEqual(['assign', { assignee: 'ana' }]);
    expect(caseChange({ unassign: true })).toEqual(['assign', { assignee: null }]);
    expect(caseChange({ addAlert: ['3', '12'] })).toEqual(['alerts', { alertIds: [3, 12] }]);
    const agent = '0193a6f2-7c1e-7d41-9f7a-2b6c1e0d4f11';
    expect(caseChange({ addEvent: [`${agent}:7`] })).toEqual([
      'events',
      { events: [{ agentId: agent, seq: 7 }] },
    ]);
  });

  it('refuses two changes, a move without its note, move flags alone, bad values (exit 2)', () => {
    for (const [f, c] of [
      [{ addNote: 'a', assign: 'b' }, 'CONSOLE_CLIENT_CASE_CHANGE'],
      [{ stage: '调查', note: 'n', unassign: true }, 'CONSOLE_CLIENT_CASE_CHANGE'],
      [{ stage: '调查' }, 'CONSOLE_CLIENT_CASE_STAGE_NOTE'],
      [{ note: 'n' }, 'CONSOLE_CLIENT_CASE_STAGE_NOTE'],
      [{ outcome: 'o', addNote: 'x' }, 'CONSOLE_CLIENT_CASE_STAGE_NOTE'],
      [{ stage: 'open', note: 'n' }, 'CLI_BAD_CHOICE'],
      [{ stage: '调查', note: 'n', severity: 'urgent' }, 'CLI_BAD_CHOICE'],
      [{ addAlert: ['1', 'x'] }, 'CONSOLE_CLIENT_BAD_NUMBER'],
      [{ addEvent: ['ws-01'] }, 'CONSOLE_CLIENT_BAD_EVENT_REF'],
    ] as const)
      expect(
        code(() => caseChange(f)),
        JSON.stringify(f),
      ).toMatchObject({ code: c, exit: 2 });
    for (const bad of ['a:0', ':3', 'a:b', 'a:1.5', 'a:99999999999999999'])
      expect(
        code(() => eventRef(bad)),
        bad,
      ).toMatchObject({ code: 'CONSOLE_CLIENT_BAD_EVENT_REF' });
  });

  it('says each line of a case’s history in both languages', () => {
    const entry = (kind: CaseEntry['kind'], data: CaseEntry['data']): CaseEntry => ({
      id: 1,
      caseId: 1,
      ts: 0,
      actor: 'ana',
      kind,
      data,
    });
    const host = (id: string) => (id === 'a1' ? 'ws-01' : '');
    const en = cliTranslator('en');
    const zh = cliTranslator('zh-CN');
    const stage = entry('stage', {
      from: '调查',
      to: '初步评估',
      note: 'n',
      severity: 'low',
      assessment: 'downgraded',
      was: 'high',
    });
    expect(entryText(en, stage, host)).toBe(
      '调查 → 初步评估; note: n; severity low (downgraded; was high)',
    );
    expect(entryText(zh, stage, host)).toBe(
      '调查 → 初步评估；说明：n；严重程度 low（降级；原为 high）',
    );
    expect(entryText(en, entry('assigned', { from: null, to: 'ana' }), host)).toBe('— → ana');
    expect(entryText(en, entry('events', { added: ['a1:3', 'b2:4'] }), host)).toBe(
      'attached ws-01:3, b2:4',
    );
    expect(
      entryText(
        en,
        entry('opened', { title: 't', alerts: [1, 2], assignee: null, note: null }),
        host,
      ),
    ).toBe('“t” with alert(s) 1, 2');
  });
});
