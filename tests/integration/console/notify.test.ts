// Alert notifications (issue 12 §4) end to end, on the real SQLite store: alerts raised the
// real way (an agent's signed sync, or the store's ingest), the console's `notify` worker
// stepped by hand on a test clock, and real peers started here: a local SMTP server
// (smtp-server) and a local HTTP receiver that checks the HMAC as a receiver should.
// Bad input: an SMTP server that refuses (550, 421), a webhook that never answers or fails.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { Notifier } from '../../../src/console/notify/notifier.js';
import { buildConsole } from '../../../src/console/server/app.js';
import type { LeaseLoop } from '../../../src/console/server/lease-loop.js';
import { openConsoleStore } from '../../../src/console/store/index.js';
import { SQLITE_MIGRATIONS } from '../../../src/console/store/migrations/sqlite/index.js';
import type { ConsoleStore } from '../../../src/console/store/types.js';
import { type ConsoleConfig, consoleConfigSchema } from '../../../src/core/console/config/index.js';
import type { Channel, NotifyRule } from '../../../src/core/console/config/notify.js';
import type { Severity } from '../../../src/core/events/types.js';
import { AgentLog } from '../../console/store.suite.js';
import {
  enroll,
  enrollmentToken,
  type Harness,
  nextEvents,
  staff,
  sync,
  syncBody,
} from '../../helpers/console-app.js';
import { makeTls } from '../../helpers/fake-console.js';
import { startSmtp, startWebhook } from '../../helpers/notify-peers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'baomi-notify-'));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

function secretFile(dir: string, name: string, value: string): string {
  const file = join(dir, name);
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

const KEY = randomBytes(32).toString('hex');
const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;

interface Console {
  app: FastifyInstance;
  store: ConsoleStore;
  clock: { now: number };
  dir: string;
  tick(): Promise<void>;
  logs(): string;
  /** Each agent's chain, as raise() continues it. */
  agentLogs: Map<string, AgentLog>;
}

async function makeConsole(
  dir: string,
  notify: { channels: Channel[]; rules?: NotifyRule[]; maxAttempts?: number },
  store?: ConsoleStore,
  clock = { now: Date.now() },
): Promise<Console> {
  const s = store ?? (await openConsoleStore({ dataDir: join(dir, 'console') }));
  if (!store) cleanups.push(() => s.close());
  const config: ConsoleConfig = consoleConfigSchema.parse({});
  config.notify = {
    ...config.notify,
    channels: notify.channels,
    ...(notify.rules ? { rules: notify.rules } : {}),
    maxAttempts: notify.maxAttempts ?? 10,
    retryAfter: 30_000,
  };
  let logged = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      logged += chunk.toString();
      cb();
    },
  });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const app = buildConsole({
    store: s,
    config,
    exceptionKey: {
      privateKey,
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    },
    syncIntervalMs: 60_000,
    now: () => clock.now,
    log: { level: 'debug', stream },
    timers: false,
    workers: false,
  });
  await app.ready();
  cleanups.push(() => app.close());
  const worker = app.baomi.workers.find((w) => w.name === 'notify') as LeaseLoop;
  expect(worker).toBeDefined();
  return {
    app,
    store: s,
    clock,
    dir,
    tick: () => worker.tick(),
    logs: () => logged,
    agentLogs: new Map(),
  };
}

const webhook = (name: string, url: string, file: string, timeout = 2000): Channel => ({
  name,
  kind: 'webhook',
  url,
  secretFile: file,
  timeout,
});

const email = (
  name: string,
  port: number,
  o: { passwordFile?: string; ca?: string; requireTLS?: boolean } = {},
): Channel => ({
  name,
  kind: 'email',
  smtp: `smtp://soc-bot@127.0.0.1:${port}`,
  ...(o.passwordFile ? { passwordFile: o.passwordFile } : {}),
  ...(o.ca ? { ca: o.ca } : {}),
  requireTLS: o.requireTLS ?? false,
  from: 'baomi@console.example.cn',
  to: ['soc@example.cn', 'duty@example.cn'],
  timeout: 5000,
});

