// Staff authentication: sessions (cookie + CSRF), API tokens, logout, and the login throttle
// that lives in the store so every console process slows the same name down.
import { afterEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/console/auth/secrets.js';
import { SESSION_MS } from '../../../src/console/auth/staff.js';
import { buildConsole } from '../../../src/console/server/app.js';
import {
  addUser,
  call,
  type Harness,
  login,
  makeConsole,
  PASSWORD,
} from '../../helpers/console-app.js';

let h: Harness;
afterEach(async () => {
  await h?.app.close();
});

const tryLogin = (app: Harness['app'], name: string, password: string) =>
  app.inject({ method: 'POST', url: '/api/v1/login', payload: { name, password } });

describe('staff sessions', () => {
  it('login sets an HttpOnly SameSite=Strict cookie stored only as its hash, and answers the CSRF token', async () => {
    h = makeConsole();
    await addUser(h, 'ada', 'admin');
    const r = await tryLogin(h.app, 'ada', PASSWORD);
    expect(r.statusCode).toBe(200);
    const body = r.json<Record<string, unknown>>();
    expect(body).toMatchObject({
      name: 'ada',
      role: 'admin',
      via: 'session',
      expiresAt: h.clock.now + SESSION_MS,
    });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const c = r.cookies.find((x) => x.name === 'baomi_session')!;
    expect(c).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(c.secure).toBeFalsy();
    expect(c.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [stored] = [...h.store.sessions.values()];
    expect(stored!.idHash).toBe(sha256Hex(c.value));
    expect(JSON.stringify([...h.store.sessions.values()])).not.toContain(c.value);
    expect(h.store.audit.map((a) => [a.action, a.actor])).toEqual([['login', 'ada']]);
  });

  it('marks the cookie Secure when served over TLS', async () => {
    h = makeConsole({ secureCookies: true });
    await addUser(h, 'ada', 'admin');
    const r = await tryLogin(h.app, 'ada', PASSWORD);
    expect(r.cookies.find((x) => x.name === 'baomi_session')!.secure).toBe(true);
  });

  it('a wrong password and an unknown name answer the same 401 and are both audited', async () => {
    h = makeConsole();
    await addUser(h, 'ada', 'admin');
    const wrong = await tryLogin(h.app, 'ada', 'not the password');
    const unknown = await tryLogin(h.app, 'nobody', PASSWORD);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.body).toBe(unknown.body);
    expect(wrong.cookies).toEqual([]);
    expect(h.store.audit.map((a) => [a.action, a.target, a.details.reason])).toEqual([
      ['login.failed', 'ada', 'password'],
      ['login.failed', 'nobody', 'unknown-name'],
    ]);
    expect(h.store.audit[0]!.ip).toBe('127.0.0.1');
  });

  it('a disabled user cannot log in, and an existing session of theirs stops working', async () => {
    h = makeConsole();
    const u = await addUser(h, 'ada', 'admin');
    const s = await login(h, 'ada');
    h.store.users.get(u.id)!.disabled = true;
    expect((await call(h, s, 'GET', '/api/v1/me')).statusCode).toBe(401);
    expect((await tryLogin(h.app, 'ada', PASSWORD)).statusCode).toBe(401);
  });

  it('a state-changing request with the cookie needs the session’s x-csrf-token (403 otherwise); GET does not', async () => {
    h = makeConsole();
    await addUser(h, 'ada', 'admin');
    await addUser(h, 'bob', 'admin');
    const s = await login(h, 'ada');
    const other = await login(h, 'bob');
    const post = (headers: Record<string, string>) =>
      h.app.inject({
        method: 'POST',
        url: '/api/v1/enrollment-tokens',
        headers,
        payload: { group: 'g' },
      });
    for (const headers of [
      { cookie: s.cookie } as Record<string, string>,
      { cookie: s.cookie, 'x-csrf-token': '' },
      { cookie: s.cookie, 'x-csrf-token': `${s.csrf}x` },
      // Another session's token is not this session's.
      { cookie: s.cookie, 'x-csrf-token': other.csrf },
    ]) {
      const r = await post(headers);
      expect(r.statusCode).toBe(403);
      expect(r.json<{ error: string }>().error).toBe('CONSOLE_CSRF');
    }
    expect(h.store.enrollTokens.size).toBe(0);
    const del = await h.app.inject({
      method: 'DELETE',
      url: '/api/v1/enrollment-tokens/0190a3c0-0000-7000-8000-000000000000',
      headers: { cookie: s.cookie },
    });
    expect(del.statusCode).toBe(403);
    expect(
      (await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: s.cookie } }))
        .statusCode,
    ).toBe(200);
    expect((await post(s.headers)).statusCode).toBe(200);
  });

  it('an expired session is refused', async () => {
    h = makeConsole();
    await addUser(h, 'ada', 'admin');
    const s = await login(h, 'ada');
    h.clock.now += SESSION_MS - 1;
    expect((await call(h, s, 'GET', '/api/v1/me')).statusCode).toBe(200);
    h.clock.now += 1;
    const r = await call(h, s, 'GET', '/api/v1/me');
    expect(r.statusCode).toBe(401);
    expect(r.json<{ error: string }>().error).toBe('CONSOLE_AUTH_REQUIRED');
  });

  it('logout ends the session; logout-all ends every session of the user', async () => {
    h = makeConsole();
    await addUser(h, 'ada', 'admin');
    const a = await login(h, 'ada');
    const b = await login(h, 'ada');
    const c = await login(h, 'ada');
    const out = await call(h, a, 'POST', '/api/v1/logout');
    expect(out.json()).toEqual({ ok: true });
    expect((await call(h, a, 'GET', '/api/v1/me')).statusCode).toBe(401);
    expect((await call(h, b, 'GET', '/api/v1/me')).statusCode).toBe(200);
    const all = await call(h, b, 'POST', '/api/v1/logout-all');
    expect(all.json()).toEqual({ ok: true, sessions: 2 });
    expect((await call(h, c, 'GET', '/api/v1/me')).statusCode).toBe(401);
    expect(h.store.audit.map((x) => x.action).filter((x) => x.startsWith('logout'))).toEqual([
      'logout',
      'logout.all',
    ]);
  });
});

