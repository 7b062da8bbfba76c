// Who may open admin.sock (DESIGN.md "Who is asking"): its owner only (0600), or, given the
// baomi-admin group's id, its owner and that group (0660, the socket owned by the group): what
// the tray's staff view and `baomi events` without sudo rely on. The group's id is read from
// /etc/group by name.
import fs, { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { groupId } from '../../../src/platform/index.js';
import { MemoryLog, serveLog, socketDir } from './helpers.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('admin.sock permissions', () => {
  it('is 0600 without a group, 0660 owned by the group given', async () => {
    const alone = socketDir();
    const a = await serveLog(alone, new MemoryLog());
    cleanup.push(() => a.close());
    expect(statSync(alone.admin).mode & 0o777).toBe(0o600);
    expect(statSync(alone.agent).mode & 0o777).toBe(0o666);

    // A group this process may give (its own; root may give any).
    const gid = process.getgid?.() ?? 0;
    const shared = socketDir();
    const s = await serveLog(shared, new MemoryLog(), { adminGroup: gid });
    cleanup.push(() => s.close());
    const st = statSync(shared.admin);
    expect(st.mode & 0o777).toBe(0o660);
    expect(st.gid).toBe(gid);
    expect(st.uid).toBe(process.getuid?.());
  });

  it('is never open to others while it is set up, even under umask 0', async () => {
    // What the socket's mode was at the moment it is opened to its group: the window between
    // bind and chmod, when a connection made would stay an admin one.
    const seen = new Map<string, number>();
    const chmod = fs.chmodSync;
    const umask = process.umask(0);
    fs.chmodSync = (path, mode) => {
      seen.set(String(path), fs.lstatSync(path).mode & 0o777);
      chmod(path, mode);
    };
    syncBuiltinESMExports();
    try {
      const dir = socketDir();
      const s = await serveLog(dir, new MemoryLog(), { adminGroup: process.getgid?.() ?? 0 });
      cleanup.push(() => s.close());
      expect(seen.get(dir.admin)).toBe(0o600);
      expect(seen.get(dir.agent)).toBe(0o600);
      expect(statSync(dir.admin).mode & 0o777).toBe(0o660);
      expect(statSync(dir.agent).mode & 0o777).toBe(0o666);
      expect(process.umask()).toBe(0); // given back as it was
    } finally {
      fs.chmodSync = chmod;
      syncBuiltinESMExports();
      process.umask(umask);
    }
  });

  it('finds a group id by name in /etc/group, and nothing for a missing group or file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'baomi-group-')), 'group');
    writeFileSync(
      file,
      'root:x:0:\nbaomi-adminx:x:5:\n# comment\nbaomi-admin:x:1234:zhang.san,li.si\nbad:x:notanumber:\n',
    );
    expect(groupId('baomi-admin', file)).toBe(1234);
    expect(groupId('root', file)).toBe(0);
    expect(groupId('baomi', file)).toBeNull();
    expect(groupId('bad', file)).toBeNull();
    expect(groupId('baomi-admin', join(file, 'missing'))).toBeNull();
  });
});
