// GET /metrics on a real console app (inject) over a real SQLite store: who may read it, that
// the numbers move as agents sync (ingest counters, fleet gauges, database timings), that
// route labels are patterns whatever ids are asked for, that the fleet is read at most every
// FLEET_CACHE_MS, and that two apps in one process count apart.
import { afterEach, describe, expect, it } from 'vitest';
import { FLEET_CACHE_MS } from '../../../src/console/server/metrics.js';
import {
  call,
  enroll,
  enrollmentToken,
  type Login,
  nextEvents,
  staff,
  sync,
  syncBody,
  type TestAgent,
} from '../../helpers/console-app.js';
import { makeRealConsole, type RealHarness } from '../../helpers/real-console-app.js';

const open: RealHarness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

async function setup() {
  const h = await makeRealConsole();
  open.push(h);
  const s = await staff(h);
  const t = await enrollmentToken(h, s.admin, { group: 'finance', uses: 5 });
  const a = await enroll(h, t.token, 'ws-01');
  const b = await enroll(h, t.token, 'ws-02');
  return { h, s, a, b, t };
}

/** The value of one series in the text exposition (undefined: no such series). */
function value(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries(
      [...(m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[4]);
  }
  return undefined;
}

async function scrape(h: RealHarness, as: Login | Record<string, string> | null) {
  const headers = as === null ? {} : 'headers' in as ? (as as Login).headers : as;
  const r = await h.app.inject({ method: 'GET', url: '/metrics', headers });
  return r;
}

async function syncWith(h: RealHarness, a: TestAgent, n: number, waiting: number) {
  const body = syncBody(
    a,
    nextEvents(
      a,
      h.clock.now,
      Array.from({ length: n }, (_, i) => ({ type: 'file.created', data: { path: `/srv/${i}` } })),
    ),
  );
  (body.heartbeat as { eventsWaiting: number }).eventsWaiting = waiting;
  const r = await sync(h, a, body);
  expect(r.statusCode, r.body).toBe(200);
}

describe('GET /metrics', () => {
  it('answers any member of staff (API token or session), and nobody else', async () => {
    const { h, s } = await setup();
    const none = await scrape(h, null);
    expect(none.statusCode).toBe(401);
    expect(none.body).not.toMatch(/baomi_console/);
    expect((await scrape(h, { authorization: 'Bearer bmt_not-a-token' })).statusCode).toBe(401);
    for (const who of [s.admin, s.analyst, s.auditor]) {
      const r = await scrape(h, who);
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    }
    // What Prometheus sends: a bearer token (here the auditor's).
    const made = await call(h, s.auditor, 'POST', '/api/v1/tokens', { name: 'prometheus' });
    const token = made.json<{ token: string }>().token;
    const r = await scrape(h, { authorization: `Bearer ${token}` });
    expect(r.statusCode).toBe(200);
    // The process's own metrics come with the app's.
    expect(value(r.body, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(r.body).toMatch(/^nodejs_heap_size_used_bytes \d+/m);
  });

  it('moves as agents sync: events, batches, database timings and, after the cache, the fleet', async () => {
    const { h, s, a, b, t } = await setup();
    const first = (await scrape(h, s.auditor)).body;
    expect(value(first, 'baomi_console_events_ingested_total')).toBe(0);
    expect(value(first, 'baomi_console_agents_enrolled')).toBe(2);
    expect(value(first, 'baomi_console_agents', { state: 'never' })).toBe(2);
    expect(value(first, 'baomi_console_agents', { state: 'online' })).toBe(0);

    await syncWith(h, a, 30, 40);
    await syncWith(h, b, 12, 2);
    await syncWith(h, b, 0, 0); // a heartbeat alone is a batch too
    // The same events again (a retry): duplicates, not new events.
    const again = syncBody(a, []);
    (again.heartbeat as { eventsWaiting: number }).eventsWaiting = 40;
    again.events = (await h.real.queryEvents({ agentId: a.id, order: 'asc', limit: 5 })).events.map(
      ({ agentId: _x, receivedAt: _y, ...e }) => e,
    ) as typeof again.events;
    expect((await sync(h, a, again)).statusCode).toBe(200);
    await h.app.baomi.flushLastSeen();

    const soon = (await scrape(h, s.auditor)).body;
    expect(value(soon, 'baomi_console_events_ingested_total')).toBe(42);
    expect(value(soon, 'baomi_console_events_duplicate_total')).toBe(5);
    expect(value(soon, 'baomi_console_ingest_batches_total')).toBe(4);
    expect(
      value(soon, 'baomi_console_db_call_duration_seconds_count', {
        method: 'syncRound',
        outcome: 'ok',
      }),
    ).toBe(4);
    expect(
      value(soon, 'baomi_console_http_requests_total', {
        route: '/api/v1/sync',
        method: 'POST',
        status: '200',
      }),
    ).toBe(4);
    // Read less than FLEET_CACHE_MS ago: the fleet figures are the cached ones.
    expect(value(soon, 'baomi_console_agents', { state: 'never' })).toBe(2);

    h.clock.now += FLEET_CACHE_MS;
    const later = (await scrape(h, s.auditor)).body;
    expect(value(later, 'baomi_console_agents', { state: 'online' })).toBe(2);
    expect(value(later, 'baomi_console_agents', { state: 'never' })).toBe(0);
    // The last heartbeats: a said 40 waiting, b's last said 0.
    expect(value(later, 'baomi_console_sync_backlog_events')).toBe(40);
    expect(value(later, 'baomi_console_fleet_figures_age_seconds')).toBe(0);
    expect(
      value(later, 'baomi_console_db_call_duration_seconds_count', { method: 'fleetSummary' }),
    ).toBe(2);

    // Silent after three intervals; a new agent that never syncs; a revoked one.
    const c = await enroll(h, t.token, 'ws-03');
    expect(c.id).toBeTruthy();
    expect((await call(h, s.admin, 'POST', `/api/v1/agents/${b.id}/revoke`)).statusCode).toBe(200);
    h.clock.now += 3 * 60_000 + 1;
    const end = (await scrape(h, s.auditor)).body;
    expect(value(end, 'baomi_console_agents', { state: 'silent' })).toBe(1);
    expect(value(end, 'baomi_console_agents', { state: 'never' })).toBe(1);
    expect(value(end, 'baomi_console_agents', { state: 'revoked' })).toBe(1);
    expect(value(end, 'baomi_console_agents_enrolled')).toBe(2);
  });

  it('labels requests by route pattern: ids and unknown paths do not make series', async () => {
    const { h, s } = await setup();
    const ids = Array.from(
      { length: 20 },
      (_, i) => `0190a3c0-0000-7000-8000-${String(i).padStart(12, '0')}`,
    );
    for (const id of ids) await call(h, s.admin, 'GET', `/api/v1/agents/${id}`);
    for (let i = 0; i < 20; i++) await call(h, s.admin, 'GET', `/no/such/path/${i}?x=${i}`);
    const text = (await scrape(h, s.admin)).body;
    for (const id of ids) expect(text).not.toContain(id);
    expect(text).not.toContain('/no/such');
    expect(
      value(text, 'baomi_console_http_requests_total', {
        route: '/api/v1/agents/:id',
        method: 'GET',
        status: '404',
      }),
    ).toBe(20);
    expect(
      value(text, 'baomi_console_http_requests_total', {
        route: 'unmatched',
        method: 'GET',
        status: '404',
      }),
    ).toBe(20);
    const routes = new Set(
      [...text.matchAll(/^baomi_console_http_requests_total\{[^}]*route="([^"]*)"/gm)].map(
        (m) => m[1],
      ),
    );
    // Login, tokens, enrollment, enroll, agents/:id, unmatched, metrics: no more.
    expect(routes.size).toBeLessThanOrEqual(8);
    expect(
      value(text, 'baomi_console_http_request_duration_seconds_count', {
        route: '/api/v1/agents/:id',
        method: 'GET',
      }),
    ).toBe(20);
  });

  it('two apps in one process count apart; a failed fleet read keeps the figures and is counted', async () => {
    const one = await setup();
    const two = await setup();
    await syncWith(one.h, one.a, 7, 0);
    expect(
      value((await scrape(one.h, one.s.admin)).body, 'baomi_console_events_ingested_total'),
    ).toBe(7);
    expect(
      value((await scrape(two.h, two.s.admin)).body, 'baomi_console_events_ingested_total'),
    ).toBe(0);

    // The database refuses the fleet read (its table is away), the scrape still answers.
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(`${one.h.dataDir}/console.db`);
    one.h.clock.now += FLEET_CACHE_MS;
    db.exec('ALTER TABLE agents RENAME TO agents_away');
    const failed = await scrape(one.h, one.s.admin);
    db.exec('ALTER TABLE agents_away RENAME TO agents');
    db.close();
    expect(failed.statusCode).toBe(200);
    expect(value(failed.body, 'baomi_console_fleet_read_failures_total')).toBe(1);
    expect(value(failed.body, 'baomi_console_agents_enrolled')).toBe(2);
    expect(value(failed.body, 'baomi_console_fleet_figures_age_seconds')).toBe(
      FLEET_CACHE_MS / 1000,
    );
    expect(
      value(failed.body, 'baomi_console_db_call_duration_seconds_count', {
        method: 'fleetSummary',
        outcome: 'error',
      }),
    ).toBe(1);
    expect(one.h.logs()).toMatch(/reading the fleet figures failed/);
  });
});
