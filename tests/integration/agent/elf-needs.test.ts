// scripts/elf-needs.mjs against binaries compiled here: a library linked without versioned
// symbols must still be named (the packages would otherwise not depend on it), and what it
// reads must agree with objdump's NEEDED and version-reference lines.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM build script without types
import { elfNeeds, systemNeeds } from '../../../scripts/elf-needs.mjs';
import { hasObjdump, objdumpNeeds } from '../../helpers/system-tree.js';

const hasCc = spawnSync('cc', ['--version']).status === 0;

function cc(args: string[], cwd: string): void {
  const r = spawnSync('cc', args, { cwd, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}

describe.skipIf(process.platform !== 'linux' || !hasCc || !hasObjdump)('elf-needs', () => {
  it('names a linked library that has no versioned symbols, and agrees with objdump', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baomi-elf-'));
    writeFileSync(join(dir, 'plain.c'), 'int plain_answer(void) { return 42; }\n');
    writeFileSync(
      join(dir, 'main.c'),
      '#include <stdio.h>\nint plain_answer(void);\nint main(void) { printf("%d\\n", plain_answer()); return 0; }\n',
    );
    // No version script: libplain's symbols are unversioned, so it has no .gnu.version_r entry.
    cc(['-shared', '-fPIC', '-o', 'libplain.so.1', '-Wl,-soname,libplain.so.1', 'plain.c'], dir);
    cc(['-o', 'main', 'main.c', join(dir, 'libplain.so.1')], dir);
    const main = join(dir, 'main');
    const { bits, needs } = elfNeeds(main) as { bits: number; needs: Map<string, string[]> };
    expect(bits).toBe(64);
    expect(needs.get('libplain.so.1')).toEqual([]);
    expect(needs.get('libc.so.6')?.some((v) => v.startsWith('GLIBC_'))).toBe(true);
    expect(Object.fromEntries(needs)).toEqual(Object.fromEntries(objdumpNeeds(main)));
    expect(systemNeeds([main])['libplain.so.1']).toEqual([]);
  });
});
