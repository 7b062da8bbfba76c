// Enrollment: an enrollment token (admin-made, hashed, limited in uses and time, revocable)
// buys an agent its id; the agent's own Ed25519 public key is the only credential stored.
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/console/auth/secrets.js';
import {
  call,
  enroll,
  enrollBody,
  enrollmentToken,
  type Harness,
  makeConsole,
  staff,
} from '../../helpers/console-app.js';

let h: Harness;
afterEach(async () => {
  await h?.app.close();
});

const pem = (k: { export: (o: never) => string | Buffer }, type: 'spki' | 'pkcs8') =>
  k.export({ type, format: 'pem' } as never).toString();

const post = (body: unknown) =>
  h.app.inject({ method: 'POST', url: '/api/v1/enroll', payload: body as Record<string, unknown> });

describe('enrollment tokens', () => {
  it('a token never moves an existing group to another department or class unless asked (regroup, audited)', async () => {
    h = makeConsole();
    const s = await staff(h);
    await enrollmentToken(h, s.admin, {
      group: 'finance-hq',
      department: '财务部',
      personnelClass: '核心',
    });
    // One naming another department would move every agent of the group: refused (409,
    // nothing changed) unless asked for with regroup, which the audit row records.
    const moved = { group: 'finance-hq', department: '其他部' };
    const refused = await call(h, s.admin, 'POST', '/api/v1/enrollment-tokens', moved);
    expect(refused.statusCode).toBe(409);
    expect(refused.json<{ error: string }>().error).toBe('CONSOLE_GROUP_DIFFERS');
    expect((await h.store.group('finance-hq'))!.department).toBe('财务部');
    const same = await call(h, s.admin, 'POST', '/api/v1/enrollment-tokens', {
      group: 'finance-hq',
      department: '财务部',
    });
    expect(same.statusCode).toBe(200);
    const regroup = await call(h, s.admin, 'POST', '/api/v1/enrollment-tokens', {
      ...moved,
      regroup: true,
    });
    expect(regroup.statusCode).toBe(200);
    expect(regroup.json()).toMatchObject({
      department: '其他部',
      personnelClass: '核心',
      before: { department: '财务部', personnelClass: '核心' },
    });
    expect((await h.store.group('finance-hq'))!.department).toBe('其他部');
    const audit = (await h.store.listAudit({ limit: 1000 })).filter(
      (a) => a.action === 'enroll.token-created',
    );
    expect(audit.at(-1)!.details).toMatchObject({
      department: '其他部',
      before: { department: '财务部' },
    });
  });

  it('two tokens made at once for a new group with different departments: one is made, the other refused (409), never both', async () => {
    h = makeConsole();
    const s = await staff(h);
    // The race made certain: the first two reads of the group wait for each other, so both
    // requests decide on "no such group" before either writes.
    const read = h.store.group.bind(h.store);
    let barrier: (() => void)[] | null = [];
    h.store.group = async (name: string) => {
      const g = await read(name);
      const waiting = barrier;
      if (waiting)
        await new Promise<void>((go) => {
          waiting.push(go);
          if (waiting.length === 2) {
            barrier = null;
            for (const f of waiting) f();
          }
        });
      return g;
    };
    const ask = (department: string) =>
      call(h, s.admin, 'POST', '/api/v1/enrollment-tokens', { group: 'new-group', department });
    const [a, b] = await Promise.all([ask('财务部'), ask('研发部')]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const won = a.statusCode === 200 ? a : b;
    const lost = a.statusCode === 200 ? b : a;
    expect(lost.json<{ error: string }>().error).toBe('CONSOLE_GROUP_DIFFERS');
    // The group reads as the token that was made says, and one token exists for it.
    const department = won.json<{ department: string }>().department;
    expect((await h.store.group('new-group'))!.department).toBe(department);
    expect((await h.store.listEnrollTokens()).filter((t) => t.group === 'new-group')).toHaveLength(
      1,
    );
    // Asked with regroup at once, both are made; the audit rows tell the whole story in order.
    barrier = [];
    const again = (department: string) =>
      call(h, s.admin, 'POST', '/api/v1/enrollment-tokens', {
        group: 'new-group',
        department,
        regroup: true,
      });
    const both = await Promise.all([again('保卫部'), again('总务部')]);
    expect(both.map((r) => r.statusCode)).toEqual([200, 200]);
    const rows = (await h.store.listAudit({ limit: 1000 })).filter(
      (r) => r.action === 'enroll.token-created',
    );
    const last = rows.at(-1)!.details as { department: string };
    expect((await h.store.group('new-group'))!.department).toBe(last.department);
    const second = rows.at(-2)!.details as { department: string };
    expect((rows.at(-1)!.details as { before?: { department: string } }).before?.department).toBe(
      second.department,
    );
  });

  it('a group changed under the request again and again: 409 CONSOLE_GROUP_BUSY after three tries, no token', async () => {
    h = makeConsole();
    const s = await staff(h);
    let tries = 0;
    // Every compare-and-set loses: another request changes the group each time.
    h.store.createEnrollToken = async () => {
      tries++;
      return false;
    };
    const r = await call(h, s.admin, 'POST', '/api/v1/enrollment-tokens', {
      group: 'busy',
      department: '财务部',
      regroup: true,
    });
    expect(r.statusCode).toBe(409);
    expect(r.json<{ error: string; message: string }>()).toMatchObject({
      error: 'CONSOLE_GROUP_BUSY',
      message: expect.stringContaining('busy'),
    });
    expect(tries).toBe(3);
    expect(await h.store.listEnrollTokens()).toEqual([]);
  });

  it('admin makes one: shown once, stored as a hash, with its group, uses and expiry; the group keeps department and class', async () => {
    h = makeConsole();
    const s = await staff(h);
    const r = await call(h, s.admin, 'POST', '/api/v1/enrollment-tokens', {
      group: 'finance-hq',
      uses: 3,
      hours: 48,
      department: '财务部',
      personnelClass: '核心',
    });
    expect(r.statusCode).toBe(200);
    const t = r.json<{
      id: string;
      token: string;
      group: string;
      usesLeft: number;
      expiresAt: number;
    }>();
    expect(t).toMatchObject({
      group: 'finance-hq',
      usesLeft: 3,
      expiresAt: h.clock.now + 48 * 3600_000,
    });
    expect(t.token).toMatch(/^bme_[A-Za-z0-9_-]{43}$/);
    expect(h.store.enrollTokens.get(t.id)!.tokenHash).toBe(sha256Hex(t.token));
    expect(JSON.stringify([...h.store.enrollTokens.values()])).not.toContain(t.token);
    expect(await h.store.group('finance-hq')).toEqual({
      name: 'finance-hq',
      department: '财务部',
      personnelClass: '核心',
    });
    // A later token for the group that names neither keeps them.
    await enrollmentToken(h, s.admin, { group: 'finance-hq' });
    expect((await h.store.group('finance-hq'))!.department).toBe('财务部');
    const list = await call(h, s.admin, 'GET', '/api/v1/enrollment-tokens');
    expect(list.json<{ tokens: unknown[] }>().tokens).toHaveLength(2);
    expect(list.body).not.toContain('tokenHash');
    expect(h.store.audit.at(-2)).toMatchObject({
      action: 'enroll.token-created',
      actor: 'ada',
      target: t.id,
      details: { group: 'finance-hq', uses: 3 },
    });
    expect(JSON.stringify(h.store.audit)).not.toContain(t.token);
  });

  it('revoking one is audited; revoking an unknown one is 404', async () => {
    h = makeConsole();
    const s = await staff(h);
    const t = await enrollmentToken(h, s.admin);
    expect((await call(h, s.admin, 'DELETE', `/api/v1/enrollment-tokens/${t.id}`)).json()).toEqual({
      ok: true,
    });
    expect(h.store.audit.at(-1)).toMatchObject({ action: 'enroll.token-revoked', target: t.id });
    // Revoking it again: the same outcome, said as such, and no second audit row.
    const rows = (await h.store.listAudit({ limit: 1000 })).length;
    const again = await call(h, s.admin, 'DELETE', `/api/v1/enrollment-tokens/${t.id}`);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ ok: true, alreadyRevokedAt: h.clock.now });
    expect((await h.store.listAudit({ limit: 1000 })).length).toBe(rows);
    const unknown = await call(
      h,
      s.admin,
      'DELETE',
      '/api/v1/enrollment-tokens/0190a3c0-0000-7000-8000-0000000000ff',
    );
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json<{ message: string }>().message).toMatch(/^No enrollment token with the id/);
  });
});

