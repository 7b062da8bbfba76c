import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../../src/agent/store/migrations/index.js';

describe('migration 003 (hash queue)', () => {
  it('applies on an empty database after 002', () => {
    const db = new Database(':memory:');
    expect(migrate(db, 3)).toEqual([1, 2, 3]);
    expect(schemaVersion(db)).toBe(3);
    db.prepare("INSERT INTO hash_queue VALUES ('/srv/f', 'a/报表.xlsx', 12, 7, 10, 1.5)").run();
    expect(db.prepare('SELECT rel, of_seq, mtime_ms FROM hash_queue').get()).toEqual({
      rel: 'a/报表.xlsx',
      of_seq: 12,
      mtime_ms: 1.5,
    });
  });

  it('upgrades a version-2 database and keeps its events and snapshot', () => {
    const db = new Database(':memory:');
    migrate(db, 2);
    db.prepare(
      `INSERT INTO events (seq, id, ts, type, severity, host, data, prev_hash, hash)
       VALUES (1, 'x', 5, 'file.created', 'info', 'h', '{}', 'p', 'h1')`,
    ).run();
    db.prepare("INSERT INTO folder_snapshot VALUES ('/r', 'x', 'file', 1, 1, 1, NULL, NULL)").run();
    expect(migrate(db, 3)).toEqual([3]);
    expect(db.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT count(*) AS n FROM folder_snapshot').get()).toEqual({ n: 1 });
    // Nothing is pending after an upgrade: changes recorded before 003 were hashed (or lost)
    // by the agent that recorded them.
    expect(db.prepare('SELECT count(*) AS n FROM hash_queue').get()).toEqual({ n: 0 });
  });

  it('holds one pending hash per file', () => {
    const db = new Database(':memory:');
    migrate(db);
    const ins = db.prepare("INSERT INTO hash_queue VALUES ('/r', 'x', 1, 1, 1, 1)");
    ins.run();
    expect(() => ins.run()).toThrow(/UNIQUE|PRIMARY/);
  });
});
