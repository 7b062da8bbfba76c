// Staff (admin, analyst) move an alert through its stages (预报 → 调查 → 初步评估 → 处置 → 结案,
// or back to 调查): POST /api/v1/alerts/:id/state, each change an alert.changed audit row.
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertRow } from '../../../src/console/store/types.js';
import {
  ALERT_STAGES,
  alertStageOf,
  alertTransitionAllowed,
} from '../../../src/core/console/alerts.js';
import { call, type Harness, type Login, makeConsole, staff } from '../../helpers/console-app.js';

let h: Harness;
afterEach(async () => {
  await h?.app.close();
});

async function setup() {
  h = makeConsole();
  const s = await staff(h);
  h.store.alerts.push({
    id: 1,
    agentId: null,
    ts: h.clock.now,
    type: 'sync.gap',
    severity: 'high',
    seq: 3,
    data: { from: 3, to: 3 },
    state: '预报',
  });
  return s;
}

const move = (as: Login | null, body: unknown, id: string | number = 1) =>
  call(h, as, 'POST', `/api/v1/alerts/${id}/state`, body);
const alert = () => h.store.alerts[0]!;

describe('alert stages (core)', () => {
  it('forward to any later stage, back to 调查 from any, nothing else', () => {
    const allowed = ALERT_STAGES.flatMap((from) =>
      ALERT_STAGES.filter((to) => alertTransitionAllowed(from, to)).map((to) => `${from}>${to}`),
    );
    expect(allowed).toEqual([
      '预报>调查',
      '预报>初步评估',
      '预报>处置',
      '预报>结案',
      '调查>初步评估',
      '调查>处置',
      '调查>结案',
      '初步评估>调查',
      '初步评估>处置',
      '初步评估>结案',
      '处置>调查',
      '处置>结案',
      '结案>调查',
    ]);
    expect(['closed', 'Investigating', '处置', 'open', ''].map(alertStageOf)).toEqual([
      '结案',
      '调查',
      '处置',
      null,
      null,
    ]);
  });
});

describe('POST /api/v1/alerts/:id/state', () => {
  it('an analyst moves an alert; the row keeps who, when and why; the audit row says from and to', async () => {
    const s = await setup();
    const r = await move(s.analyst, { state: '调查', note: '核实 check USB 日志' });
    expect(r.statusCode).toBe(200);
    expect(r.json<AlertRow>()).toMatchObject({
      id: 1,
      state: '调查',
      stateBy: 'ana',
      stateAt: h.clock.now,
      stateNote: '核实 check USB 日志',
    });
    expect(alert().state).toBe('调查');
    const rows = await h.store.listAudit({ limit: 100 });
    expect(rows.filter((a) => a.action === 'alert.changed')).toMatchObject([
      {
        actor: 'ana',
        target: '1',
        details: { from: '预报', to: '调查', note: '核实 check USB 日志' },
      },
    ]);
    // An admin closes it and re-opens it; the same stage again is no change and no row.
    expect((await move(s.admin, { state: '结案', note: '误报 false alarm' })).statusCode).toBe(200);
    expect((await move(s.admin, { state: '调查', note: 'reopen' })).statusCode).toBe(200);
    expect((await move(s.admin, { state: '调查', note: 'again' })).json<AlertRow>()).toMatchObject({
      state: '调查',
      stateNote: 'reopen',
    });
    expect(
      (await h.store.listAudit({ limit: 100 }))
        .filter((a) => a.action === 'alert.changed')
        .map((a) => `${a.details.from}>${a.details.to}`),
    ).toEqual(['预报>调查', '调查>结案', '结案>调查']);
  });

  it('a move back (other than to 调查) is 409 CONSOLE_ALERT_BAD_TRANSITION, in both languages, changing nothing', async () => {
    const s = await setup();
    expect((await move(s.admin, { state: '处置', note: 'n' })).statusCode).toBe(200);
    const before = await h.store.listAudit({ limit: 100 });
    for (const state of ['预报', '初步评估']) {
      const r = await move(s.admin, { state, note: 'n' });
      expect(r.statusCode).toBe(409);
      expect(r.json<{ error: string; message: string }>()).toMatchObject({
        error: 'CONSOLE_ALERT_BAD_TRANSITION',
        message: expect.stringContaining(`cannot move to ${state}`),
      });
    }
    const zh = await h.app.inject({
      method: 'POST',
      url: '/api/v1/alerts/1/state',
      headers: { ...s.admin.headers, 'accept-language': 'zh-CN' },
      payload: { state: '预报', note: 'n' },
    });
    expect(zh.statusCode).toBe(409);
    expect(zh.json<{ message: string }>().message).toContain('不能改为“预报”');
    expect(alert()).toMatchObject({ state: '处置', stateNote: 'n' });
    expect(await h.store.listAudit({ limit: 100 })).toEqual(before);
  });

  it('an auditor is 403, no session 401, a cookie session without its CSRF token 403', async () => {
    const s = await setup();
    const body = { state: '调查', note: 'n' };
    expect((await move(s.auditor, body)).statusCode).toBe(403);
    expect((await move(null, body)).statusCode).toBe(401);
    for (const headers of [
      { cookie: s.admin.cookie },
      { cookie: s.admin.cookie, 'x-csrf-token': `${s.admin.csrf}x` },
      { cookie: s.admin.cookie, 'x-csrf-token': s.analyst.csrf },
    ]) {
      const r = await h.app.inject({
        method: 'POST',
        url: '/api/v1/alerts/1/state',
        headers,
        payload: body,
      });
      expect(r.statusCode).toBe(403);
      expect(r.json<{ error: string }>().error).toBe('CONSOLE_CSRF');
    }
    expect(alert().state).toBe('预报');
    expect(
      (await h.store.listAudit({ limit: 100 })).some((a) => a.action === 'alert.changed'),
    ).toBe(false);
  });

  it('a bad body or id is 400; an unknown alert is 404', async () => {
    const s = await setup();
    for (const body of [
      { state: '调查' },
      { state: '调查', note: '' },
      { state: '调查', note: 'x'.repeat(2001) },
      { state: 'investigating', note: 'n' },
      { state: '调查', note: 'n', extra: 1 },
      { note: 'n' },
    ])
      expect((await move(s.admin, body)).statusCode).toBe(400);
    for (const id of ['0', 'abc', '-1', '1'.repeat(16)])
      expect((await move(s.admin, { state: '调查', note: 'n' }, id)).statusCode).toBe(400);
    const r = await move(s.admin, { state: '调查', note: 'n' }, 2);
    expect(r.statusCode).toBe(404);
    expect(r.json<{ error: string }>().error).toBe('CONSOLE_NOT_FOUND');
    expect((await move(s.admin, { state: '调查', note: 'x'.repeat(2000) })).statusCode).toBe(200);
  });
});

