// Opening refuses a damaged database (and leaves it byte-identical), names an unwritable data
// dir, and the read-only mode never writes the database while still seeing the agent's commits.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, verifyStore } from '../../../src/agent/store/index.js';
import { syncDir } from '../../../src/agent/store/open.js';
import { distTool, fileEvent, seedStore, sha256File, tmpDirs } from './helpers.js';

const tmp = tmpDirs();
afterEach(() => tmp.cleanup());

function openError(dataDir: string, readOnly = false): unknown {
  try {
    openStore({ dataDir, host: 'h', readOnly }).close();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('open: damaged database', () => {
  it('refuses a file that is not a database and leaves it byte-identical', () => {
    const dir = tmp.make();
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'baomi.db');
    writeFileSync(file, Buffer.alloc(8192, 0x5a));
    const before = sha256File(file);
    for (const readOnly of [false, true]) {
      expect(openError(dir, readOnly)).toMatchObject({
        code: 'STORE_CORRUPT',
        exit: 1,
        params: { file },
      });
    }
    expect(sha256File(file)).toBe(before);
  });

  it('refuses an empty baomi.db rather than starting a new log in it', () => {
    const dir = tmp.make();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'baomi.db'), '');
    expect(openError(dir)).toMatchObject({ code: 'STORE_CORRUPT' });
    expect(statSync(join(dir, 'baomi.db')).size).toBe(0);
  });

  it.each([0.5, 0.9])(
    'refuses a database truncated to %s of its size and leaves it untouched',
    async (frac) => {
      const dir = tmp.make();
      await seedStore(dir, 3000);
      const file = join(dir, 'baomi.db');
      truncateSync(file, Math.floor(statSync(file).size * frac));
      const before = sha256File(file);
      expect(openError(dir)).toMatchObject({ code: 'STORE_CORRUPT', params: { file } });
      expect(() => verifyStore(dir)).toThrow(expect.objectContaining({ code: 'STORE_CORRUPT' }));
      expect(sha256File(file)).toBe(before);
      expect(readdirSync(dir).filter((f) => f.startsWith('baomi.db'))).toContain('baomi.db');
    },
  );

  it('refuses to start a new log beside the -wal file of a removed one', async () => {
    const dir = tmp.make();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'baomi.db-wal'), Buffer.alloc(4096, 1));
    expect(openError(dir)).toMatchObject({ code: 'STORE_CORRUPT' });
    expect(readdirSync(dir)).toEqual(['baomi.db-wal']);
  });

  it('reports a missing database in read-only mode without creating one', () => {
    const dir = tmp.make();
    expect(openError(dir, true)).toMatchObject({ code: 'STORE_MISSING' });
    expect(() => statSync(dir)).toThrow();
  });
});

describe('open: data dir', () => {
  it('creates the data dir 0700 and the database 0600', () => {
    const dir = join(tmp.make(), 'nested', 'data');
    openStore({ dataDir: dir, host: 'h' }).close();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'baomi.db')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((f) => f.includes('.init-'))).toEqual([]);
  });

  const canDropPrivileges =
    process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;
  it.runIf(canDropPrivileges)(
    'refuses a directory it cannot write with STORE_UNWRITABLE (as nobody)',
    () => {
      const probe = distTool('open-probe');
      const base = dirname(tmp.make());
      chmodSync(base, 0o755); // let nobody traverse into the root-owned dir
      const rootOwned = join(base, 'root-owned');
      mkdirSync(rootOwned, { mode: 0o755 });
      for (const dataDir of [rootOwned, join(rootOwned, 'sub')]) {
        const r = spawnSync(
          'setpriv',
          ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, probe, dataDir],
          { encoding: 'utf8' },
        );
        expect(r.stderr).toBe('');
        expect(JSON.parse(r.stdout)).toMatchObject({
          ok: false,
          code: 'STORE_UNWRITABLE',
          params: { dir: dataDir },
        });
        expect(r.status).toBe(1);
      }
      expect(readdirSync(rootOwned)).toEqual([]);
    },
  );
});

describe('open: read-only', () => {
  it('reads a live agent’s data dir in place (following its commits) and a copy of one as a snapshot', async () => {
    const dir = tmp.make();
    const writer = openStore({ dataDir: dir, host: 'h' });
    await writer.append(fileEvent('/1'));
    // No agent.lock naming a process that has the file open: evidence, read from a copy.
    const snapshot = openStore({ dataDir: dir, host: 'h', readOnly: true });
    // The agent's lock names this process, which has the database open: the live data dir.
    writeFileSync(join(dir, 'agent.lock'), `${process.pid}\n`);
    const reader = openStore({ dataDir: dir, host: 'h', readOnly: true });
    expect(reader.counts().stored).toBe(1);
    await writer.append(fileEvent('/2'));
    expect(reader.query().map((e) => e.seq)).toEqual([1, 2]);
    expect(snapshot.query().map((e) => e.seq)).toEqual([1]);
    snapshot.close();
    rmSync(join(dir, 'agent.lock'));
    expect(verifyStore(dir)).toMatchObject({ ok: true, checked: 2 });
    reader.close();
    writer.close();

    const file = join(dir, 'baomi.db');
    const before = sha256File(file);
    const again = openStore({ dataDir: dir, host: 'h', readOnly: true });
    expect(again.verify()).toMatchObject({ ok: true });
    expect(() => again.prune({ days: 0, consoleConfigured: false, now: Date.now() })).toThrow(
      expect.objectContaining({ code: 'STORE_READ_ONLY' }),
    );
    again.close();
    expect(sha256File(file)).toBe(before);
  });
});

describe('open: folder fsync by OS', () => {
  it('flushes the folder after the rename here, and skips it on Windows (no folder fsync there)', () => {
    const missing = join(tmp.make(), 'gone');
    // Here a folder is opened and flushed: a missing one is an error that reaches the caller.
    expect(() => syncDir(missing, 'linux')).toThrow(/ENOENT/);
    // On Windows nothing is opened (FlushFileBuffers on a folder is EPERM and stopped every start).
    expect(() => syncDir(missing, 'win32')).not.toThrow();
  });
});
