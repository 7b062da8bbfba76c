import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../../src/agent/store/migrations/index.js';

describe('migration 002 (folder snapshot)', () => {
  it('applies on an empty database after 001', () => {
    const db = new Database(':memory:');
    expect(migrate(db, 2)).toEqual([1, 2]);
    expect(schemaVersion(db)).toBe(2);
    db.prepare("INSERT INTO folder_roots VALUES ('/srv/f', 1)").run();
    db.prepare(
      "INSERT INTO folder_snapshot VALUES ('/srv/f', 'a/报表.xlsx', 'file', 7, 10, 1.5, 0, NULL)",
    ).run();
    expect(db.prepare('SELECT rel, btime_ms FROM folder_snapshot').get()).toEqual({
      rel: 'a/报表.xlsx',
      btime_ms: null,
    });
  });

  it('upgrades a version-1 database and keeps its events', () => {
    const db = new Database(':memory:');
    migrate(db, 1);
    db.prepare(
      `INSERT INTO events (seq, id, ts, type, severity, host, data, prev_hash, hash)
       VALUES (1, 'x', 5, 'agent.started', 'info', 'h', '{}', 'p', 'h1')`,
    ).run();
    expect(migrate(db, 2)).toEqual([2]);
    expect(db.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT count(*) AS n FROM folder_snapshot').get()).toEqual({ n: 0 });
  });

  it('refuses a duplicate (root, rel)', () => {
    const db = new Database(':memory:');
    migrate(db, 2);
    const ins = db.prepare(
      "INSERT INTO folder_snapshot VALUES ('/r', 'x', 'file', 1, 1, 1, NULL, NULL)",
    );
    ins.run();
    expect(() => ins.run()).toThrow(/UNIQUE|PRIMARY/);
  });
});
