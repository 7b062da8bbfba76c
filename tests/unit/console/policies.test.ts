// Policy upload (admin): the console reads the policy with the core parser, refuses what
// every agent would refuse, refuses a signature text of the wrong form, and hands the policy
// to the agents of its target (group, department or personnel class) on their next sync.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { policyEtag } from '../../../src/console/server/routes/policies.js';
import { generateKeyPair, signPolicy } from '../../../src/core/policy/signature.js';
import {
  call,
  enroll,
  enrollmentToken,
  type Harness,
  type Login,
  makeConsole,
  staff,
  sync,
  syncBody,
} from '../../helpers/console-app.js';

let h: Harness;
afterEach(async () => {
  await h?.app.close();
});

const keys = generateKeyPair();
const policyText = (version: number, extra = '', expires = '2099-01-01T00:00:00Z') =>
  [
    `version: ${version}`,
    'name: 总部默认策略 HQ',
    'issued: 2026-01-01T00:00:00Z',
    `expires: ${expires}`,
    extra,
  ].join('\n');

function upload(
  as: Login,
  text: string,
  target = { kind: 'group', value: 'finance' },
  sig?: string,
) {
  const bytes = Buffer.from(text);
  return call(h, as, 'POST', '/api/v1/policies', {
    target,
    policy: bytes.toString('base64'),
    signature: sig ?? signPolicy(bytes, keys.privateKeyPem),
  });
}

describe('POST /api/v1/policies', () => {
  it('stores a valid policy with its name, version, hashes and uploader, and audits it', async () => {
    h = makeConsole();
    const s = await staff(h);
    const text = policyText(12);
    const sig = signPolicy(Buffer.from(text), keys.privateKeyPem);
    const r = await upload(s.admin, text, { kind: 'group', value: 'finance' }, sig);
    expect(r.statusCode, r.body).toBe(200);
    const view = r.json<Record<string, unknown>>();
    const bytes = Buffer.from(text);
    expect(view).toEqual({
      id: 1,
      target: { kind: 'group', value: 'finance' },
      name: '总部默认策略 HQ',
      version: 12,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      etag: createHash('sha256')
        .update(Buffer.concat([bytes, Buffer.from([0]), Buffer.from(sig.trim())]))
        .digest('hex'),
      uploadedBy: 'ada',
      uploadedAt: h.clock.now,
    });
    expect(view.etag).toBe(policyEtag(bytes, sig.trim()));
    expect(h.store.policies[0]!.signature).toBe(sig.trim());
    expect(Buffer.from(h.store.policies[0]!.bytes).equals(bytes)).toBe(true);
    expect(h.store.audit.at(-1)).toMatchObject({
      action: 'policy.uploaded',
      actor: 'ada',
      target: 'group:finance',
      details: { name: '总部默认策略 HQ', version: 12 },
    });
    const list = await call(h, s.auditor, 'GET', '/api/v1/policies');
    expect(list.json()).toEqual({ policies: [view] });
    expect(list.body).not.toContain(bytes.toString('base64'));
  });

  it('refuses an invalid policy with 400 and its problems, in the caller’s language', async () => {
    h = makeConsole();
    const s = await staff(h);
    const r = await upload(s.admin, policyText(3, 'usb:\n  storage: maybe\nbogus: 1'));
    expect(r.statusCode).toBe(400);
    const e = r.json<{
      error: string;
      message: string;
      problems: { code: string; line: number; path: string; message: string }[];
    }>();
    expect(e.error).toBe('CONSOLE_POLICY_INVALID');
    expect(e.problems.length).toBeGreaterThanOrEqual(2);
    expect(e.problems.map((p) => p.path)).toEqual(expect.arrayContaining(['usb.storage', 'bogus']));
    expect(e.problems.find((p) => p.path === 'usb.storage')!.line).toBe(6);
    expect(e.message).toContain(e.problems[0]!.message);
    const zh = await h.app.inject({
      method: 'POST',
      url: '/api/v1/policies',
      headers: { ...s.admin.headers, 'accept-language': 'zh-CN' },
      payload: {
        target: { kind: 'group', value: 'g' },
        policy: Buffer.from('version: x').toString('base64'),
        signature: `${'A'.repeat(86)}==`,
      },
    });
    expect(zh.json<{ message: string }>().message).toMatch(/策略被拒绝/);
    expect(h.store.policies).toEqual([]);
  });

  it('refuses a policy every agent would refuse today: expired, or not yet issued', async () => {
    h = makeConsole();
    const s = await staff(h);
    const expired = await upload(s.admin, policyText(3, '', '2026-06-01T00:00:00Z'));
    expect(expired.statusCode).toBe(400);
    expect(expired.json<{ problems: { code: string }[] }>().problems[0]!.code).toBe(
      'POLICY_EXPIRED',
    );
    const future = await upload(
      s.admin,
      policyText(3).replace('issued: 2026-01-01', 'issued: 2027-06-01'),
    );
    expect(future.json<{ problems: { code: string }[] }>().problems[0]!.code).toBe(
      'POLICY_NOT_YET_VALID',
    );
  });

  it('refuses bad base64, a signature not of the .sig form, and a personnel class that does not exist', async () => {
    h = makeConsole();
    const s = await staff(h);
    const text = policyText(3);
    const good = Buffer.from(text).toString('base64');
    const send = (body: Record<string, unknown>) =>
      call(h, s.admin, 'POST', '/api/v1/policies', {
        target: { kind: 'group', value: 'g' },
        policy: good,
        signature: signPolicy(Buffer.from(text), keys.privateKeyPem),
        ...body,
      });
    for (const policy of ['not base64!', `${good}=`, 'QUJD\nREVG'])
      expect((await send({ policy })).json<{ error: string }>().error).toBe(
        'CONSOLE_POLICY_BAD_BASE64',
      );
    for (const signature of [
      '',
      'abc',
      `${'A'.repeat(86)}=`,
      Buffer.alloc(32).toString('base64'),
      `${'A'.repeat(84)}====`,
    ])
      expect((await send({ signature })).statusCode, signature).toBe(400);
    expect((await send({ signature: 'abc' })).json<{ error: string }>().error).toBe(
      'CONSOLE_POLICY_SIG_MALFORMED',
    );
    const cls = await send({ target: { kind: 'class', value: 'VIP' } });
    expect(cls.json<{ error: string }>().error).toBe('CONSOLE_POLICY_BAD_TARGET');
    expect((await send({ target: { kind: 'team', value: 'x' } })).statusCode).toBe(400);
    // The console does not check the signature against keys (agents do): any well-formed
    // signature is stored, and an agent that does not trust it refuses the policy.
    expect((await send({ signature: `${'A'.repeat(86)}==` })).statusCode).toBe(200);
    expect((await send({ target: { kind: 'class', value: '重要' } })).statusCode).toBe(200);
    expect(h.store.policies).toHaveLength(2);
  });

  it('reaches the agents of its target only, highest version first, and again when it changes', async () => {
    h = makeConsole();
    const s = await staff(h);
    const fin = await enroll(
      h,
      (
        await enrollmentToken(h, s.admin, {
          group: 'finance',
          department: '财务部',
          personnelClass: '核心',
        })
      ).token,
    );
    const rnd = await enroll(
      h,
      (await enrollmentToken(h, s.admin, { group: 'rnd', department: '研发部' })).token,
    );
    const policyOf = async (a: typeof fin, etag: string | null = null) =>
      (await sync(h, a, syncBody(a, [], etag))).json<{ policy?: { etag: string; bytes: string } }>()
        .policy;

    expect(await policyOf(fin)).toBeUndefined();
    const dept = (
      await upload(s.admin, policyText(5), { kind: 'department', value: '财务部' })
    ).json<{ etag: string }>();
    expect((await policyOf(fin))?.etag).toBe(dept.etag);
    expect(await policyOf(rnd)).toBeUndefined();
    // A higher version for the personnel class wins for the finance agent.
    const cls = (await upload(s.admin, policyText(7), { kind: 'class', value: '核心' })).json<{
      etag: string;
    }>();
    const got = await policyOf(fin, dept.etag);
    expect(got?.etag).toBe(cls.etag);
    expect(Buffer.from(got!.bytes, 'base64').toString()).toBe(policyText(7));
    expect(await policyOf(fin, cls.etag)).toBeUndefined();
    expect(h.store.agents.get(fin.id)!.policyEtag).toBe(cls.etag);
    expect(h.store.agents.get(rnd.id)!.policyEtag).toBeNull();
    // Which agents run which version (from heartbeats) is one query.
    await h.app.baomi.flushLastSeen();
    const versions = await call(h, s.analyst, 'GET', '/api/v1/policies/versions');
    expect(versions.json()).toEqual({ versions: [{ name: null, version: null, agents: 2 }] });
  });
});