describe('GET /api/v1/alerts', () => {
  it('filters by exact types, repeated or comma-separated, newest first, a page at a time; a bad limit or page is 400', async () => {
    const s = await setup();
    const more = (id: number, type: string): AlertRow => ({ ...alert(), id, type, seq: null });
    h.store.alerts.push(more(2, 'agent.silent'), more(3, 'sync.chain-broken'), more(4, 'sync.gap'));
    const types = async (q: string) => {
      const r = await call(h, s.auditor, 'GET', `/api/v1/alerts${q}`);
      expect(r.statusCode, r.body).toBe(200);
      return r.json<{ alerts: AlertRow[] }>().alerts.map((a) => `${a.id} ${a.type}`);
    };
    const chain = ['4 sync.gap', '3 sync.chain-broken', '1 sync.gap'];
    expect(await types('?type=sync.gap,sync.chain-broken')).toEqual(chain);
    expect(await types('?type=sync.gap&type=sync.chain-broken')).toEqual(chain);
    expect(await types('?type=agent.silent')).toEqual(['2 agent.silent']);
    expect(await types('?type=sync.*')).toEqual([]);
    expect(await types('?type=sync.gap&limit=1')).toEqual(['4 sync.gap']);
    expect(await types('')).toHaveLength(4);
    // Paged by the last id: every alert once, and `next` null on the last page.
    const page1 = await call(h, s.auditor, 'GET', '/api/v1/alerts?limit=3');
    const p1 = page1.json<{ alerts: AlertRow[]; next: string | null }>();
    expect([p1.alerts.map((a) => a.id), p1.next]).toEqual([[4, 3, 2], '2']);
    const p2 = (await call(h, s.auditor, 'GET', `/api/v1/alerts?limit=3&before=${p1.next}`)).json<{
      alerts: AlertRow[];
      next: string | null;
    }>();
    expect([p2.alerts.map((a) => a.id), p2.next]).toEqual([[1], null]);
    for (const q of ['?limit=1001', '?limit=0', '?type=a%01b', '?before=0', '?before=x'])
      expect((await call(h, s.auditor, 'GET', `/api/v1/alerts${q}`)).statusCode).toBe(400);
  });
});
