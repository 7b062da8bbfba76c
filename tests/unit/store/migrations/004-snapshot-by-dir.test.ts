import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../../src/agent/store/migrations/index.js';

describe('migration 004 (snapshot keyed by directory)', () => {
  it('applies on an empty database after 003', () => {
    const db = new Database(':memory:');
    expect(migrate(db)).toEqual([1, 2, 3, 4]);
    expect(schemaVersion(db)).toBe(4);
    const ins = db.prepare(
      "INSERT INTO folder_snapshot VALUES ('/r', 'a', 'x', 'file', 1, 1, 1, NULL, NULL)",
    );
    ins.run();
    expect(() => ins.run()).toThrow(/UNIQUE|PRIMARY/);
    // Found by inode through the index, not a scan of the table.
    const plan = db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT dir, name FROM folder_snapshot WHERE root = '/r' AND ino = 1",
      )
      .all() as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join(' ')).toMatch(
      /USING (COVERING )?INDEX folder_snapshot_ino/,
    );
  });

  it('upgrades a version-3 database: every row keyed by its directory and name, nothing else changed', () => {
    const db = new Database(':memory:');
    migrate(db, 3);
    db.prepare(
      `INSERT INTO events (seq, id, ts, type, severity, host, data, prev_hash, hash)
       VALUES (1, 'x', 5, 'file.created', 'info', 'h', '{}', 'p', 'h1')`,
    ).run();
    db.prepare("INSERT INTO folder_roots VALUES ('/srv/f', 1)").run();
    const ins = db.prepare('INSERT INTO folder_snapshot VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    ins.run('/srv/f', 'top.txt', 'file', 1, 10, 1.5, 1000, 2.25);
    ins.run('/srv/f', 'a/报表.xlsx', 'file', 2, 20, 2.5, null, null);
    ins.run('/srv/f', 'a/b/c/link', 'symlink', 3, 5, 3.5, 0, null);
    ins.run('/srv/f', 'raw/\u0000_w8/x', 'file', 4, 1, 4.5, 0, null);
    ins.run('/srv/g', 'x', 'other', 5, 0, 5.5, 0, null);
    // More rows than one page of the copy.
    for (let i = 0; i < 10_050; i++)
      ins.run('/srv/h', `d${i % 7}/f${i}`, 'file', 100 + i, i, i, 0, null);
    db.prepare("INSERT INTO hash_queue VALUES ('/srv/f', 'a/报表.xlsx', 1, 2, 20, 2.5)").run();
    expect(migrate(db)).toEqual([4]);
    expect(
      db
        .prepare("SELECT * FROM folder_snapshot WHERE root IN ('/srv/f', '/srv/g') ORDER BY ino")
        .all(),
    ).toEqual([
      {
        root: '/srv/f',
        dir: '',
        name: 'top.txt',
        type: 'file',
        ino: 1,
        size: 10,
        mtime_ms: 1.5,
        uid: 1000,
        btime_ms: 2.25,
      },
      {
        root: '/srv/f',
        dir: 'a',
        name: '报表.xlsx',
        type: 'file',
        ino: 2,
        size: 20,
        mtime_ms: 2.5,
        uid: null,
        btime_ms: null,
      },
      {
        root: '/srv/f',
        dir: 'a/b/c',
        name: 'link',
        type: 'symlink',
        ino: 3,
        size: 5,
        mtime_ms: 3.5,
        uid: 0,
        btime_ms: null,
      },
      {
        root: '/srv/f',
        dir: 'raw/\u0000_w8',
        name: 'x',
        type: 'file',
        ino: 4,
        size: 1,
        mtime_ms: 4.5,
        uid: 0,
        btime_ms: null,
      },
      {
        root: '/srv/g',
        dir: '',
        name: 'x',
        type: 'other',
        ino: 5,
        size: 0,
        mtime_ms: 5.5,
        uid: 0,
        btime_ms: null,
      },
    ]);
    expect(
      db.prepare("SELECT count(*) AS n FROM folder_snapshot WHERE root = '/srv/h'").get(),
    ).toEqual({ n: 10_050 });
    expect(
      db.prepare("SELECT name FROM folder_snapshot WHERE root = '/srv/h' AND ino = 10149").get(),
    ).toEqual({ name: 'f10049' });
    expect(db.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT count(*) AS n FROM folder_roots').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT count(*) AS n FROM hash_queue').get()).toEqual({ n: 1 });
  });
});
