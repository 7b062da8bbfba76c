// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${dataDir} is the policy file's own variable, not a JS template.
// Folder paths the agent could never watch are refused when the policy is read (with the line
// and column), not discovered later by the folder layer and mentioned only in its log.
import { describe, expect, it } from 'vitest';
import {
  formatPolicyIssue,
  judgeCandidate,
  parsePolicyText,
  signPolicy,
  tryResolveFolders,
} from '../../../src/core/policy/index.js';
import { generateKeyPair } from '../../../src/core/policy/signature.js';

const HEAD =
  'version: 1\nname: x\nissued: 2026-01-01T00:00:00Z\nexpires: 2027-01-01T00:00:00Z\nfolders:\n';

function firstIssue(folderLine: string) {
  const r = parsePolicyText(`${HEAD}${folderLine}\n`);
  if (r.ok) throw new Error(`expected a refusal of ${JSON.stringify(folderLine)}`);
  return r.issues[0]!;
}

describe('folder paths the agent could never watch', () => {
  it('refuses a NUL byte in a double-quoted path, at its line and column', () => {
    const i = firstIssue('  - { path: "/tmp/a\\0b", level: AA }');
    expect(i).toMatchObject({
      code: 'POLICY_FOLDER_CONTROL_CHAR',
      line: 6,
      col: 13,
      path: 'folders[0].path',
      params: { char: 'U+0000', index: 6 },
    });
    for (const lang of ['en', 'zh-CN'] as const) {
      const text = formatPolicyIssue(lang, i);
      expect(text).not.toMatch(/\{\{|^POLICY_/);
      expect(text).toContain('U+0000');
    }
  });

  it.each([
    ['a tab', '"/srv/a\\tb"', 'U+0009'],
    ['a newline', '"/srv/a\\nb"', 'U+000A'],
    ['DEL', '"/srv/a\\x7fb"', 'U+007F'],
    ['a C1 control', '"/srv/a\\x85b"', 'U+0085'],
  ])('refuses %s in any variant', (_, value, char) => {
    expect(firstIssue(`  - { path: /srv/ok, linux: ${value}, level: AA }`)).toMatchObject({
      code: 'POLICY_FOLDER_CONTROL_CHAR',
      path: 'folders[0].linux',
      params: { char },
    });
    expect(
      firstIssue(`  - { path: /srv/ok, windows: ${value.replace('/srv', 'D:')}, level: AA }`),
    ).toMatchObject({ code: 'POLICY_FOLDER_CONTROL_CHAR', path: 'folders[0].windows' });
  });

  it('refuses ${dataDir} anywhere but at the start, followed by a separator', () => {
    for (const p of [
      '/srv/${dataDir}',
      'C:${dataDir}',
      '${dataDir}demo',
      '${dataDir}/${dataDir}',
    ]) {
      expect(firstIssue(`  - { path: "${p}", level: AA }`), p).toMatchObject({
        code: 'POLICY_FOLDER_DATADIR_PLACE',
        path: 'folders[0].path',
      });
    }
    for (const p of ['${dataDir}', '${dataDir}/demo', '${dataDir}\\\\demo']) {
      expect(parsePolicyText(`${HEAD}  - { path: "${p}", level: AA }\n`).ok, p).toBe(true);
    }
  });

  it('refuses a path longer than any OS allows, or a name longer than 255 bytes', () => {
    const long = `/${'a'.repeat(200)}`.repeat(25); // 5,025 bytes
    expect(firstIssue(`  - { path: "${long}", level: AA }`)).toMatchObject({
      code: 'POLICY_FOLDER_TOO_LONG',
      params: { length: 5025, max: 4095 },
    });
    const name = `/srv/${'财'.repeat(90)}`; // 270 bytes in one name
    expect(firstIssue(`  - { path: "${name}", level: AA }`)).toMatchObject({
      code: 'POLICY_FOLDER_NAME_TOO_LONG',
      params: { length: 270, max: 255 },
    });
  });

  it('refuses characters Windows cannot have in a name, in a windows variant', () => {
    for (const p of [
      'D:\\\\a|b',
      'D:\\\\a?b',
      'D:\\\\a*b',
      'D:\\\\a<b',
      'D:\\\\a\\"b',
      'D:\\\\a:b',
    ]) {
      expect(firstIssue(`  - { path: /srv/ok, windows: "${p}", level: AA }`), p).toMatchObject({
        code: 'POLICY_FOLDER_WINDOWS_CHAR',
        path: 'folders[0].windows',
      });
    }
    // Shares and the long-path prefixes keep their own ? . : legitimately.
    for (const ok of ['\\\\srv\\share', '\\\\?\\D:\\Finance', '\\\\?\\UNC\\srv\\share\\x']) {
      const r = parsePolicyText(`${HEAD}  - { path: /srv/ok, windows: '${ok}', level: AA }\n`);
      expect(r.ok, `${ok}: ${JSON.stringify(!r.ok && r.issues)}`).toBe(true);
    }
  });

  it('the judge refuses the same paths (one code path) and a folder holding its own data dir', () => {
    const { privateKeyPem, publicKeyPem } = generateKeyPair();
    const judge = (folderLine: string) => {
      const bytes = new TextEncoder().encode(`${HEAD}${folderLine}\n`);
      return judgeCandidate({
        candidateBytes: bytes,
        sigText: signPolicy(bytes, privateKeyPem),
        trusted: [{ name: 'k', publicKeyPem }],
        inForce: null,
        now: Date.parse('2026-06-01T00:00:00Z'),
        dataDir: '/var/lib/baomi',
        os: 'linux',
        agentVersion: '0.1.0',
      });
    };
    expect(judge('  - { path: "/tmp/a\\0b", level: AA }')).toMatchObject({
      verdict: 'reject',
      code: 'POLICY_FOLDER_CONTROL_CHAR',
      params: { line: 6, col: 13 },
    });
    for (const p of ['/var/lib/baomi', '/var/lib', '/', '${dataDir}', '/var/lib/baomi/']) {
      expect(judge(`  - { path: "${p}", level: AA }`), p).toMatchObject({
        verdict: 'reject',
        code: 'POLICY_FOLDER_HOLDS_DATA_DIR',
        params: { path: 'folders[0].path', dataDir: '/var/lib/baomi', line: 6, col: 13 },
      });
    }
    // A sibling whose name only starts the same is fine; so are a non-recursive parent and a
    // folder inside the data dir (the demo policy watches ${dataDir}/demo).
    expect(judge('  - { path: "${dataDir}/demo", level: AA }')).toMatchObject({ verdict: 'apply' });
    expect(judge('  - { path: /var/lib/baomi-other, level: AA }')).toMatchObject({
      verdict: 'apply',
    });
    expect(judge('  - { path: /var/lib, recursive: false, level: AA }')).toMatchObject({
      verdict: 'apply',
    });
  });

  it('on Windows, the data dir written another way is still the data dir (prefix, trailing dot or space)', () => {
    const on = (path: string, recursive = true) =>
      tryResolveFolders(
        { folders: [{ path, level: 'AA', recursive, ignore: [] }] },
        { os: 'windows', dataDir: 'C:\\ProgramData\\Baomi' },
      );
    for (const p of [
      '\\\\?\\C:\\ProgramData\\Baomi',
      '\\\\?\\c:\\programdata',
      'C:\\ProgramData\\Baomi.',
      'C:\\ProgramData\\Baomi ',
      'C:\\ProgramData.\\Baomi..',
      'c:/programdata/baomi/',
    ])
      expect(on(p), p).toMatchObject({
        ok: false,
        issue: { code: 'POLICY_FOLDER_HOLDS_DATA_DIR' },
      });
    // A folder inside it, a sibling, and a share elsewhere are folders like any other.
    for (const p of [
      'C:\\ProgramData\\Baomi.\\demo',
      'C:\\ProgramData\\Baomi2',
      '\\\\?\\UNC\\srv\\share\\a',
    ])
      expect(on(p), p).toMatchObject({ ok: true });
  });

  it('Windows rules apply to a drive path in `path`, and to what ${dataDir} expands to on Windows', () => {
    expect(firstIssue('  - { path: "D:\\\\a|b", linux: /srv/x, level: AA }')).toMatchObject({
      code: 'POLICY_FOLDER_WINDOWS_CHAR',
      path: 'folders[0].path',
    });
    const ok = parsePolicyText(`${HEAD}  - { path: "${'${dataDir}'}/a|b", level: AA }\n`);
    if (!ok.ok) throw new Error('a | is fine in a POSIX path');
    expect(tryResolveFolders(ok.policy, { os: 'linux', dataDir: '/d' }).ok).toBe(true);
    expect(tryResolveFolders(ok.policy, { os: 'windows', dataDir: 'C:\\d' })).toMatchObject({
      ok: false,
      issue: { code: 'POLICY_FOLDER_WINDOWS_CHAR', path: 'folders[0].path' },
    });
  });
});
