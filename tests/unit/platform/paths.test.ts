import { describe, expect, it } from 'vitest';
import {
  defaultPaths,
  osName,
  seatTokenCandidates,
  seatTokenPath,
  socketPaths,
} from '../../../src/platform/paths.js';

describe('default paths (DESIGN.md "Paths")', () => {
  it('uses system locations for root on Linux', () => {
    expect(defaultPaths('linux', 0, {}, '/root')).toEqual({
      dataDir: '/var/lib/baomi',
      policyFile: '/etc/baomi/policy.yaml',
      trustDir: '/etc/baomi/trust',
      socketDir: '/run/baomi',
    });
  });
  it('uses XDG locations for an ordinary user', () => {
    const p = defaultPaths('linux', 1000, { XDG_RUNTIME_DIR: '/run/user/1000' }, '/home/li');
    expect(p.dataDir).toBe('/home/li/.local/share/baomi');
    expect(p.socketDir).toBe('/run/user/1000/baomi');
    expect(defaultPaths('linux', 1000, {}, '/home/li').socketDir).toBe('/tmp/baomi-1000');
  });
  it('knows Windows and macOS', () => {
    expect(
      defaultPaths('windows', -1, { ProgramData: 'C:\\ProgramData' }, 'C:\\Users\\li').dataDir,
    ).toBe('C:\\ProgramData\\Baomi');
    expect(defaultPaths('darwin', 0, {}, '/var/root').dataDir).toBe(
      '/Library/Application Support/Baomi',
    );
    expect(osName('win32')).toBe('windows');
    expect(socketPaths('/run/baomi')).toEqual({
      agent: '/run/baomi/agent.sock',
      admin: '/run/baomi/admin.sock',
    });
  });
});

describe('seat token path (DESIGN.md "Who is asking on agent.sock")', () => {
  it("is baomi/seat.token in the user's runtime dir, or the socket-dir fallback", () => {
    expect(seatTokenPath(1000, { XDG_RUNTIME_DIR: '/run/user/1000' })).toBe(
      '/run/user/1000/baomi/seat.token',
    );
    expect(seatTokenPath(1000, {})).toBe('/tmp/baomi-1000/seat.token');
    // The fallback is the same folder as the user's default socket dir.
    expect(seatTokenPath(1000, {})).toBe(
      `${defaultPaths('linux', 1000, {}, '/home/li').socketDir}/seat.token`,
    );
  });
  it('is looked for by a client in its own runtime dir, then where a root agent writes it', () => {
    expect(seatTokenCandidates(1000, { XDG_RUNTIME_DIR: '/run/user/1000' })).toEqual([
      '/run/user/1000/baomi/seat.token',
    ]);
    expect(seatTokenCandidates(1000, {})).toEqual([
      '/tmp/baomi-1000/seat.token',
      '/run/user/1000/baomi/seat.token',
    ]);
  });
});
