// How the agent's two sockets are opened to whom they are meant when they are Windows named
// pipes (src/agent/socket/endpoint.ts): never chmod'ed, removed or given a folder (each of
// those would fail on \\.\pipe\… and stop the agent at start), agent's pipe to Everyone through
// listen's readableAll/writableAll, admin's pipe with Windows' default list. A Unix socket
// path stays a file that is chmod'ed as before.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { endpoint, isPipe, removeSocketFile } from '../../../src/agent/socket/endpoint.js';
import { socketPaths } from '../../../src/platform/paths.js';

describe('socket endpoints', () => {
  const pipes = socketPaths('\\\\.\\pipe\\baomi');

  it('knows a named pipe by its prefix, whichever slashes, and a Unix path is none', () => {
    expect(isPipe(pipes.agent)).toBe(true);
    expect(isPipe(pipes.admin)).toBe(true);
    expect(isPipe('//./pipe/baomi-agent')).toBe(true);
    expect(isPipe('\\\\?\\pipe\\baomi-agent')).toBe(true);
    expect(isPipe('/run/baomi/agent.sock')).toBe(false);
    expect(isPipe('C:\\ProgramData\\Baomi\\pipe\\x')).toBe(false);
  });

  it("opens agent's pipe to everyone and leaves admin's pipe to Windows' default list", () => {
    expect(endpoint(pipes.agent, 0o666)).toEqual({
      listen: { path: pipes.agent, readableAll: true, writableAll: true },
      file: false,
    });
    for (const mode of [0o600, 0o660])
      expect(endpoint(pipes.admin, mode)).toEqual({
        listen: { path: pipes.admin, readableAll: false, writableAll: false },
        file: false,
      });
  });

  it('keeps a Unix socket a file whose mode is set after it is made', () => {
    expect(endpoint('/run/baomi/admin.sock', 0o660)).toEqual({
      listen: '/run/baomi/admin.sock',
      file: true,
    });
  });

  it('removes a stale socket file', () => {
    const stale = join(mkdtempSync(join(tmpdir(), 'baomi-endpoint-')), 'agent.sock');
    writeFileSync(stale, '');
    removeSocketFile(stale);
    expect(existsSync(stale)).toBe(false);
  });
});