/** Raises `n` usb.enforcement-lost alerts for an agent (created on first use) by ingest. */
async function raise(
  c: Console,
  agentId: string,
  n: number,
  host = 'ws-01',
  severity: Severity = 'high',
): Promise<number[]> {
  if (!(await c.store.agent(agentId)))
    await c.store.createAgent({
      id: agentId,
      publicKey: 'k',
      exceptionSecret: 's',
      host,
      os: 'linux',
      group: 'g',
      enrolledAt: c.clock.now,
    });
  const log = c.agentLogs.get(agentId) ?? new AgentLog(host);
  c.agentLogs.set(agentId, log);
  const events = Array.from({ length: n }, () =>
    log.add({
      type: 'usb.enforcement-lost',
      severity,
      data: { open: ['usb1'], resealed: true, why: 'check' },
    }),
  );
  return (await c.store.ingest(agentId, events, c.clock.now)).alerts.map((a) => a.id);
}

const hookFile = (dir: string) => secretFile(dir, 'hook.key', KEY);

describe('alert notifications', () => {
  it('webhook: an agent’s usb.enforcement-lost, synced, reaches the receiver signed', async () => {
    const dir = tmp();
    const clock = { now: Date.now() };
    const hook = await startWebhook(KEY, () => clock.now);
    cleanups.push(() => hook.close());
    const c = await makeConsole(
      dir,
      { channels: [webhook('soc', hook.url, hookFile(dir))] },
      undefined,
      clock,
    );
    const h = { app: c.app, store: c.store, clock } as unknown as Harness;
    const { admin } = await staff(h);
    const agent = await enroll(h, (await enrollmentToken(h, admin)).token, 'ws-07');
    const events = nextEvents(agent, clock.now, [
      { type: 'usb.blocked', data: { device: 'x' } },
      {
        type: 'usb.enforcement-lost',
        severity: 'high',
        data: { open: ['usb1', 'usb2'], resealed: false, why: 'check', reason: 'EACCES' },
      },
    ]);
    expect((await sync(h, agent, syncBody(agent, events))).statusCode).toBe(200);
    // The same batch again (a retry by the agent): no second alert, no second message.
    expect((await sync(h, agent, syncBody(agent, events))).statusCode).toBe(200);
    await c.tick();
    await c.tick();

    expect(hook.hits).toHaveLength(1);
    const [hit] = hook.hits;
    expect(hit!.verified).toBe(true);
    expect(hit!.headers['content-type']).toMatch(/^application\/json/);
    expect(hit!.headers['x-baomi-timestamp']).toBe(String(Math.floor(clock.now / 1000)));
    expect(hit!.headers['x-baomi-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    const [alert] = await c.store.listAlerts({ limit: 5 });
    expect(hit!.headers['x-baomi-delivery']).toBe(String(hit!.json.delivery));
    expect(hit!.json).toMatchObject({
      v: 1,
      kind: 'alert',
      channel: 'soc',
      rule: 'default',
      agentId: agent.id,
      host: 'ws-07',
      alert: {
        id: alert!.id,
        type: 'usb.enforcement-lost',
        severity: 'high',
        stage: '预报',
        stageEn: 'forecast',
        agentId: agent.id,
        host: 'ws-07',
        time: new Date(clock.now).toISOString(),
        seq: 2,
        link: `/alerts/${alert!.id}`,
        data: { open: ['usb1', 'usb2'], resealed: false },
      },
      held: { count: 0, alerts: [] },
    });
    const summary = hit!.json.summary as { 'zh-CN': string; en: string };
    expect(summary['zh-CN']).toMatch(/ws-07 的 USB 管控失效（check：usb1, usb2）/);
    expect(summary.en).toMatch(/USB enforcement on ws-07 was lost \(check: usb1, usb2\)/);
    // A body changed in transit, or another key, does not verify.
    const { verifyWebhookSignature } = await import(
      '../../../src/core/console/notify/signature.js'
    );
    const ts = hit!.headers['x-baomi-timestamp'] as string;
    const sig = hit!.headers['x-baomi-signature'] as string;
    expect(
      verifyWebhookSignature(KEY, ts, sig, hit!.body.replace('ws-07', 'ws-08'), clock.now),
    ).toBe(false);
    expect(verifyWebhookSignature(`${KEY}x`, ts, sig, hit!.body, clock.now)).toBe(false);
    expect(verifyWebhookSignature(KEY, ts, sig, hit!.body, clock.now + 301_000)).toBe(false);

    expect(await c.store.listDeliveries({ limit: 5 })).toMatchObject([
      { alertId: alert!.id, channel: 'soc', state: 'sent', attempts: 1, sentAt: clock.now },
    ]);
    expect(c.logs()).toMatch(/"msg":"notification sent"/);
    expect(c.logs()).not.toContain(KEY);
  });

  it('email over STARTTLS with a password: bilingual plain text; a hostile host name stays in the text', async () => {
    const dir = tmp();
    const tls = makeTls(dir, 'smtp');
    const { readFileSync } = await import('node:fs');
    const smtp = await startSmtp({
      user: 'soc-bot',
      password: PASSWORD,
      tls: { key: readFileSync(tls.key, 'utf8'), cert: tls.certPem },
    });
    cleanups.push(() => smtp.close());
    const c = await makeConsole(dir, {
      channels: [
        email('mail', smtp.port, {
          passwordFile: secretFile(dir, 'smtp.pass', PASSWORD),
          ca: tls.cert,
          requireTLS: true,
        }),
      ],
    });
    const evil = 'ws-01\r\nBcc: thief@evil.example\r\nX-Injected: 1\u202e';
    const [id] = await raise(c, 'agent-1', 1, evil, 'critical');
    await c.tick();

    expect(smtp.mails).toHaveLength(1);
    const m = smtp.mails[0]!;
    expect(m).toMatchObject({
      from: 'baomi@console.example.cn',
      to: ['soc@example.cn', 'duty@example.cn'],
      user: 'soc-bot',
      secure: true,
    });
    // No header came from the host name; the subject has it escaped, on one line.
    expect(m.header('bcc')).toBeUndefined();
    expect(m.header('x-injected')).toBeUndefined();
    expect(m.raw).not.toMatch(/^Bcc:/im);
    const hostShown = 'ws-01\\u000d\\u000aBcc: thief@evil.example\\u000d\\u000aX-Injected:…';
    expect(m.subject).toBe(
      `[保密] 严重级告警 #${id}：${hostShown} 上的 usb.enforcement-lost | [Baomi] critical alert #${id}: usb.enforcement-lost on ${hostShown}`,
    );
    expect(m.header('content-type')).toMatch(/^text\/plain; charset=utf-8/i);
    expect(m.header('message-id')).toMatch(/^<baomi-notify-\d+@console\.example\.cn>$/);
    expect(m.header('auto-submitted')).toBe('auto-generated');
    expect(m.header('x-baomi-alert')).toBe(String(id));
    // zh-CN first, then English; each line of the agent's host is on the line it belongs to.
    const zh = m.text.indexOf(`告警 #${id}（严重）：usb.enforcement-lost`);
    const en = m.text.indexOf(`Alert #${id} (critical): usb.enforcement-lost`);
    expect(zh).toBeGreaterThanOrEqual(0);
    expect(en).toBeGreaterThan(zh);
    expect(m.text).toContain('----- English -----');
    expect(m.text).toContain(`在控制台中查看：/alerts/${id}`);
    expect(m.text).toContain(`In the console: /alerts/${id}`);
    expect(m.text.split('\n').filter((l) => l.startsWith('Bcc:'))).toEqual([]);
    expect(m.text).not.toContain('\u202e');
    expect(c.logs()).not.toContain(PASSWORD);
  });

  it('an SMTP server that refuses (550, then 421): recorded, retried with back-off, then exactly one mail', async () => {
    const dir = tmp();
    const smtp = await startSmtp();
    cleanups.push(() => smtp.close());
    const answers = [
      { code: 550, message: 'mailbox unavailable' },
      { code: 421, message: 'try again later' },
    ];
    smtp.refuse = () => answers.shift() ?? null;
    const c = await makeConsole(dir, { channels: [email('mail', smtp.port)] });
    const [id] = await raise(c, 'agent-1', 1);
    const row = async () => (await c.store.listDeliveries({ alertId: id!, limit: 1 }))[0]!;

    await c.tick();
    expect(smtp.mails).toHaveLength(0);
    expect(await row()).toMatchObject({
      state: 'pending',
      attempts: 1,
      lastError: 'NOTIFY_SMTP_REFUSED',
      nextAt: c.clock.now + 30_000,
    });
    expect((await row()).lastDetail).toMatch(/550/);
    // Not before its time.
    c.clock.now += 29_000;
    await c.tick();
    expect(smtp.attempts).toBe(1);
    c.clock.now += 1_000;
    await c.tick();
    expect(await row()).toMatchObject({
      state: 'pending',
      attempts: 2,
      nextAt: c.clock.now + 60_000,
    });
    expect((await row()).lastDetail).toMatch(/421/);
    c.clock.now += 60_000;
    await c.tick();
    await c.tick();
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.attempts).toBe(3);
    expect(await row()).toMatchObject({ state: 'sent', attempts: 3, sentAt: c.clock.now });
    const lines = c
      .logs()
      .split('\n')
      .filter((l) => l.includes('"worker":"notify"'));
    expect(lines.filter((l) => l.includes('will be tried again'))).toHaveLength(2);
    expect(lines.filter((l) => l.includes('"msg":"notification sent"'))).toHaveLength(1);
  });

  it('one recipient refused, the other taken: sent once, the refusal kept and logged', async () => {
    const dir = tmp();
    const smtp = await startSmtp();
    cleanups.push(() => smtp.close());
    smtp.refuseRcpt.add('duty@example.cn');
    const c = await makeConsole(dir, { channels: [email('mail', smtp.port)] });
    const [id] = await raise(c, 'agent-1', 1);
    await c.tick();
    c.clock.now += 3_600_000;
    await c.tick();
    expect(smtp.mails.map((m) => m.to)).toEqual([['soc@example.cn']]);
    const [row] = await c.store.listDeliveries({ alertId: id!, limit: 1 });
    expect(row).toMatchObject({ state: 'sent', attempts: 1, lastError: 'NOTIFY_SMTP_REFUSED' });
    expect(row!.lastDetail).toMatch(/^refused duty@example\.cn: 550/);
    expect(c.logs()).toMatch(
      /"msg":"notification sent, but the mail server refused some recipients"/,
    );
  });

  it('given up after maxAttempts: a notify.failed alert, sent over the other channel only', async () => {
    const dir = tmp();
    const smtp = await startSmtp();
    cleanups.push(() => smtp.close());
    smtp.refuse = () => ({ code: 550, message: 'no such user' });
    const clock = { now: Date.now() };
    const hook = await startWebhook(KEY, () => clock.now);
    cleanups.push(() => hook.close());
    const c = await makeConsole(
      dir,
      {
        channels: [email('mail', smtp.port), webhook('soc', hook.url, hookFile(dir))],
        rules: [
          { name: 'usb', types: ['usb.*'], channels: ['mail'], quietPeriod: 0 },
          { name: 'ops', types: ['notify.*'], quietPeriod: 0 },
        ],
        maxAttempts: 2,
      },
      undefined,
      clock,
    );
    const [id] = await raise(c, 'agent-1', 1);
    await c.tick();
    c.clock.now += 30_000;
    await c.tick();
    const [given] = await c.store.listDeliveries({ alertId: id!, limit: 1 });
    expect(given).toMatchObject({ state: 'failed', attempts: 2, lastError: 'NOTIFY_SMTP_REFUSED' });
    const failed = (await c.store.listAlerts({ limit: 5 })).find((a) => a.type === 'notify.failed');
    expect(failed).toMatchObject({
      agentId: 'agent-1',
      severity: 'high',
      data: { deliveryId: given!.id, channel: 'mail', alertId: id, attempts: 2 },
    });
    expect(c.logs()).toMatch(/"msg":"notification given up after its last attempt"/);
    await c.tick();
    // Told over the webhook; never tried over the mail channel that failed.
    expect(hook.hits.map((x) => (x.json.alert as { type: string }).type)).toEqual([
      'notify.failed',
    ]);
    expect((hook.hits[0]!.json.summary as { en: string }).en).toMatch(
      new RegExp(
        `notification \\(alert #${id}\\) could not be delivered over the channel mail after 2 attempt`,
      ),
    );
    expect(await c.store.listDeliveries({ alertId: failed!.id, limit: 5 })).toMatchObject([
      { channel: 'soc', state: 'sent' },
    ]);
    expect(smtp.attempts).toBe(2);
  });

  it('a webhook that never answers: the timeout is recorded and it is retried; a 500 too', async () => {
    const dir = tmp();
    const clock = { now: Date.now() };
    const hook = await startWebhook(KEY, () => clock.now);
    cleanups.push(() => hook.close());
    const answers: (number | 'hang')[] = ['hang', 500, 204];
    hook.answer = () => answers.shift() ?? 200;
    const c = await makeConsole(
      dir,
      { channels: [webhook('soc', hook.url, hookFile(dir), 300)] },
      undefined,
      clock,
    );
    const [id] = await raise(c, 'agent-1', 1);
    const row = async () => (await c.store.listDeliveries({ alertId: id!, limit: 1 }))[0]!;
    const started = Date.now();
    await c.tick();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(hook.hung).toBe(1);
    expect(await row()).toMatchObject({
      state: 'pending',
      attempts: 1,
      lastError: 'NOTIFY_TIMEOUT',
      lastDetail: 'no answer within 300 ms',
    });
    clock.now += 30_000;
    await c.tick();
    expect(await row()).toMatchObject({
      state: 'pending',
      attempts: 2,
      lastError: 'NOTIFY_HTTP_STATUS',
      lastDetail: 'HTTP 500',
    });
    clock.now += 60_000;
    await c.tick();
    expect(await row()).toMatchObject({ state: 'sent', attempts: 3 });
    expect(hook.hits.map((x) => x.json.delivery)).toEqual([(await row()).id, (await row()).id]);
    expect(c.logs()).not.toContain(hook.url);
    expect(c.logs()).not.toContain(KEY);
  });

  it('quiet period: 5 alerts within it are 1 message, then 1 naming the 4 others', async () => {
    const dir = tmp();
    const clock = { now: Date.now() };
    const hook = await startWebhook(KEY, () => clock.now);
    cleanups.push(() => hook.close());
    const c = await makeConsole(
      dir,
      { channels: [webhook('soc', hook.url, hookFile(dir))] },
      undefined,
      clock,
    );
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(...(await raise(c, 'agent-1', 1)));
      await c.tick();
      clock.now += 60_000;
    }
    // Another agent is not held by agent-1's quiet period.
    const [other] = await raise(c, 'agent-2', 1, 'ws-02');
    await c.tick();
    expect(hook.hits.map((x) => (x.json.alert as { id: number }).id)).toEqual([ids[0], other]);
    clock.now += 15 * 60_000 - 5 * 60_000; // the default rule's 15 minutes after the first
    await c.tick();
    expect(hook.hits).toHaveLength(3);
    const summary = hook.hits[2]!.json;
    expect(summary).toMatchObject({
      kind: 'summary',
      alert: null,
      agentId: 'agent-1',
      host: 'ws-01',
    });
    expect(summary.held).toEqual({
      count: 4,
      alerts: ids.slice(1).map((id) => expect.objectContaining({ id, link: `/alerts/${id}` })),
    });
    expect((summary.summary as { en: string }).en).toMatch(
      /quiet period of rule default for ws-01 has ended\. 4 matching alert\(s\)/,
    );
    expect(hook.hits.every((x) => x.verified)).toBe(true);
    // Every one accounted for: 2 sent alone, 4 named, 1 summary sent.
    const rows = await c.store.listDeliveries({ limit: 20 });
    expect(rows.map((d) => d.state).sort()).toEqual(
      ['named', 'named', 'named', 'named', 'sent', 'sent', 'sent'].sort(),
    );
  });

  it('two notifiers on one SQLite file, stepping at once, never send one alert twice', async () => {
    const dir = tmp();
    const clock = { now: Date.now() };
    const hook = await startWebhook(KEY, () => clock.now);
    cleanups.push(() => hook.close());
    const smtp = await startSmtp();
    cleanups.push(() => smtp.close());
    const channels = [webhook('soc', hook.url, hookFile(dir)), email('mail', smtp.port)];
    const rules: NotifyRule[] = [{ name: 'all', minSeverity: 'high', quietPeriod: 0 }];
    const c = await makeConsole(dir, { channels, rules }, undefined, clock);
    const other = await openConsoleStore({ dataDir: join(dir, 'console') });
    cleanups.push(() => other.close());
    const quiet = { info() {}, warn() {}, error() {}, debug() {} } as never;
    const config = { ...c.app.baomi.deps.config.notify };
    const a = new Notifier({
      store: c.store,
      config,
      holder: 'a',
      now: () => clock.now,
      log: quiet,
    });
    const b = new Notifier({ store: other, config, holder: 'b', now: () => clock.now, log: quiet });
    const ids: number[] = [];
    for (let round = 0; round < 4; round++) {
      ids.push(...(await raise(c, `agent-${round}`, 6, `ws-${round}`)));
      await Promise.all([a.step(), b.step(), a.step(), b.step()]);
    }
    await Promise.all([a.step(), b.step()]);
    const hooked = hook.hits.map((x) => (x.json.alert as { id: number }).id).sort((x, y) => x - y);
    expect(hooked).toEqual(ids);
    const mailed = smtp.mails.map((m) => Number(m.header('x-baomi-alert'))).sort((x, y) => x - y);
    expect(mailed).toEqual(ids);
  });

  it('a database from before notifications migrates: its alerts are kept and not sent; new ones are', async () => {
    const dir = tmp();
    const dataDir = join(dir, 'console');
    const old = await openConsoleStore({
      dataDir,
      sqlite: { migrations: SQLITE_MIGRATIONS.slice(0, 4) },
    });
    await old.createAgent({
      id: 'agent-1',
      publicKey: 'k',
      exceptionSecret: 's',
      host: 'ws-01',
      os: 'linux',
      group: 'g',
      enrolledAt: 1,
    });
    await old.close();
    // The alert an ingest of that version raised, written as that version wrote it (today's
    // ingest also fills alerts.user_name, a later migration's column).
    const raw = new Database(join(dataDir, 'console.db'));
    raw
      .prepare(
        `INSERT INTO alerts (agent_id, ts, type, severity, seq, data, dedup_key)
         VALUES ('agent-1', ?, 'sync.gap', 'high', 2, '{"from":2,"to":2}', 'gap:2')`,
      )
      .run(Date.now());
    raw.close();
    const reopened = await openConsoleStore({
      dataDir,
      sqlite: { migrations: SQLITE_MIGRATIONS.slice(0, 4) },
    });
    const before = await reopened.listAlerts({ limit: 10 });
    await reopened.close();
    expect(before.map((a) => a.type)).toEqual(['sync.gap']);
    const store = await openConsoleStore({ dataDir });
    cleanups.push(() => store.close());
    expect(await store.listAlerts({ limit: 10 })).toEqual(before);
    const clock = { now: Date.now() };
    const hook = await startWebhook(KEY, () => clock.now);
    cleanups.push(() => hook.close());
    const c = await makeConsole(
      dir,
      { channels: [webhook('soc', hook.url, hookFile(dir))] },
      store,
      clock,
    );
    await c.tick();
    expect(hook.hits).toEqual([]);
    const [id] = await raise(c, 'agent-2', 1);
    await c.tick();
    expect(hook.hits.map((x) => (x.json.alert as { id: number }).id)).toEqual([id]);
  });

  it('refuses to start with a key file others can read, or a key too short to sign with', async () => {
    const dir = tmp();
    const file = secretFile(dir, 'hook.key', KEY);
    chmodSync(file, 0o644);
    await expect(
      makeConsole(dir, { channels: [webhook('soc', 'https://soc.example.cn/hook', file)] }),
    ).rejects.toMatchObject({
      code: 'CONSOLE_CONFIG_INVALID',
      params: { problems: expect.stringMatching(/can be read by others \(mode 0644\)/) },
    });
    const short = secretFile(dir, 'short.key', 'abc');
    await expect(
      makeConsole(dir, { channels: [webhook('soc', 'https://soc.example.cn/hook', short)] }),
    ).rejects.toMatchObject({
      params: { problems: expect.stringMatching(/shorter than 16 bytes/) },
    });
  });
});
