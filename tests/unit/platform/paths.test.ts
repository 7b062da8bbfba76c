import { describe, expect, it } from 'vitest';
import {
  defaultPaths,
  osName,
  readPlaces,
  SYSTEM_SOCKET_DIR_ENV,
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

describe('where a reading command looks (issue 8 item 6)', () => {
  const env = { XDG_RUNTIME_DIR: '/run/user/1000', XDG_DATA_HOME: '/home/li/.data' };
  it("an ordinary user: own agent, then the system agent's sockets, then own data dir", () => {
    expect(readPlaces('linux', 1000, env, '/home/li')).toEqual([
      { kind: 'socket', path: '/run/user/1000/baomi/admin.sock', admin: true },
      { kind: 'socket', path: '/run/user/1000/baomi/agent.sock', admin: false },
      { kind: 'socket', path: '/run/baomi/admin.sock', admin: true },
      { kind: 'socket', path: '/run/baomi/agent.sock', admin: false },
      { kind: 'dataDir', path: '/home/li/.data/baomi' },
    ]);
  });
  it('root looks in one place; verify (admin only) leaves agent.sock out', () => {
    expect(readPlaces('linux', 0, env, '/root').map((p) => p.path)).toEqual([
      '/run/baomi/admin.sock',
      '/run/baomi/agent.sock',
      '/var/lib/baomi',
    ]);
    expect(readPlaces('linux', 1000, env, '/home/li', true).map((p) => p.path)).toEqual([
      '/run/user/1000/baomi/admin.sock',
      '/run/baomi/admin.sock',
      '/home/li/.data/baomi',
    ]);
  });
  it('the system socket dir can be moved for tests; Windows has one agent', () => {
    const moved = readPlaces('linux', 1000, { ...env, [SYSTEM_SOCKET_DIR_ENV]: '/t/run' }, '/h');
    expect(moved.map((p) => p.path)).toContain('/t/run/agent.sock');
    expect(moved.map((p) => p.path)).not.toContain('/run/baomi/agent.sock');
    expect(readPlaces('windows', -1, {}, 'C:\\Users\\li').map((p) => p.path)).toEqual([
      '\\\\.\\pipe\\baomi-admin',
      '\\\\.\\pipe\\baomi-agent',
      'C:\\ProgramData\\Baomi',
    ]);
  });
});
