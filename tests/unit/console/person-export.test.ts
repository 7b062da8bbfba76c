// The per-person export's pure parts (core/console/person-export.ts: CSV cells that round-trip
// and defuse formulas, a streaming RFC 4180 reader, the JSON framing) and the route's failure
// modes on the memory twin: no audit row, nothing sent; a store failing mid-stream, a file
// without its last line (and the audit row stands).
import { afterEach, describe, expect, it } from 'vitest';
import type { PersonExportReader } from '../../../src/console/store/types.js';
import {
  CSV_COLUMNS,
  CsvReader,
  countsOf,
  csvCell,
  csvEndCounts,
  csvEndRow,
  decodeCsvCell,
  isJsonRecordLine,
  jsonTail,
  jsonTailCounts,
} from '../../../src/core/console/person-export.js';
import {
  call,
  enroll,
  enrollmentToken,
  type Harness,
  makeConsole,
  nextEvents,
  staff,
  sync,
  syncBody,
} from '../../helpers/console-app.js';

describe('CSV cells', () => {
  const cases = [
    'plain',
    '',
    '=1+1',
    '+1',
    '-1',
    '@x',
    '\tx',
    '\rx',
    "'x",
    "''=x",
    '＝1',
    '＋1',
    '－1',
    '＠x',
    'a,b',
    'say "hi"',
    'two\nlines',
    'cr\r\nlf',
    '机密 文件 👀',
    ' =not first',
  ];
  it('round-trip through the reader exactly, null and empty kept apart', () => {
    const line = `${[...cases.map((c) => csvCell(c)), csvCell(null), csvCell(7), csvCell(true)].join(',')}\r\n`;
    const r = new CsvReader();
    // Fed one character at a time: a record never depends on where a chunk ends.
    const got = [...line].flatMap((ch) => r.push(ch)).concat(r.end());
    expect(got).toHaveLength(1);
    expect(got[0]!.map(decodeCsvCell)).toEqual([...cases, null, '7', 'true']);
  });

  it('never start with what a spreadsheet runs', () => {
    for (const c of cases) expect(csvCell(c)).not.toMatch(/^"?[=+\-@\t\r＝＋－＠]/);
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-3')).toBe("'-3");
    expect(csvCell('ok')).toBe('ok');
  });

  it('the reader takes a BOM, CRLF or LF, a last line without a break; refuses an open quote', () => {
    const r = new CsvReader();
    expect(r.push('\ufeffa,b\r\n"x\r\ny",\n1,2')).toEqual([
      ['a', 'b'],
      ['x\r\ny', null],
    ]);
    expect(r.end()).toEqual([['1', '2']]);
    expect(new CsvReader().end()).toEqual([]);
    const open = new CsvReader();
    open.push('"never closed');
    expect(() => open.end()).toThrow(/inside a quoted field/);
  });

  it('the end row and the JSON tail carry the counts; anything else is not an end', () => {
    const counts = countsOf({ events: 3, requests: 1, alerts: 2, cases: 4 });
    expect(counts).toEqual({ events: 3, requests: 1, alerts: 2, cases: 4, rows: 10 });
    const r = new CsvReader();
    const [end] = r.push(csvEndRow(counts));
    expect(end).toHaveLength(CSV_COLUMNS.length);
    expect(csvEndCounts(end!)).toEqual(counts);
    expect(csvEndCounts(['event', ...end!.slice(1)])).toBeNull();
    expect(csvEndCounts(['end'])).toBeNull();
    const tail = jsonTail(counts).trimEnd().split('\n');
    expect(jsonTailCounts(tail.at(-1)!)).toEqual(counts);
    expect(jsonTailCounts('"counts":{"rows":')).toBeNull();
    expect(jsonTailCounts(',{"id":1}')).toBeNull();
    expect(isJsonRecordLine('{"id":1}', 1)).toBe(true);
    expect(isJsonRecordLine(',{"id":1}', 5)).toBe(true);
    expect(isJsonRecordLine('{"format":1,', 0)).toBe(false);
    expect(isJsonRecordLine('"events":[', 1)).toBe(false);
  });
});

describe('the export route when the store fails', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.app.close();
  });

  async function withEvents(n: number) {
    h = makeConsole();
    const s = await staff(h);
    const t = await enrollmentToken(h, s.admin);
    const a = await enroll(h, t.token);
    for (let i = 0; i < n; i += 500) {
      const batch = nextEvents(
        a,
        h.clock.now,
        Array.from({ length: Math.min(500, n - i) }, () => ({ type: 'file.created', user: 'li' })),
      );
      expect((await sync(h, a, syncBody(a, batch))).statusCode).toBe(200);
    }
    return s;
  }

  it('no audit row, no export: nothing of the person is sent', async () => {
    const s = await withEvents(3);
    let closed = 0;
    const open = h.store.openPersonExport.bind(h.store);
    h.store.openPersonExport = async (u) => {
      const r = await open(u);
      return { ...r, close: async () => void closed++ };
    };
    h.store.auditDown = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const before = h.store.audit.length;
    const r = await call(h, s.admin, 'GET', '/api/v1/people/li/export');
    expect(r.statusCode).toBe(503);
    expect(r.json()).toMatchObject({ error: 'CONSOLE_DB_UNAVAILABLE' });
    expect(r.body).not.toContain('file.created');
    expect(h.store.audit.length).toBe(before);
    expect(closed).toBe(1);
  });

  it('a store failing mid-stream cuts the file before its counts; the failure is logged, the audit row stands', async () => {
    const s = await withEvents(1500);
    let closed = 0;
    const open = h.store.openPersonExport.bind(h.store);
    h.store.openPersonExport = async (u): Promise<PersonExportReader> => {
      const r = await open(u);
      let pages = 0;
      return {
        ...r,
        events: async (after, n) => {
          if (++pages === 2)
            throw Object.assign(new Error('Connection terminated'), { code: 'ECONNRESET' });
          return r.events(after, n);
        },
        close: async () => void closed++,
      };
    };
    const before = h.store.audit.length;
    const r = await call(h, s.auditor, 'GET', '/api/v1/people/li/export?format=csv').catch(
      (e: unknown) => e,
    );
    // The answer was a 200 whose body the server cut: the client never gets the last line.
    expect(r).toBeInstanceOf(Error);
    expect(String(r)).toMatch(/destroyed before completion/);
    expect(h.store.audit.slice(before).map((a) => a.action)).toEqual(['person.exported']);
    expect(h.logs()).toMatch(/person export failed while streaming/);
    expect(closed).toBe(1);
  });
});
