// GET /api/v1/reports/departments on a real console app over a real SQLite store: groups added
// up per department (a group with no department is the row `null`), agents and those not
// reporting, the CSV holding exactly the JSON's numbers, bad periods refused.
import { afterEach, describe, expect, it } from 'vitest';
import { REPORT_CSV_COLUMNS, type ReportView } from '../../../src/core/console/reports.js';
import { CsvReader, decodeCsvCell } from '../../../src/core/csv.js';
import { AgentLog, agentInput } from '../../console/store.suite.js';
import { call, staff } from '../../helpers/console-app.js';
import { makeRealConsole, type RealHarness } from '../../helpers/real-console-app.js';

const open: RealHarness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

const DAY = 86_400_000;

describe('GET /api/v1/reports/departments', () => {
  it('adds the groups up per department, says who is not reporting, and exports the same as CSV', async () => {
    const h = await makeRealConsole();
    open.push(h);
    const s = await staff(h);
    const now = h.clock.now;
    await h.real.upsertGroup({ name: 'fin-a', department: '财务部', personnelClass: null });
    await h.real.upsertGroup({ name: 'fin-b', department: '财务部', personnelClass: '核心' });
    await h.real.upsertGroup({ name: 'rd', department: '=HYPERLINK("x")', personnelClass: null });
    for (const [id, group] of [
      ['a1', 'fin-a'],
      ['a2', 'fin-b'],
      ['a3', 'fin-b'],
      ['a4', 'rd'],
      ['a5', 'loose'],
      ['a6', 'rd'],
    ] as const)
      await h.real.createAgent(agentInput(id, group, now - 10 * DAY));
    // a1 and a4 online, a2 silent, a3 and a5 never seen, a6 revoked.
    await h.real.flushLastSeen([
      { agentId: 'a1', at: now - 1000, heartbeat: {} },
      { agentId: 'a4', at: now - 1000, heartbeat: {} },
      { agentId: 'a2', at: now - 2 * DAY, heartbeat: {} },
    ]);
    await h.real.revokeAgent('a6', now);
    for (const [id, n] of [
      ['a1', 2],
      ['a2', 3],
      ['a5', 1],
    ] as const) {
      const log = new AgentLog(id);
      for (let i = 0; i < n; i++) log.add({ ts: now - DAY + i, type: 'usb.blocked' });
      await h.real.ingest(id, log.events, now);
    }

    const q = `from=${now - 7 * DAY}&to=${now + 1}`;
    const r = await call(h, s.auditor, 'GET', `/api/v1/reports/departments?${q}`);
    expect(r.statusCode, r.body).toBe(200);
    const v = JSON.parse(r.body) as ReportView;
    expect(
      v.departments.map((d) => [d.department, d.groups, d.agents, d.notReporting, d.blockedPlugs]),
    ).toEqual([
      ['=HYPERLINK("x")', ['rd'], 1, 0, 0],
      ['财务部', ['fin-a', 'fin-b'], 3, 2, 5],
      [null, ['loose'], 1, 1, 1],
    ]);
    expect(v.fromDate).toBe(new Date(now - 7 * DAY).toISOString().slice(0, 10));

    const csv = await call(h, s.analyst, 'GET', `/api/v1/reports/departments?${q}&format=csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="baomi-report-/);
    const [header, ...rows] = [...new CsvReader().push(csv.body.replace(/^\uFEFF/, ''))];
    expect(header).toEqual([...REPORT_CSV_COLUMNS]);
    const col = (row: (string | null)[], k: (typeof REPORT_CSV_COLUMNS)[number]) =>
      decodeCsvCell(row[REPORT_CSV_COLUMNS.indexOf(k)] ?? null);
    expect(rows.map((x) => [col(x, 'department'), col(x, 'usb_blocked')])).toEqual(
      v.departments.map((d) => [d.department, String(d.blockedPlugs)]),
    );
    // A department named like a formula is written so a spreadsheet shows it, never runs it.
    expect(rows[0]![REPORT_CSV_COLUMNS.indexOf('department')]).toBe(`'=HYPERLINK("x")`);

    for (const bad of [
      '',
      `from=${now}`,
      `from=${now}&to=${now}`,
      `from=${now}&to=${now + 94 * DAY}`,
      `${q}&fromDate=2027-1-1`,
      `${q}&fromDate=2027-01-09&toDate=2027-01-02`,
      `${q}&format=xlsx`,
    ])
      expect(
        (await call(h, s.admin, 'GET', `/api/v1/reports/departments?${bad}`)).statusCode,
        bad,
      ).toBe(400);
    expect((await call(h, null, 'GET', `/api/v1/reports/departments?${q}`)).statusCode).toBe(401);
  });
});
