// The engine-independent parts of the console datastore: the events cursor, the SQL of an
// events page (values only ever as parameters), and which driver errors mean "database away".
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../../src/console/store/cursor.js';
import {
  isPostgresUnavailable,
  isSqliteUnavailable,
  mapDbError,
} from '../../../src/console/store/errors.js';
import { eventPageQuery, likeLiteral, pageSize } from '../../../src/console/store/sql.js';
import { BaomiError } from '../../../src/core/errors.js';

describe('events cursor', () => {
  it('round-trips any key', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        fc.string({ maxLength: 200, unit: 'grapheme' }),
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        (ts, agentId, seq) => {
          const c = encodeCursor({ ts, agentId, seq });
          expect(c).toMatch(/^[A-Za-z0-9_-]*$/);
          expect(decodeCursor(c)).toEqual({ ts, agentId, seq });
        },
      ),
    );
  });

  it('refuses anything it did not make, as a bad-input error', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64url');
    for (const bad of [
      '',
      '!!',
      'a'.repeat(401),
      b64('[1,"a"]'),
      b64('[1,"a",2,3]'),
      b64('[-1,"a",2]'),
      b64('[1,"a",2.5]'),
      b64('[1,2,3]'),
      b64('["1","a",2]'),
      b64(`[1,"${'x'.repeat(201)}",2]`),
      b64('{"ts":1}'),
      b64('[1e300,"a",1]'),
      b64('not json'),
    ]) {
      let err: unknown;
      try {
        decodeCursor(bad);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(BaomiError);
      expect((err as BaomiError).code).toBe('CONSOLE_DB_BAD_CURSOR');
      expect((err as BaomiError).exit).toBe(2);
    }
  });
});

describe('events page SQL', () => {
  it('escapes LIKE wildcards and the escape character', () => {
    expect(likeLiteral('100%_a\\b')).toBe('100\\%\\_a\\\\b');
  });

  it('caps the page size', () => {
    expect(pageSize(0)).toBe(1);
    expect(pageSize(-5)).toBe(1);
    expect(pageSize(50.9)).toBe(50);
    expect(pageSize(10 ** 9)).toBe(10_000);
    expect(pageSize(Number.NaN)).toBe(1);
  });

  it('puts every filter value in a parameter, never in the SQL text', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 3 }),
        fc.constantFrom('sqlite' as const, 'postgres' as const),
        fc.constantFrom('asc' as const, 'desc' as const),
        (hostile, engine, order) => {
          const marker = `Z${hostile}Z`;
          const q = eventPageQuery(engine, {
            agentId: marker,
            user: marker,
            types: [marker, `${marker}*`],
            level: marker,
            severity: 'medium',
            since: 1,
            until: 2,
            text: marker,
            after: encodeCursor({ ts: 5, agentId: marker, seq: 7 }),
            order,
            limit: 20,
          });
          expect(q.sql).not.toContain(marker);
          const placeholders =
            engine === 'postgres'
              ? new Set(q.sql.match(/\$\d+/g)).size
              : (q.sql.match(/\?/g) ?? []).length;
          expect(placeholders).toBe(q.values.length);
          expect(q.values.at(-1)).toBe(21); // one more than the page: is there a next one?
          expect(q.sql).toContain(order === 'asc' ? '> (' : '< (');
        },
      ),
    );
  });

  it('bounds ts by the cursor as well, so a later page is an index range (and prunes partitions)', () => {
    const after = encodeCursor({ ts: 1234, agentId: 'a', seq: 9 });
    const desc = eventPageQuery('postgres', { agentId: 'a', after, limit: 5 });
    expect(desc.sql).toContain('ts <= $2 AND (ts, agent_id, seq) < ($3, $4, $5)');
    expect(desc.values).toEqual(['a', 1234, 1234, 'a', 9, 6]);
    const asc = eventPageQuery('sqlite', { after, order: 'asc', limit: 5 });
    expect(asc.sql).toContain('ts >= ? AND (ts, agent_id, seq) > (?, ?, ?)');
  });

  it('expands a level to it and the levels above on its scale, a severity likewise', () => {
    const q = eventPageQuery('postgres', { level: 'AA', severity: 'high', limit: 5 });
    expect(q.values.slice(0, 2)).toEqual(['AA', 'AAA']);
    expect(q.values.slice(2, 4)).toEqual(['high', 'critical']);
  });
});

describe('database away', () => {
  const err = (code: string | undefined, message = 'x') =>
    Object.assign(new Error(message), { code });

  it('PostgreSQL: refused, reset, terminated, class 08, shutdown, too many connections', () => {
    for (const c of [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      '57P01',
      '57P03',
      '08006',
      '08P01',
      '53300',
      '40P01',
    ])
      expect(isPostgresUnavailable(err(c)), c).toBe(true);
    expect(isPostgresUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isPostgresUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    for (const c of ['23505', '42P01', '22021', '42501', undefined])
      expect(isPostgresUnavailable(err(c, 'syntax error')), String(c)).toBe(false);
  });

  it('SQLite: busy, locked, full, I/O', () => {
    for (const c of [
      'SQLITE_BUSY',
      'SQLITE_BUSY_SNAPSHOT',
      'SQLITE_LOCKED',
      'SQLITE_FULL',
      'SQLITE_IOERR_WRITE',
    ])
      expect(isSqliteUnavailable(err(c)), c).toBe(true);
    for (const c of ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_ERROR', 'SQLITE_CORRUPT', undefined])
      expect(isSqliteUnavailable(err(c)), String(c)).toBe(false);
  });

  it('maps to the console codes and leaves other errors as they are', () => {
    const away = mapDbError('postgres', err('57P01', 'terminating connection'));
    expect(away).toMatchObject({
      code: 'CONSOLE_DB_UNAVAILABLE',
      params: { engine: 'postgres', reason: '57P01: terminating connection' },
    });
    expect(mapDbError('sqlite', err('SQLITE_CONSTRAINT_UNIQUE'))).toMatchObject({
      code: 'CONSOLE_DB_DUPLICATE',
    });
    const other = err('42P01');
    expect(mapDbError('postgres', other)).toBe(other);
    const mine = new BaomiError('CONSOLE_DB_UNKNOWN_AGENT', { agentId: 'a' });
    expect(mapDbError('postgres', mine)).toBe(mine);
  });
});