describe('API tokens', () => {
  it('a token works as Bearer without CSRF, carries the user’s role, is stored hashed and expires', async () => {
    h = makeConsole();
    await addUser(h, 'ana', 'analyst');
    const s = await login(h, 'ana');
    const r = await call(h, s, 'POST', '/api/v1/tokens', { name: 'nightly report', days: 2 });
    expect(r.statusCode).toBe(200);
    const t = r.json<{ id: string; token: string; expiresAt: number }>();
    expect(t.token).toMatch(/^bmt_[A-Za-z0-9_-]{43}$/);
    expect(t.expiresAt).toBe(h.clock.now + 2 * 86_400_000);
    expect([...h.store.tokens.values()][0]!.tokenHash).toBe(sha256Hex(t.token));
    expect(JSON.stringify([...h.store.tokens.values()])).not.toContain(t.token);
    expect(h.store.audit.at(-1)).toMatchObject({
      action: 'token.created',
      actor: 'ana',
      target: t.id,
    });

    const bearer = { authorization: `Bearer ${t.token}` };
    const me = await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer });
    expect(me.json()).toEqual({ name: 'ana', role: 'analyst', via: 'token' });
    // No CSRF header needed for a change (the unknown request is looked up: 404, not 403) …
    const decide = await h.app.inject({
      method: 'POST',
      url: '/api/v1/requests/0190a3c0-0000-7000-8000-000000000000/decision',
      headers: bearer,
      payload: { approve: false, note: 'x' },
    });
    expect(decide.statusCode).toBe(404);
    // … and the role is the user's.
    const forbidden = await h.app.inject({
      method: 'POST',
      url: '/api/v1/enrollment-tokens',
      headers: bearer,
      payload: { group: 'g' },
    });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json<{ error: string }>().error).toBe('CONSOLE_FORBIDDEN');

    h.clock.now += 2 * 86_400_000;
    expect(
      (await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer })).statusCode,
    ).toBe(401);
  });

  it('refuses malformed, unknown and logged-out tokens', async () => {
    h = makeConsole();
    await addUser(h, 'ada', 'admin');
    const s = await login(h, 'ada');
    const { token } = (await call(h, s, 'POST', '/api/v1/tokens', { name: 'ci' })).json<{
      token: string;
    }>();
    for (const authorization of [
      'Basic YWRhOnB3',
      'Bearer',
      `Bearer ${token.slice(4)}`,
      `Bearer bmt_${'A'.repeat(43)}`,
      `bearer ${token}`,
    ]) {
      const r = await h.app.inject({
        method: 'GET',
        url: '/api/v1/me',
        headers: { authorization },
      });
      expect(r.statusCode, authorization).toBe(401);
    }
    const headers = { authorization: `Bearer ${token}` };
    expect(
      (await h.app.inject({ method: 'POST', url: '/api/v1/logout', headers })).statusCode,
    ).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/me', headers })).statusCode).toBe(
      401,
    );
  });
});

