// The cases API (issue 13 §5, routes/cases.ts) on the real SQLite store: roles enforced by the
// API (an auditor reads, changes nothing), a case worked from 预报 to 结案 over HTTP with each
// refusal answered with its code in the person's language, and every change an audit row.
import { v7 as uuidv7 } from 'uuid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CaseDetail } from '../../../src/console/store/types.js';
import { verifyAudit } from '../../../src/core/console/audit.js';
import { AgentLog } from '../../console/store.suite.js';
import { call, type Login, login, staff } from '../../helpers/console-app.js';
import { makeRealConsole, type RealHarness } from '../../helpers/real-console-app.js';

describe('cases API', () => {
  let h: RealHarness;
  let who: { admin: Login; analyst: Login; auditor: Login };
  let alertIds: number[];
  const agent = uuidv7();

  beforeEach(async () => {
    h = await makeRealConsole();
    who = await staff(h);
    await h.real.createAgent({
      id: agent,
      publicKey: 'k',
      exceptionSecret: 's',
      host: 'ws-01',
      os: 'linux',
      group: 'finance',
      enrolledAt: 1,
    });
    const log = new AgentLog('ws-<img src=x onerror=alert(1)>');
    log.many(6);
    // Two gaps: two sync.gap alerts.
    await h.real.ingest(agent, [log.events[0]!, log.events[2]!], h.clock.now);
    await h.real.ingest(agent, [log.events[4]!], h.clock.now);
    alertIds = (await h.real.listAlerts({ limit: 10 })).map((a) => a.id).sort((a, b) => a - b);
    expect(alertIds).toHaveLength(2);
  });
  afterEach(async () => {
    await h.close();
  });

  it('an auditor reads and is refused every change (403 in the API, not only hidden in a UI); an analyst works a case from 预报 to 结案', async () => {
    const open = { title: '<script>alert(1)</script> 外发', alertIds: [alertIds[0]] };
    const refused = await call(h, who.auditor, 'POST', '/api/v1/cases', open);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: 'CONSOLE_FORBIDDEN' });

    const made = await call(h, who.analyst, 'POST', '/api/v1/cases', {
      ...open,
      assignee: 'ana',
    });
    expect(made.statusCode, made.body).toBe(200);
    const c = made.json<CaseDetail>();
    expect(c).toMatchObject({ title: open.title, stage: '预报', assignee: 'ana' });
    const url = `/api/v1/cases/${c.id}`;

    for (const [path, body] of [
      ['stage', { stage: '调查', note: 'n' }],
      ['notes', { text: 'n' }],
      ['assign', { assignee: null }],
      ['alerts', { alertIds: [alertIds[1]] }],
      ['events', { events: [{ agentId: agent, seq: 1 }] }],
    ] as const) {
      const r = await call(h, who.auditor, 'POST', `${url}/${path}`, body);
      expect([path, r.statusCode]).toEqual([path, 403]);
    }
    const read = await call(h, who.auditor, 'GET', url);
    expect(read.statusCode).toBe(200);
    expect(read.json<CaseDetail>().entries).toHaveLength(1);

    const step = (path: string, body: object, as = who.analyst) =>
      call(h, as, 'POST', `${url}/${path}`, body);
    expect((await step('stage', { stage: '调查', note: '开始调查' })).json()).toMatchObject({
      stage: '调查',
    });
    expect((await step('alerts', { alertIds: [alertIds[1]] })).json<CaseDetail>().alertIds).toEqual(
      alertIds,
    );
    expect(
      (await step('events', { events: [{ agentId: agent, seq: 3 }] })).json<CaseDetail>().events,
    ).toEqual([{ agentId: agent, seq: 3 }]);
    const missing = await step('events', { events: [{ agentId: agent, seq: 99 }] });
    expect([missing.statusCode, missing.json().error]).toEqual([404, 'CONSOLE_NOT_FOUND']);
    expect(missing.json().message).toBe(`No event with the id ${agent}:99.`);

    // Refusals, each with its code, in Chinese when asked for.
    const zh = await h.app.inject({
      method: 'POST',
      url: `${url}/stage`,
      headers: { ...who.analyst.headers, 'accept-language': 'zh-CN,zh;q=0.9' },
      payload: { stage: '初步评估', note: '评估' },
    });
    expect([zh.statusCode, zh.json().error]).toEqual([400, 'CONSOLE_CASE_NEEDS_SEVERITY']);
    expect(zh.json().message).toContain('初步评估');
    const alone = await call(h, who.analyst, 'POST', `/api/v1/alerts/${alertIds[0]}/state`, {
      state: '结案',
      note: 'x',
    });
    expect([alone.statusCode, alone.json().error]).toEqual([409, 'CONSOLE_ALERT_IN_CASE']);
    const bad = await step('stage', { stage: '预报', note: 'x' });
    expect([bad.statusCode, bad.json().error]).toEqual([409, 'CONSOLE_CASE_BAD_TRANSITION']);
    const typo = await step('stage', { stage: '初步评估', note: 'x', severty: 'low' });
    expect(typo.statusCode).toBe(400);

    expect(
      (await step('stage', { stage: '初步评估', note: '误报可能性低', severity: 'medium' })).json(),
    ).toMatchObject({ stage: '初步评估', severity: 'medium' });
    const noOutcome = await step('stage', { stage: '处置', note: 'x' });
    expect(noOutcome.json().error).toBe('CONSOLE_CASE_NEEDS_OUTCOME');
    expect(
      (await step('stage', { stage: '处置', note: '已处理', outcome: '约谈；收回介质' })).json(),
    ).toMatchObject({ stage: '处置', outcome: '约谈；收回介质' });
    const closed = await step('stage', { stage: '结案', note: '结案' }, who.admin);
    expect(closed.json<CaseDetail>()).toMatchObject({ stage: '结案', dueAt: null });
    expect(closed.json<CaseDetail>().alerts.map((a) => a.state)).toEqual(['结案', '结案']);
    const late = await step('assign', { assignee: 'ana' });
    expect([late.statusCode, late.json().error]).toEqual([409, 'CONSOLE_CASE_CLOSED']);
    expect((await step('notes', { text: '归档' })).statusCode).toBe(200);

    // Lists: by stage, overdue (none: just worked), paging.
    const list = await call(h, who.auditor, 'GET', '/api/v1/cases?stage=结案');
    expect(list.json()).toMatchObject({ cases: [{ id: c.id, alertIds }], next: null });
    const overdue = await call(h, who.auditor, 'GET', '/api/v1/cases?overdue=true');
    expect(overdue.json().cases).toEqual([]);
    expect((await call(h, who.auditor, 'GET', '/api/v1/cases/999')).statusCode).toBe(404);
    expect((await call(h, who.auditor, 'GET', '/api/v1/cases/0')).statusCode).toBe(400);

    // Every change one audit row naming the case, from the person who made it; one chain.
    const trail = await h.real.listAudit({ limit: 100 });
    const rows = trail.filter((r) => r.target === `case:${c.id}`);
    expect(rows.map((r) => [r.actor, r.action])).toEqual([
      ['ana', 'case.opened'],
      ['ana', 'case.changed'],
      ['ana', 'case.changed'],
      ['ana', 'case.changed'],
      ['ana', 'case.changed'],
      ['ana', 'case.changed'],
      ['ada', 'case.changed'],
      ['ana', 'case.changed'],
    ]);
    expect(rows[1]!.details).toMatchObject({ kind: 'stage', stage: '调查', from: '预报' });
    expect(verifyAudit(trail, await h.real.auditHead()).ok).toBe(true);
  });

  it('an overdue case is listed as overdue once its stage is past its time', async () => {
    const made = await call(h, who.analyst, 'POST', '/api/v1/cases', {
      title: 't',
      alertIds,
    });
    const c = made.json<CaseDetail>();
    expect(c.dueAt).toBe(h.clock.now + 24 * 3_600_000);
    h.clock.now += 24 * 3_600_000 + 1;
    who.analyst = await login(h, 'ana'); // the morning's session has ended
    const overdue = await call(h, who.analyst, 'GET', '/api/v1/cases?overdue=true');
    expect(overdue.json().cases.map((x: { id: number }) => x.id)).toEqual([c.id]);
    const taken = await call(h, who.analyst, 'POST', '/api/v1/cases', {
      title: 'again',
      alertIds: [alertIds[1]],
    });
    expect([taken.statusCode, taken.json().error]).toEqual([409, 'CONSOLE_CASE_ALERT_TAKEN']);
  });
});