describe('POST /api/v1/enroll', () => {
  it('creates the agent with the agent’s public key, a fresh exception secret and the console’s exception key', async () => {
    h = makeConsole();
    const s = await staff(h);
    const t = await enrollmentToken(h, s.admin, { group: 'finance' });
    const a = await enroll(h, t.token, 'ws-07');
    expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(a.exceptionKey).toBe(h.key.publicKeyPem);
    expect(Buffer.from(a.exceptionSecret, 'base64url')).toHaveLength(32);
    const row = h.store.agents.get(a.id)!;
    expect(row).toMatchObject({
      host: 'ws-07',
      os: 'linux',
      group: 'finance',
      publicKey: a.publicKeyPem,
    });
    expect(h.store.audit.at(-1)).toMatchObject({
      action: 'agent.enrolled',
      actor: `agent:${a.id}`,
      target: a.id,
      details: { host: 'ws-07', group: 'finance', token: t.id },
    });
    const b = await enroll(h, (await enrollmentToken(h, s.admin)).token);
    expect(b.exceptionSecret).not.toBe(a.exceptionSecret);
  });

  it('the database going away at the audit row leaves nothing enrolled; the retry enrolls, recorded', async () => {
    h = makeConsole();
    const s = await staff(h);
    const t = await enrollmentToken(h, s.admin, { group: 'finance' });
    const agents = h.store.agents.size;
    const rows = h.store.audit.length;
    h.store.auditDown = Object.assign(new Error('terminating connection'), { code: '57P01' });
    const kp = generateKeyPairSync('ed25519');
    const r = await post(enrollBody(t.token, pem(kp.publicKey, 'spki')));
    expect(r.statusCode).toBe(503);
    expect(h.store.agents.size).toBe(agents);
    expect(h.store.audit).toHaveLength(rows);
    expect(h.store.enrollTokens.get(t.id)!.usesLeft).toBe(1);
    h.store.auditDown = null;
    const again = await post(enrollBody(t.token, pem(kp.publicKey, 'spki')));
    expect(again.statusCode).toBe(200);
    expect(h.store.audit.at(-1)).toMatchObject({
      action: 'agent.enrolled',
      target: again.json<{ agentId: string }>().agentId,
    });
  });

  it('revoking an agent whose audit row cannot be stored is 503 and revokes nothing; the retry does both', async () => {
    h = makeConsole();
    const s = await staff(h);
    const a = await enroll(h, (await enrollmentToken(h, s.admin)).token);
    h.store.auditDown = Object.assign(new Error('terminating connection'), { code: '57P01' });
    const r = await call(h, s.admin, 'POST', `/api/v1/agents/${a.id}/revoke`);
    expect(r.statusCode).toBe(503);
    expect(h.store.agents.get(a.id)!.revokedAt).toBeNull();
    h.store.auditDown = null;
    expect((await call(h, s.admin, 'POST', `/api/v1/agents/${a.id}/revoke`)).statusCode).toBe(200);
    expect(h.store.agents.get(a.id)!.revokedAt).not.toBeNull();
    expect(h.store.audit.at(-1)).toMatchObject({ action: 'agent.revoked', target: a.id });
  });

  it('a token is used up, expired, revoked or unknown: the same 401 ENROLL_TOKEN_INVALID', async () => {
    h = makeConsole();
    const s = await staff(h);
    const once = await enrollmentToken(h, s.admin, { group: 'g', uses: 1 });
    await enroll(h, once.token);
    const expired = await enrollmentToken(h, s.admin, { group: 'g', hours: 1 });
    const revoked = await enrollmentToken(h, s.admin, { group: 'g' });
    await call(h, s.admin, 'DELETE', `/api/v1/enrollment-tokens/${revoked.id}`);
    h.clock.now += 3600_000;
    const { publicKey } = generateKeyPairSync('ed25519');
    const answers = [];
    for (const token of [
      once.token,
      expired.token,
      revoked.token,
      `bme_${'x'.repeat(43)}`,
      "' OR 1=1 --",
    ]) {
      const r = await post(enrollBody(token, pem(publicKey, 'spki')));
      expect(r.statusCode, token).toBe(401);
      answers.push(r.body);
    }
    expect(new Set(answers).size).toBe(1);
    expect(JSON.parse(answers[0]!).error).toBe('ENROLL_TOKEN_INVALID');
    expect(h.store.agents.size).toBe(1);
  });

  it('refuses a key that is not an Ed25519 SPKI public key, without using up the token', async () => {
    h = makeConsole();
    const s = await staff(h);
    const t = await enrollmentToken(h, s.admin, { group: 'g', uses: 1 });
    const ed = generateKeyPairSync('ed25519');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (const key of [
      pem(ed.privateKey, 'pkcs8'), // a private key: never accepted in place of the public one
      pem(rsa.publicKey, 'spki'),
      pem(ec.publicKey, 'spki'),
      `-----BEGIN PUBLIC KEY-----\n${'A'.repeat(60)}\n-----END PUBLIC KEY-----`,
      `${'<script>'.repeat(10)}`,
    ]) {
      const r = await post(enrollBody(t.token, key));
      expect(r.statusCode, key.slice(0, 30)).toBe(400);
      expect(r.json<{ error: string }>().error).toBe('ENROLL_BAD_KEY');
    }
    expect(h.store.enrollTokens.get(t.id)!.usesLeft).toBe(1);
    expect((await post(enrollBody(t.token, pem(ed.publicKey, 'spki')))).statusCode).toBe(200);
  });

  it('refuses a malformed request with 400 saying which field', async () => {
    h = makeConsole();
    const { publicKey } = generateKeyPairSync('ed25519');
    const good = enrollBody('bme_x', pem(publicKey, 'spki'));
    for (const [bad, field] of [
      [{ ...good, v: 2 }, 'v'],
      [{ ...good, os: 'plan9' }, 'os'],
      [{ ...good, host: '' }, 'host'],
      [{ ...good, agentId: 'someone-else' }, 'agentId'],
      [{ ...good, host: 'h'.repeat(300) }, 'host'],
    ] as const) {
      const r = await post(bad);
      expect(r.statusCode).toBe(400);
      const e = r.json<{ error: string; message: string }>();
      expect(e.error).toBe('CONSOLE_BAD_REQUEST');
      expect(e.message).toContain(field);
    }
  });
});
