// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${dataDir} is the policy file's own variable, not a JS template.
import { describe, expect, it } from 'vitest';
import { BaomiError } from '../../../src/core/errors.js';
import {
  type Policy,
  parsePolicyText,
  resolveFolders,
  tryResolveFolders,
} from '../../../src/core/policy/index.js';

function policyWith(folders: string): Policy {
  const r = parsePolicyText(
    `version: 1\nname: x\nissued: 2026-01-01T00:00:00Z\nexpires: 2027-01-01T00:00:00Z\nfolders:\n${folders}`,
  );
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.policy;
}

describe('resolveFolders', () => {
  const p = policyWith(
    [
      '  - { path: /srv/finance, windows: "F:\\\\财务", level: AAA }',
      '  - { path: "${dataDir}/demo", level: AA, recursive: false, ignore: ["*.tmp"] }',
      '  - { path: /srv/a/../b/, darwin: /Volumes/B, level: 秘密 }',
      '',
    ].join('\n'),
  );

  it('uses the per-OS variant when there is one, and expands ${dataDir}', () => {
    expect(resolveFolders(p, { os: 'linux', dataDir: '/var/lib/baomi/' })).toEqual([
      { path: '/srv/finance', level: 'AAA', recursive: true, ignore: [] },
      { path: '/var/lib/baomi/demo', level: 'AA', recursive: false, ignore: ['*.tmp'] },
      { path: '/srv/b', level: '秘密', recursive: true, ignore: [] },
    ]);
    expect(
      resolveFolders(p, { os: 'darwin', dataDir: '/Library/Application Support/Baomi' }).map(
        (f) => f.path,
      ),
    ).toEqual(['/srv/finance', '/Library/Application Support/Baomi/demo', '/Volumes/B']);
  });

  it('refuses a path that is not absolute on this OS', () => {
    const r = tryResolveFolders(p, { os: 'windows', dataDir: 'C:\\ProgramData\\Baomi' });
    // The finance folder has a windows variant; the third one does not.
    expect(r).toMatchObject({
      ok: false,
      issue: {
        code: 'POLICY_FOLDER_NOT_ABSOLUTE',
        path: 'folders[2].path',
        params: { os: 'windows' },
      },
    });
    expect(() => resolveFolders(p, { os: 'windows', dataDir: 'C:\\ProgramData\\Baomi' })).toThrow(
      BaomiError,
    );
  });

  it('writes Windows paths with backslashes after expansion', () => {
    const w = policyWith(
      '  - { path: "${dataDir}/demo", level: A }\n  - { path: "\\\\\\\\nas\\\\share\\\\x", level: A }\n',
    );
    expect(
      resolveFolders(w, { os: 'windows', dataDir: 'C:\\ProgramData\\Baomi' }).map((f) => f.path),
    ).toEqual(['C:\\ProgramData\\Baomi\\demo', '\\\\nas\\share\\x']);
  });

  it('refuses a relative data dir', () => {
    expect(tryResolveFolders(p, { os: 'linux', dataDir: 'data' })).toMatchObject({
      ok: false,
      issue: { path: 'dataDir' },
    });
  });
});
