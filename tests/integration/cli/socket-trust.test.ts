// The CLI talks only to a socket that belongs to root or to the user running it: one put
// there by another user could answer in the agent's name.
import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BIN, runCli } from '../../helpers/agent.js';

const execFileP = promisify(execFile);

describe.runIf(process.getuid?.() === 0)('CLI socket ownership', () => {
  it("refuses another user's socket before sending anything, in both languages", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baomi-trust-'));
    const path = join(dir, 'admin.sock');
    let connections = 0;
    const server = createServer((s) => {
      connections++;
      s.end(
        `${JSON.stringify({ id: 1, ok: false, error: { code: 'PROTOCOL_INTERNAL', params: {} } })}\n`,
      );
    });
    await new Promise<void>((r) => server.listen(path, r));
    try {
      chownSync(path, 65534, 65534); // as if `nobody` had created it
      for (const [lang, words] of [
        ['C', 'uid 65534'],
        ['zh_CN.UTF-8', '拒绝使用'],
      ] as const) {
        const r = runCli(['status', '--socket', path], { LANG: lang });
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(r.stderr).toContain(path);
        expect(r.stderr).toContain(words);
      }
      expect(connections).toBe(0);
      // Our own socket is used as before: the request reaches it (and gets its answer).
      chownSync(path, 0, 0);
      const ok = await execFileP(process.execPath, [BIN, 'status', '--socket', path], {
        env: { ...process.env, LANG: 'C' },
      }).catch((e: { stderr: string }) => e);
      expect(ok.stderr).not.toContain('uid 65534');
      expect(connections).toBe(1);
    } finally {
      server.close();
    }
  });
});
