// `baomi verify` as security staff run it: exit 0 on an intact log (also after retention
// pruned a prefix), exit 1 naming every broken link for an edited, deleted or swapped row,
// and for rows cut off the end (the chain must reach chain.head).
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/agent/store/index.js';
import { runCli } from '../../helpers/agent.js';
import { seedStore, tamper, tmpDirs } from '../store/helpers.js';

const tmp = tmpDirs();
afterEach(() => tmp.cleanup());

async function seeded(): Promise<string> {
  const dir = tmp.make();
  await seedStore(dir, 12);
  return dir;
}

function verify(dir: string) {
  return runCli(['verify', '--data-dir', dir]);
}

describe('baomi verify', () => {
  it('exits 0 on an intact chain', async () => {
    const r = verify(await seeded());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/12 events checked/);
  });

  it('names an edited row', async () => {
    const dir = await seeded();
    tamper(dir, (db) => db.prepare(`UPDATE events SET data = '{"path":"/x"}' WHERE seq = 5`).run());
    const r = verify(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/seq 5 \(hash\)/);
  });

  it('names a deleted row', async () => {
    const dir = await seeded();
    tamper(dir, (db) => db.prepare('DELETE FROM events WHERE seq = 8').run());
    const r = verify(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/seq 8 \(gap\): event 8 is missing: it was removed/);
  });

  it('names two swapped rows', async () => {
    const dir = await seeded();
    tamper(dir, (db) => {
      db.prepare('UPDATE events SET seq = -3 WHERE seq = 3').run();
      db.prepare('UPDATE events SET seq = 3 WHERE seq = 4').run();
      db.prepare('UPDATE events SET seq = 4 WHERE seq = -3').run();
    });
    const r = verify(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/seq 3 \(/);
  });

  it('still exits 0 after retention pruned a prefix', async () => {
    const dir = await seeded();
    const store = openStore({ dataDir: dir, host: 'h', now: () => Date.now() + 400 * 86_400_000 });
    const pruned = store.prune({
      days: 180,
      consoleConfigured: false,
      now: Date.now() + 400 * 86_400_000,
    });
    store.close();
    expect(pruned?.throughSeq).toBe(12);
    const r = verify(dir);
    expect(r.code, r.stderr).toBe(0);
  });

  it('names rows deleted from the end (issue 8 item 7: it said "Chain intact")', async () => {
    const dir = await seeded();
    tamper(dir, (db) => db.prepare('DELETE FROM events WHERE seq > 9').run());
    const r = verify(dir);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /seq 10 \(truncated\): the log ends at event 9, but it had reached event 12/,
    );
  });

  it('names every break, one a line, and --json carries them structured', async () => {
    const dir = await seeded();
    tamper(dir, (db) => {
      db.prepare(`UPDATE events SET data = '{"path":"/x"}' WHERE seq = 3`).run();
      db.prepare('DELETE FROM events WHERE seq IN (6, 7)').run();
      db.prepare('DELETE FROM events WHERE seq > 10').run();
    });
    const r = verify(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Chain BROKEN: 3 place/);
    expect(r.stderr).toMatch(/seq 3 \(hash\)/);
    expect(r.stderr).toMatch(/seq 6 \(gap\): events 6 to 7 are missing/);
    expect(r.stderr).toMatch(/seq 11 \(truncated\)/);
    const json = runCli(['verify', '--data-dir', dir, '--json']);
    expect(json.code).toBe(1);
    const out = JSON.parse(json.stdout);
    expect(out.breaks.map((b: { kind: string; seq: number }) => [b.kind, b.seq])).toEqual([
      ['hash', 3],
      ['gap', 6],
      ['truncated', 11],
    ]);
    expect(out.breaks[2]).toMatchObject({ params: { last: 10, head: 12 } });
    expect(out.breaks[2].detail).toMatch(/removed from its end/);
  });

  it("speaks the reader's language for every break (zh-CN)", async () => {
    const dir = await seeded();
    tamper(dir, (db) => db.prepare('DELETE FROM events WHERE seq > 9').run());
    const r = runCli(['verify', '--data-dir', dir], { LANG: 'zh_CN.UTF-8' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/序号 10（末尾被截）：日志止于序号 9，但它曾到达序号 12/);
    expect(r.stderr).not.toMatch(/truncated|removed/);
  });

  it('--data-dir on a copy reads chain.head from that copy', async () => {
    const dir = await seeded();
    const copy = join(tmp.make(), 'evidence');
    cpSync(dir, copy, { recursive: true });
    tamper(copy, (db) => db.prepare('DELETE FROM events WHERE seq > 11').run());
    expect(verify(dir).code).toBe(0);
    expect(verify(copy).stderr).toMatch(/seq 12 \(truncated\)/);
    // A copy without chain.head of a log no agent of this version checked: intact, but the
    // reader is told the end was not checked.
    const bare = join(tmp.make(), 'bare');
    cpSync(dir, bare, { recursive: true });
    rmSync(join(bare, 'chain.head'));
    const r = verify(bare);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/end of the log was not checked/);
  });
});
