// GET /api/v1/events/export on a real console app over a real SQLite store: exactly the
// events `GET /api/v1/events` pages out for the same filter (across several export pages),
// the CSV read back equal to the JSON lines, formulas defused, one audit row per export
// before the first byte, bad filters refused with nothing audited, and a store that fails
// mid-stream cutting the download instead of ending it cleanly.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { EXPORT_PAGE } from '../../../src/console/server/routes/events-export.js';
import type { ConsoleStore, StoredEvent } from '../../../src/console/store/types.js';
import { EVENT_CSV_COLUMNS, ExportCounter } from '../../../src/core/console/events-export.js';
import { CsvReader, decodeCsvCell } from '../../../src/core/csv.js';
import { AgentLog, HOSTILE } from '../../console/store.suite.js';
import { call, staff } from '../../helpers/console-app.js';
import { makeRealConsole, type RealHarness } from '../../helpers/real-console-app.js';

const open: RealHarness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

const FORMULAS = ['=HYPERLINK("http://evil.example","x")', '+1', '-2+3', '@SUM(1)', '＝1'];
const N = 2 * EXPORT_PAGE + 345;

async function seeded(wrap?: (s: ConsoleStore) => ConsoleStore) {
  const h = await makeRealConsole({ limits: { perIp: 100_000 }, ...(wrap ? { wrap } : {}) });
  open.push(h);
  const s = await staff(h);
  for (const [id, host] of [
    ['agent-1', FORMULAS[3]!],
    ['agent-2', `"><script>alert(2)</script>`],
  ])
    await h.real.createAgent({
      id: id!,
      publicKey: 'k',
      exceptionSecret: 's',
      host: host!,
      os: 'linux',
      group: 'finance',
      enrolledAt: 1,
    });
  const l1 = new AgentLog(FORMULAS[3]!);
  const l2 = new AgentLog(`"><script>alert(2)</script>`, 1_700_000_000_500);
  for (let i = 0; i < N; i++)
    (i % 2 ? l2 : l1).add({
      user: i % 7 === 0 ? `张三 ${FORMULAS[i % FORMULAS.length]}` : 'li.si',
      ...(i % 5 === 0 ? { level: 'AAA', severity: 'high' as const } : {}),
      data: {
        path: `/srv/${FORMULAS[i % FORMULAS.length]}/${HOSTILE[i % HOSTILE.length]}\r\n<img src=x onerror=alert(1)>.xlsx`,
        size: i,
      },
    });
  // Far future and 1970: stored, and exported like any other.
  l1.add({ ts: 32_503_680_000_000, data: { path: '/future' } });
  l2.add({ ts: 0, data: { path: '/epoch' } });
  await h.real.ingest('agent-1', l1.events, 1_800_000_000_000);
  await h.real.ingest('agent-2', l2.events, 1_800_000_000_001);
  return { h, s };
}

/** Every event the API pages out for `query`, oldest first. */
async function paged(h: RealHarness, as: Parameters<typeof call>[1], query: string) {
  const out: StoredEvent[] = [];
  for (let after = ''; ; ) {
    const r = await call(
      h,
      as,
      'GET',
      `/api/v1/events?order=asc&limit=1000${query ? `&${query}` : ''}${after ? `&after=${after}` : ''}`,
    );
    expect(r.statusCode).toBe(200);
    const page = JSON.parse(r.body) as { events: StoredEvent[]; next: string | null };
    out.push(...page.events);
    if (page.next === null) return out;
    after = page.next;
  }
}

function fromCsv(text: string): StoredEvent[] {
  const reader = new CsvReader();
  const [header, ...rows] = [...reader.push(text), ...reader.end()];
  expect(header).toEqual([...EVENT_CSV_COLUMNS]);
  return rows.map((r) => {
    expect(r).toHaveLength(EVENT_CSV_COLUMNS.length);
    const c = Object.fromEntries(
      EVENT_CSV_COLUMNS.map((k, i) => [k, decodeCsvCell(r[i] ?? null)]),
    ) as Record<(typeof EVENT_CSV_COLUMNS)[number], string | null>;
    if (c.ts !== '0' && c.ts !== '32503680000000')
      expect(c.time).toBe(new Date(Number(c.ts)).toISOString());
    return {
      id: c.id!,
      seq: Number(c.seq),
      ts: Number(c.ts),
      type: c.type as StoredEvent['type'],
      severity: c.severity as StoredEvent['severity'],
      host: c.host!,
      data: JSON.parse(c.data!),
      prevHash: c.prev_hash!,
      hash: c.hash!,
      ...(c.level === null ? {} : { level: c.level }),
      ...(c.user === null ? {} : { user: c.user }),
      agentId: c.agent_id!,
      receivedAt: Number(c.received_at),
    };
  });
}

