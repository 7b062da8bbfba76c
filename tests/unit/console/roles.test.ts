// Roles are checked in the API (core/console/api.ts): every staff route refuses the
// unauthenticated; admin may do everything; analyst decides requests but cannot upload
// policies, make enrollment tokens or revoke agents; auditor reads everything (the audit
// trail too) and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type Harness, type Login, makeConsole, staff } from '../../helpers/console-app.js';

const ID = '0190a3c0-0000-7000-8000-000000000001';

/** [method, url, body, roles allowed]. Bodies are valid, so a 400 would mean "let through". */
const ROUTES: [string, string, unknown, string[]][] = [
  ['GET', '/api/v1/me', undefined, ['admin', 'analyst', 'auditor']],
  ['GET', '/api/v1/agents', undefined, ['admin', 'analyst', 'auditor']],
  ['GET', `/api/v1/agents/${ID}`, undefined, ['admin', 'analyst', 'auditor']],
  ['GET', '/api/v1/events', undefined, ['admin', 'analyst', 'auditor']],
  ['GET', '/api/v1/alerts', undefined, ['admin', 'analyst', 'auditor']],
  ['GET', '/api/v1/requests', undefined, ['admin', 'analyst', 'auditor']],
  ['GET', '/api/v1/policies', undefined, ['admin', 'analyst', 'auditor']],
  ['GET', '/api/v1/policies/versions', undefined, ['admin', 'analyst', 'auditor']],
  ['GET', '/api/v1/audit', undefined, ['admin', 'auditor']],
  ['GET', '/api/v1/audit/verify', undefined, ['admin', 'auditor']],
  ['GET', '/api/v1/people/zhang.san/export', undefined, ['admin', 'auditor']],
  ['GET', '/metrics', undefined, ['admin', 'analyst', 'auditor']],
  ['GET', '/api/v1/enrollment-tokens', undefined, ['admin']],
  ['POST', '/api/v1/enrollment-tokens', { group: 'g' }, ['admin']],
  ['DELETE', `/api/v1/enrollment-tokens/${ID}`, undefined, ['admin']],
  ['POST', `/api/v1/agents/${ID}/revoke`, undefined, ['admin']],
  [
    'POST',
    '/api/v1/policies',
    { target: { kind: 'group', value: 'g' }, policy: 'AAAA', signature: `${'A'.repeat(86)}==` },
    ['admin'],
  ],
  ['POST', `/api/v1/requests/${ID}/decision`, { approve: false, note: 'no' }, ['admin', 'analyst']],
];

describe('roles', () => {
  let h: Harness;
  let as: Record<string, Login>;
  beforeAll(async () => {
    h = makeConsole({ limits: { perIp: 100_000 } });
    as = await staff(h);
  });
  afterAll(async () => {
    await h.app.close();
  });

  it.each(ROUTES)(
    '%s %s refuses a caller who is not logged in (401)',
    async (method, url, body) => {
      const r = await call(h, null, method as 'GET', url, body);
      expect(r.statusCode).toBe(401);
      expect(r.json<{ error: string }>().error).toBe('CONSOLE_AUTH_REQUIRED');
    },
  );

  it.each(ROUTES)(
    '%s %s lets in exactly the roles it names',
    async (method, url, body, allowed) => {
      for (const role of ['admin', 'analyst', 'auditor']) {
        const before = h.store.audit.length;
        const r = await call(h, as[role]!, method as 'GET', url, body);
        if (allowed.includes(role)) {
          expect(r.statusCode, `${role}: ${r.body}`).not.toBe(403);
          expect(r.statusCode, `${role}: ${r.body}`).not.toBe(401);
        } else {
          expect(r.statusCode, role).toBe(403);
          expect(r.json<{ error: string; message: string }>()).toMatchObject({
            error: 'CONSOLE_FORBIDDEN',
          });
          // Refused before anything was done or recorded.
          expect(h.store.audit.length).toBe(before);
        }
      }
    },
  );

  it('an auditor changes nothing: every refused change leaves the store as it was', async () => {
    const snapshot = () =>
      JSON.stringify({
        t: [...h.store.enrollTokens.values()],
        a: [...h.store.agents.values()],
        p: h.store.policies,
        r: [...h.store.requests.values()],
        g: [...h.store.groups.values()],
      });
    const before = snapshot();
    for (const [method, url, body] of ROUTES.filter(([m]) => m !== 'GET')) {
      const r = await call(h, as.auditor!, method as 'POST', url, body);
      expect(r.statusCode, `${method} ${url}`).toBe(403);
    }
    expect(snapshot()).toBe(before);
  });
});