describe('audit trail', () => {
  it('pages by seq, verifies the chain, and reports a row edited behind the API', async () => {
    h = makeConsole();
    const s = await staff(h);
    for (let i = 0; i < 4; i++) await enrollmentToken(h, s.admin, { group: `g${i}` });
    const total = h.store.audit.length; // 3 logins + 4 tokens
    expect(total).toBe(7);
    const p1 = (await call(h, s.auditor, 'GET', '/api/v1/audit?limit=5')).json<{
      rows: { seq: number }[];
      next: number;
    }>();
    expect(p1.rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(p1.next).toBe(5);
    const p2 = (await call(h, s.auditor, 'GET', `/api/v1/audit?after=${p1.next}&limit=5`)).json<{
      rows: { seq: number }[];
      next: number | null;
    }>();
    expect(p2.rows.map((r) => r.seq)).toEqual([6, 7]);
    expect(p2.next).toBeNull();
    expect((await call(h, s.admin, 'GET', '/api/v1/audit/verify')).json()).toEqual({
      ok: true,
      checked: total,
      breaks: [],
    });
    // Someone with database access edits a row: the walk names it.
    h.store.audit[3]!.details = { group: 'edited' };
    const v = (await call(h, s.auditor, 'GET', '/api/v1/audit/verify')).json<{
      ok: boolean;
      breaks: { seq: number; kind: string }[];
    }>();
    expect(v.ok).toBe(false);
    expect(v.breaks).toContainEqual({ seq: 4, kind: 'hash' });
    expect((await call(h, s.analyst, 'GET', '/api/v1/audit')).statusCode).toBe(403);
    expect((await call(h, s.admin, 'GET', '/api/v1/audit?limit=0')).statusCode).toBe(400);
  });
});