describe('login throttling', () => {
  it('after five failures each attempt waits, growing; waiting lets one try; success clears', async () => {
    h = makeConsole();
    await addUser(h, 'ada', 'admin');
    for (let i = 0; i < 5; i++)
      expect((await tryLogin(h.app, 'ada', `guess-${i}`)).statusCode).toBe(401);
    // The sixth attempt, even with the right password, waits: the password is not looked at.
    const held = await tryLogin(h.app, 'ada', PASSWORD);
    expect(held.statusCode).toBe(429);
    const e = held.json<{ error: string; retryInMs: number; message: string }>();
    expect(e.error).toBe('CONSOLE_LOGIN_THROTTLED');
    expect(e.retryInMs).toBe(1000);
    expect(held.headers['retry-after']).toBe('1');
    h.clock.now += 1000;
    expect((await tryLogin(h.app, 'ada', 'guess-5')).statusCode).toBe(401);
    const longer = await tryLogin(h.app, 'ada', PASSWORD);
    expect(longer.statusCode).toBe(429);
    expect(longer.json<{ retryInMs: number }>().retryInMs).toBe(2000);
    h.clock.now += 1999;
    expect((await tryLogin(h.app, 'ada', PASSWORD)).statusCode).toBe(429);
    h.clock.now += 1;
    expect((await tryLogin(h.app, 'ada', PASSWORD)).statusCode).toBe(200);
    expect(h.store.failures).toEqual([]);
    // A throttled attempt is not itself a failure (nor an audit row).
    expect(h.store.audit.filter((a) => a.action === 'login.failed')).toHaveLength(6);
  });

  it('holds across console processes sharing one database, and only for that name', async () => {
    h = makeConsole();
    await addUser(h, 'ada', 'admin');
    await addUser(h, 'bob', 'admin');
    const second = buildConsole({
      store: h.store,
      exceptionKey: h.key,
      syncIntervalMs: 60_000,
      now: () => h.clock.now,
      log: { level: 'silent' },
      timers: false,
    });
    try {
      for (let i = 0; i < 3; i++) await tryLogin(h.app, 'ada', `guess-${i}`);
      for (let i = 3; i < 5; i++) await tryLogin(second, 'ada', `guess-${i}`);
      expect((await tryLogin(second, 'ada', PASSWORD)).statusCode).toBe(429);
      expect((await tryLogin(h.app, 'ada', PASSWORD)).statusCode).toBe(429);
      expect((await tryLogin(second, 'bob', PASSWORD)).statusCode).toBe(200);
      // Fifteen minutes later the window has passed.
      h.clock.now += 15 * 60_000;
      expect((await tryLogin(second, 'ada', PASSWORD)).statusCode).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('limits login attempts per address too (a spray over many names)', async () => {
    h = makeConsole({ limits: { loginPerIp: 3 } });
    for (let i = 0; i < 3; i++)
      expect((await tryLogin(h.app, `user${i}`, 'x')).statusCode).toBe(401);
    const r = await tryLogin(h.app, 'user9', 'x');
    expect(r.statusCode).toBe(429);
    expect(r.json<{ error: string; retryInMs: number }>()).toMatchObject({
      error: 'CONSOLE_RATE_LIMITED',
    });
    expect(r.json<{ retryInMs: number }>().retryInMs).toBeGreaterThan(0);
  });
});
