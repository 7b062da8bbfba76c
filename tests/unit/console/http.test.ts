// The console's HTTP surface as hostile input meets it (issue 11 "Bad input"): JSON only,
// a body limit, unknown keys refused, one error shape, never a stack or a database message,
// the database away answered 503 with a retry, and secrets never in the log.
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../../src/core/sync/wire.js';
import {
  addUser,
  call,
  type Harness,
  login,
  makeConsole,
  PASSWORD,
  staff,
} from '../../helpers/console-app.js';

let h: Harness;
afterEach(async () => {
  await h?.app.close();
});

const errorOf = (r: { json: () => unknown }) => r.json() as { error: string; message: string };

describe('console HTTP', () => {
  it('refuses a body that is not application/json with 415, on every POST route', async () => {
    h = makeConsole();
    for (const url of ['/api/v1/login', '/api/v1/enroll', '/api/v1/sync', '/api/v1/policies']) {
      for (const type of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
      ]) {
        const r = await h.app.inject({
          method: 'POST',
          url,
          headers: { 'content-type': type },
          payload: 'name=a',
        });
        expect(r.statusCode, `${url} ${type}`).toBe(415);
        expect(errorOf(r).error).toBe('CONSOLE_BAD_CONTENT_TYPE');
      }
    }
  });

  it('answers malformed JSON and prototype-poisoning keys with 400 CONSOLE_BAD_JSON', async () => {
    h = makeConsole();
    for (const payload of [
      '{"name":',
      '{name: "a"}',
      '[1,2',
      '{"a":1}}',
      '{"__proto__":{"x":1}}',
      '{"constructor":{"prototype":{}}}',
    ]) {
      const r = await h.app.inject({
        method: 'POST',
        url: '/api/v1/login',
        headers: { 'content-type': 'application/json' },
        payload,
      });
      expect(r.statusCode, payload).toBe(400);
      expect(errorOf(r).error, payload).toBe('CONSOLE_BAD_JSON');
    }
  });

  it('refuses a body over the limit with 413 before reading it all', async () => {
    h = makeConsole();
    const big = JSON.stringify({ name: 'a', password: 'x'.repeat(MAX_BODY_BYTES) });
    const r = await h.app.inject({
      method: 'POST',
      url: '/api/v1/enroll',
      headers: { 'content-type': 'application/json' },
      payload: big,
    });
    expect(r.statusCode).toBe(413);
    expect(errorOf(r).error).toBe('CONSOLE_BODY_TOO_LARGE');
  });

  it('refuses unknown keys, wrong types and control characters with 400 saying where', async () => {
    h = makeConsole();
    const s = await staff(h);
    const cases: [string, string, unknown][] = [
      ['POST', '/api/v1/login', { name: 'ada', password: PASSWORD, admin: true }],
      ['POST', '/api/v1/login', { name: 5, password: PASSWORD }],
      ['POST', '/api/v1/login', { name: 'ada\u001b[2J', password: PASSWORD }],
      ['POST', '/api/v1/enrollment-tokens', { group: 'g', uses: 0 }],
      ['POST', '/api/v1/enrollment-tokens', { group: 'g', hours: 1e9 }],
      ['POST', '/api/v1/enrollment-tokens', { group: 'g', personnelClass: 'VIP' }],
      ['POST', '/api/v1/tokens', { name: 'ci', days: 3650 }],
      ['GET', '/api/v1/events?limit=100000', undefined],
      ['GET', '/api/v1/events?severity=urgent', undefined],
      ['GET', '/api/v1/events?level=TOP', undefined],
      ['GET', '/api/v1/events?since=yesterday', undefined],
      ['GET', '/api/v1/events?agent=not-a-uuid', undefined],
      ['GET', '/api/v1/agents?bogus=1', undefined],
      ['GET', '/api/v1/agents/1%27%20OR%201=1', undefined],
    ];
    for (const [method, url, body] of cases) {
      const r = await call(h, s.admin, method as 'GET', url, body);
      expect(r.statusCode, `${method} ${url} ${JSON.stringify(body)}`).toBe(400);
      const e = errorOf(r);
      expect(e.error).toMatch(/^CONSOLE_BAD_(REQUEST|JSON)$/);
      expect(e.message).not.toMatch(/at .*\.(js|ts):\d+/);
    }
  });

  it('names the unknown key, so a typo is found', async () => {
    h = makeConsole();
    const r = await h.app.inject({
      method: 'POST',
      url: '/api/v1/login',
      payload: { name: 'a', password: 'x', pasword: 'x' },
    });
    expect(r.statusCode).toBe(400);
    expect(errorOf(r).message).toMatch(/additional properties \("pasword"\)/);
  });

  it('answers an unknown route 404 in the WireError shape', async () => {
    h = makeConsole();
    const r = await h.app.inject({
      method: 'GET',
      url: '/api/v1/nothing?<script>alert(1)</script>',
    });
    expect(r.statusCode).toBe(404);
    expect(errorOf(r)).toEqual({
      error: 'CONSOLE_NO_ROUTE',
      message: 'There is no GET /api/v1/nothing in this console’s API (/api/v1).',
    });
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['cache-control']).toBe('no-store');
  });

  it('answers in Chinese when Accept-Language asks for it', async () => {
    h = makeConsole();
    const r = await h.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' },
    });
    expect(r.statusCode).toBe(401);
    expect(errorOf(r).message).toMatch(/请先登录/);
    const en = await h.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { 'accept-language': 'en-GB,zh;q=0.5' },
    });
    expect(errorOf(en).message).toMatch(/^Log in first/);
  });

  it('an unexpected failure is 500 CONSOLE_INTERNAL with a generic sentence; the stack goes to the log', async () => {
    h = makeConsole();
    const s = await staff(h);
    h.store.listAgents = async () => {
      throw new Error('SELECT * FROM agents: syntax error near "secret_table"');
    };
    const r = await call(h, s.admin, 'GET', '/api/v1/agents');
    expect(r.statusCode).toBe(500);
    const e = errorOf(r);
    expect(e.error).toBe('CONSOLE_INTERNAL');
    expect(r.body).not.toMatch(/secret_table|SELECT|\.ts:\d+|at /);
    expect(h.logs()).toMatch(/secret_table/);
    expect(h.logs()).toMatch(/"stack":"Error: SELECT/);
  });

  it('the database away is 503 CONSOLE_DB_UNAVAILABLE with retryInMs and Retry-After, and /healthz says so', async () => {
    h = makeConsole();
    const s = await staff(h);
    const ok = await h.app.inject({ method: 'GET', url: '/healthz' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ ok: true, db: 'ok', engine: 'sqlite' });

    for (const down of [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('terminating connection due to administrator command'), {
        code: '57P01',
      }),
    ]) {
      h.store.down = down;
      const r = await call(h, s.admin, 'GET', '/api/v1/agents');
      expect(r.statusCode).toBe(503);
      const e = r.json<{ error: string; retryInMs: number }>();
      expect(e.error).toBe('CONSOLE_DB_UNAVAILABLE');
      expect(e.retryInMs).toBeGreaterThan(0);
      expect(r.headers['retry-after']).toBe(String(e.retryInMs / 1000));
      expect(r.body).not.toMatch(/5432|administrator/);
      const health = await h.app.inject({ method: 'GET', url: '/healthz' });
      expect(health.statusCode).toBe(503);
      expect(health.json()).toMatchObject({ ok: false, db: 'unavailable' });
    }
  });

  it('stores SQL- and HTML-looking strings as data and answers them JSON-encoded', async () => {
    h = makeConsole();
    const s = await staff(h);
    const nasty = `x'; DROP TABLE agents; -- <script>alert("x")</script> \u202e`;
    const r = await call(h, s.admin, 'POST', '/api/v1/enrollment-tokens', {
      group: nasty,
      department: `${nasty}"`,
    });
    expect(r.statusCode).toBe(200);
    expect(r.json<{ group: string }>().group).toBe(nasty);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    const list = await call(h, s.admin, 'GET', '/api/v1/enrollment-tokens');
    expect(list.json<{ tokens: { group: string }[] }>().tokens[0]!.group).toBe(nasty);
    const q = await call(
      h,
      s.admin,
      'GET',
      `/api/v1/agents?text=${encodeURIComponent("' OR '1'='1")}`,
    );
    expect(q.statusCode).toBe(200);
    expect(q.json()).toEqual({ agents: [] });
  });

  it('never logs a password, a cookie, a CSRF token or an API token', async () => {
    h = makeConsole();
    await addUser(h, 'ada', 'admin');
    const bad = await h.app.inject({
      method: 'POST',
      url: '/api/v1/login',
      payload: { name: 'ada', password: 'wrong-password-123' },
    });
    expect(bad.statusCode).toBe(401);
    const s = await login(h, 'ada');
    const tok = await h.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: s.headers,
      payload: { name: 'ci' },
    });
    const token = tok.json<{ token: string }>().token;
    await h.app.inject({
      method: 'GET',
      url: '/api/v1/nothing',
      headers: { authorization: `Bearer ${token}`, cookie: s.cookie },
    });
    h.app.log.info(
      {
        req: {
          headers: { cookie: s.cookie, authorization: `Bearer ${token}`, 'x-csrf-token': s.csrf },
        },
        password: PASSWORD,
      },
      'probe',
    );
    const logs = h.logs();
    expect(logs).toMatch(/probe/);
    for (const secret of [PASSWORD, 'wrong-password-123', s.cookie.split('=')[1]!, s.csrf, token])
      expect(logs).not.toContain(secret);
    // …nor in the audit trail.
    const audit = JSON.stringify(h.store.audit);
    for (const secret of [PASSWORD, 'wrong-password-123', s.csrf, token])
      expect(audit).not.toContain(secret);
  });
});