const byKey = (e: StoredEvent) => `${e.agentId}:${e.seq}`;

describe('GET /api/v1/events/export', () => {
  it('CSV and JSON lines hold exactly what the API pages out for the same filter', async () => {
    const { h, s } = await seeded();
    for (const query of [
      '',
      'severity=high&level=AAA',
      `user=${encodeURIComponent(`张三 ${FORMULAS[0]}`)}`,
    ]) {
      const want = await paged(h, s.analyst, query);
      expect(want.length).toBeGreaterThan(query ? 50 : N);

      const json = await call(h, s.analyst, 'GET', `/api/v1/events/export?format=json&${query}`);
      expect(json.statusCode, json.body.slice(0, 300)).toBe(200);
      expect(json.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
      expect(json.headers['content-disposition']).toMatch(
        /^attachment; filename="baomi-events-[0-9TZ-]+\.jsonl"$/,
      );
      const lines = json.body.split('\n');
      expect(lines.pop()).toBe('');
      expect(lines.map((l) => JSON.parse(l) as StoredEvent)).toEqual(want);
      expect(new ExportCounter('json').add(json.body)).toBe(want.length);

      const csv = await call(h, s.auditor, 'GET', `/api/v1/events/export?${query}`);
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(csv.body.startsWith(`\ufeff${EVENT_CSV_COLUMNS.join(',')}\r\n`)).toBe(true);
      expect(fromCsv(csv.body).map(byKey)).toEqual(want.map(byKey));
      expect(fromCsv(csv.body)).toEqual(want);
      // Counted chunk by chunk (cells holding CR LF are quoted), as the web UI counts.
      const counter = new ExportCounter('csv');
      for (let i = 0; i < csv.body.length; i += 4093) counter.add(csv.body.slice(i, i + 4093));
      expect(counter.rows).toBe(want.length);
      // No cell a spreadsheet would run as a formula.
      const cells = [...new CsvReader().push(csv.body)].flat();
      expect(cells.filter((c) => c !== null && /^[=+\-@\t\r\uff1d]/.test(c))).toEqual([]);
    }
  });

  it('one events.exported audit row per export, before the first byte; bad filters refused, nothing audited', async () => {
    const { h, s } = await seeded();
    const trail = () => h.real.listAudit({ limit: 1000 });
    const before = (await trail()).length;
    const r = await call(
      h,
      s.analyst,
      'GET',
      '/api/v1/events/export?format=csv&type=file.*&text=srv',
    );
    expect(r.statusCode).toBe(200);
    const rows = (await trail()).slice(before);
    expect(rows.map((a) => [a.action, a.actor, a.target, a.details])).toEqual([
      [
        'events.exported',
        'ana',
        'events',
        { format: 'csv', filter: { types: ['file.*'], text: 'srv' } },
      ],
    ]);
    expect(r.headers['x-baomi-audit-seq']).toBe(String(rows[0]!.seq));
    for (const bad of ['format=xml', 'level=TOP', 'since=yesterday', 'agent=nope', 'limit=5'])
      expect((await call(h, s.admin, 'GET', `/api/v1/events/export?${bad}`)).statusCode).toBe(400);
    expect((await call(h, null, 'GET', '/api/v1/events/export')).statusCode).toBe(401);
    expect((await trail()).length).toBe(before + 1);
  });

  it('a store that fails mid-stream cuts the download: the client sees an error, not an end', async () => {
    let calls = 0;
    const failing = (st: ConsoleStore): ConsoleStore =>
      new Proxy(st, {
        get(target, prop, receiver) {
          if (prop !== 'queryEvents') return Reflect.get(target, prop, receiver);
          return async (f: Parameters<ConsoleStore['queryEvents']>[0]) => {
            if (f.limit === EXPORT_PAGE && ++calls === 2) throw new Error('database went away');
            return target.queryEvents(f);
          };
        },
      });
    const { h, s } = await seeded(failing);
    const address = await h.app.listen({ port: 0, host: '127.0.0.1' });
    const outcome = await new Promise<{ status: number; bytes: number; how: string }>((resolve) => {
      const req = request(`${address}/api/v1/events/export?format=json`, {
        headers: { cookie: s.admin.cookie },
      });
      req.on('response', (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
        });
        res.on('end', () => resolve({ status: res.statusCode!, bytes, how: 'end' }));
        res.on('aborted', () => resolve({ status: res.statusCode!, bytes, how: 'aborted' }));
        res.on('error', () => resolve({ status: res.statusCode!, bytes, how: 'error' }));
      });
      req.on('error', () => resolve({ status: 0, bytes: 0, how: 'request error' }));
      req.end();
    });
    expect(outcome.status).toBe(200);
    expect(outcome.bytes).toBeGreaterThan(0); // the first page went out
    expect(outcome.how).not.toBe('end');
  });
});
