// The pure parts of `baomi console`: --listen, what counts as loopback, the database named
// without its password, and the default data dir for root and for a person.
import { describe, expect, it } from 'vitest';
import { describeDb, isLoopback, parseListen } from '../../../src/cli/commands/console.js';
import { LastSeenBuffer } from '../../../src/console/server/last-seen.js';
import { BaomiError } from '../../../src/core/errors.js';
import { consoleDataDir } from '../../../src/platform/paths.js';

describe('baomi console flags', () => {
  it('reads HOST:PORT and [IPv6]:PORT, and refuses anything else (exit 2)', () => {
    expect(parseListen('127.0.0.1:7443')).toEqual({ host: '127.0.0.1', port: 7443 });
    expect(parseListen('0.0.0.0:0')).toEqual({ host: '0.0.0.0', port: 0 });
    expect(parseListen('[::1]:443')).toEqual({ host: '::1', port: 443 });
    expect(parseListen('console.example.com:8443')).toEqual({
      host: 'console.example.com',
      port: 8443,
    });
    for (const bad of [
      '7443',
      '127.0.0.1',
      ':7443',
      '127.0.0.1:65536',
      '::1:443',
      '[nope]:1',
      'a b:1',
      '[::1]',
    ]) {
      let e: unknown;
      try {
        parseListen(bad);
      } catch (x) {
        e = x;
      }
      expect(e, bad).toBeInstanceOf(BaomiError);
      expect((e as BaomiError).code).toBe('CONSOLE_BAD_LISTEN');
      expect((e as BaomiError).exit).toBe(2);
    }
  });

  it('counts 127/8, ::1 and localhost as loopback, nothing else', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1'])
      expect(isLoopback(h), h).toBe(true);
    for (const h of [
      '0.0.0.0',
      '::',
      '10.0.0.1',
      '128.0.0.1',
      'localhost.example.com',
      '127.0.0.1.nip.io',
      '::ffff:10.0.0.1',
    ])
      expect(isLoopback(h), h).toBe(false);
  });

  it('names the database without its password', () => {
    expect(describeDb(undefined, '/var/lib/baomi-console')).toBe(
      'SQLite /var/lib/baomi-console/console.db',
    );
    const pg = describeDb('postgres://baomi:s3cret@db.example.com:5432/baomi', '/x');
    expect(pg).toBe('PostgreSQL postgres://baomi@db.example.com:5432/baomi');
    expect(describeDb('not a url s3cret', '/x')).toBe('PostgreSQL');
  });

  it('keeps its data in /var/lib/baomi-console as root and in the XDG data dir otherwise', () => {
    expect(consoleDataDir('linux', 0, {}, '/root')).toBe('/var/lib/baomi-console');
    expect(consoleDataDir('linux', 1000, {}, '/home/li')).toBe(
      '/home/li/.local/share/baomi-console',
    );
    expect(consoleDataDir('linux', 1000, { XDG_DATA_HOME: '/data' }, '/home/li')).toBe(
      '/data/baomi-console',
    );
    expect(consoleDataDir('darwin', 0, {}, '/var/root')).toBe(
      '/Library/Application Support/Baomi Console',
    );
    expect(consoleDataDir('windows', -1, { ProgramData: 'D:\\PD' }, 'C:\\Users\\li')).toBe(
      'D:\\PD\\Baomi Console',
    );
  });
});

describe('last-seen buffer', () => {
  it('keeps the newest entry per agent and writes them in one call', async () => {
    const calls: unknown[][] = [];
    const buf = new LastSeenBuffer(
      { flushLastSeen: async (e) => void calls.push([...e]) },
      { error() {} },
    );
    buf.record('a', 2000, { n: 2 });
    buf.record('a', 1000, { n: 1 }); // older: ignored
    buf.record('b', 1500, { n: 3 });
    buf.record('a', 3000, { n: 4 });
    expect(buf.size).toBe(2);
    await buf.flush();
    await buf.flush(); // nothing left: no call
    expect(calls).toEqual([
      [
        { agentId: 'a', at: 3000, heartbeat: { n: 4 } },
        { agentId: 'b', at: 1500, heartbeat: { n: 3 } },
      ],
    ]);
  });
});
