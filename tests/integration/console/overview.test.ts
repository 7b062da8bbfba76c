// GET /api/v1/overview on a real console app over a real SQLite store: the fleet's states, USB
// not enforced by reason, the backlog, alerts at 预报, events per hour and type equal to the
// events stored, the most idle minutes; one answer per 15 s per query; bad input refused.
import { afterEach, describe, expect, it } from 'vitest';
import { CACHE_MS } from '../../../src/console/server/routes/overview.js';
import { countDeltas, HOUR_MS, type OverviewView } from '../../../src/core/console/overview.js';
import { AgentLog, HOSTILE } from '../../console/store.suite.js';
import { call, staff } from '../../helpers/console-app.js';
import { makeRealConsole, type RealHarness } from '../../helpers/real-console-app.js';

const open: RealHarness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

const DAY = 86_400_000;

describe('GET /api/v1/overview', () => {
  it('says what the fleet and its events are, from the store, in one answer', async () => {
    const h = await makeRealConsole();
    open.push(h);
    const s = await staff(h);
    const now = h.clock.now;
    const ids = ['a1', 'a2', 'a3', 'a4', 'a5'];
    for (const id of ids)
      await h.real.createAgent({
        id,
        publicKey: 'k',
        exceptionSecret: 's',
        host: id,
        os: 'linux',
        group: id === 'a5' ? HOSTILE[2]! : 'finance',
        enrolledAt: now - 10 * DAY,
      });
    // a1 online, enforcing; a2 online, not enforcing (no udev), 40 waiting; a3 silent, not
    // enforcing (no udev); a4 never seen; a5 revoked.
    await h.real.flushLastSeen([
      { agentId: 'a1', at: now - 1000, heartbeat: { usbEnforcing: true, eventsWaiting: 0 } },
      {
        agentId: 'a2',
        at: now - 1000,
        heartbeat: { usbEnforcing: false, usbReason: 'no-udev', eventsWaiting: 40 },
      },
      { agentId: 'a3', at: now - DAY, heartbeat: { usbEnforcing: false, usbReason: 'no-udev' } },
    ]);
    await h.real.revokeAgent('a5', now);
    const log = new AgentLog('a1', now - 3 * DAY);
    for (let i = 0; i < 200; i++)
      log.add({ ts: now - 3 * DAY + i * 1_500_000, type: i % 5 ? 'file.modified' : 'usb.blocked' });
    log.add({ ts: now - 30 * DAY, type: 'usb.blocked' }); // before the window
    const today = new Date(now).toISOString().slice(0, 10);
    log.add({
      ts: now - 60_000,
      type: 'idle.exposure',
      user: '张三',
      data: { date: today, minutes: 25, final: false },
    });
    log.add({
      ts: now - 1000,
      type: 'alert.raised',
      severity: 'critical',
      data: { rule: { index: 0 } },
    });
    await h.real.ingest('a1', log.events, now);

    const r = await call(h, s.auditor, 'GET', '/api/v1/overview');
    expect(r.statusCode, r.body).toBe(200);
    const v = JSON.parse(r.body) as OverviewView;
    expect(v.agents).toEqual({ online: 2, silent: 1, never: 1, revoked: 1 });
    expect(v.notEnforcing).toEqual([{ reason: 'no-udev', agents: 2 }]);
    expect(v.backlog).toEqual({ events: 40, agents: 1 });
    expect(v.newAlerts).toEqual([{ severity: 'critical', n: 1 }]);
    const sinceHour = Math.floor((now - 14 * DAY) / HOUR_MS);
    expect(v.since).toBe(now - 14 * DAY);
    expect(v.counts).toEqual(
      countDeltas(log.events)
        .filter((c) => c.hour >= sinceHour)
        .sort((a, b) => a.hour - b.hour || (a.type < b.type ? -1 : 1)),
    );
    expect(v.counts.reduce((n, c) => n + c.n, 0)).toBe(log.events.length - 1);
    expect(v.idleTop).toEqual([{ user: '张三', minutes: 25 }]);
    expect(v.policies).toEqual(await h.real.policyVersions());

    // Kept 15 s: more events are not in it until then, and are after.
    const more = new AgentLog('a1', now);
    more.events.push(...log.events);
    more.add({ ts: now - 500, type: 'usb.blocked' });
    await h.real.ingest('a1', more.events.slice(-1), now);
    h.clock.now += 1000;
    const kept = JSON.parse(
      (await call(h, s.analyst, 'GET', '/api/v1/overview')).body,
    ) as OverviewView;
    expect(kept.at).toBe(v.at);
    h.clock.now += CACHE_MS;
    const fresh = JSON.parse(
      (await call(h, s.analyst, 'GET', '/api/v1/overview')).body,
    ) as OverviewView;
    expect(fresh.counts.reduce((n, c) => n + c.n, 0)).toBe(log.events.length);

    // A week from a date the page gives, a window the page gives.
    const narrow = JSON.parse(
      (await call(h, s.admin, 'GET', `/api/v1/overview?since=${now - DAY}&idleSince=2099-01-01`))
        .body,
    ) as OverviewView;
    expect(narrow.idleTop).toEqual([]);
    expect(narrow.counts.every((c) => c.hour >= Math.floor((now - DAY) / HOUR_MS))).toBe(true);

    for (const bad of [
      'idleSince=yesterday',
      'idleSince=2027-13-45',
      `since=${now - 200 * DAY}`,
      `since=${now + DAY}`,
      'since=-1',
      'other=1',
    ])
      expect((await call(h, s.admin, 'GET', `/api/v1/overview?${bad}`)).statusCode, bad).toBe(400);
    expect((await call(h, null, 'GET', '/api/v1/overview')).statusCode).toBe(401);
  });
});
