import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { m001Initial } from '../../../../src/agent/store/migrations/001-initial.js';
import { migrate, schemaVersion } from '../../../../src/agent/store/migrations/index.js';
import { readPolicy, writePolicy } from '../../../../src/agent/store/state.js';

function tables(db: Database.Database): string[] {
  return (
    db
      .prepare("SELECT name FROM sqlite_schema WHERE type IN ('table','index') ORDER BY name")
      .all() as {
      name: string;
    }[]
  ).map((r) => r.name);
}

describe('migration 001 (initial)', () => {
  it('applies on an empty database and records user_version 1', () => {
    const db = new Database(':memory:');
    expect(migrate(db, 1)).toEqual([1]);
    expect(schemaVersion(db)).toBe(1);
    expect(tables(db)).toEqual(
      expect.arrayContaining(['events', 'state', 'events_ts', 'events_type']),
    );
  });

  it('keeps data when the migrations run again (upgrade from version 1 is a no-op for 001)', () => {
    const db = new Database(':memory:');
    migrate(db, 1);
    db.prepare(
      `INSERT INTO events (seq, id, ts, type, severity, host, data, prev_hash, hash)
       VALUES (1, 'x', 5, 'agent.started', 'info', 'h', '{}', 'p', 'h1')`,
    ).run();
    writePolicy(db, {
      bytes: Buffer.from('v: 1'),
      signature: Buffer.alloc(64, 7),
      version: 3,
      sha256: 'ab',
    });
    migrate(db);
    expect(db.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 1 });
    expect(readPolicy(db)?.version).toBe(3);
    expect(readPolicy(db)?.signature.equals(Buffer.alloc(64, 7))).toBe(true);
  });

  it('rolls back together with user_version when a migration fails', () => {
    const db = new Database(':memory:');
    const broken = {
      version: 1,
      name: 'broken',
      up(d: Database.Database) {
        m001Initial.up(d);
        throw new Error('boom');
      },
    };
    expect(() => migrate(db, 1, [broken])).toThrow('boom');
    expect(schemaVersion(db)).toBe(0);
    expect(tables(db)).toEqual([]);
  });
});
