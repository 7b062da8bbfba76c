// The whole story of an exception request between the agent and a console that speaks the
// wire format (tests/helpers/fake-console.ts), over HTTPS on loopback: the person at the
// console asks (`baomi exception request` on agent.sock with their seat token), the request
// reaches the console with the next sync, staff approve it (a BMX1 token signed with the
// console's exception key, pinned at enrollment) and the blocked stick on the fabricated sysfs
// is allowed; a denied request is recorded as refused with the note and who decided; each
// decision is applied once and the person is told.
//
// The agent runs in this process (the compiled one, real store, sockets and HTTPS) so that
// the session source can be the fake twin: this machine has nobody logged in at a seat.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAgent } from '../../../src/agent/agent.js';
import type { BaomiEvent } from '../../../src/core/events/types.js';
import { FakeNotifier, FakeSession } from '../../../src/platform/fake/index.js';
import { createPlatform } from '../../../src/platform/index.js';
import {
  type AgentDirs,
  agentDirs,
  installSignedPolicy,
  policyYaml,
  waitFor,
} from '../../helpers/agent.js';
import { runCliAsync } from '../../helpers/cli-async.js';
import {
  type ConsoleState,
  decide,
  type FakeConsole,
  makeTls,
  startFakeConsole,
} from '../../helpers/fake-console.js';
import { FakeSysfs } from '../../helpers/fake-sysfs.js';
import { QEMU_STICK } from '../../helpers/usb-descriptors.js';

// The compiled agent: it runs its policy judge as dist/agent/policy/judge-child.js.
const DIST_AGENT = '../../../dist/agent/agent.js';
const { startAgent } = (await import(DIST_AGENT)) as typeof import('../../../src/agent/agent.js');

const uid = process.getuid?.() ?? 1000;
const STICK = '46f4:0001:EXC-SYNC-1';
const made: string[] = [];
let fake: FakeConsole;
let state: ConsoleState;
let d: AgentDirs;
let running: RunningAgent | null = null;
let runtime: string;
const notifier = new FakeNotifier();

const all = (): BaomiEvent[] => {
  running!.store.flush();
  return running!.store.query({ order: 'asc' });
};
const find = (type: string, requestId: string) =>
  all().filter((e) => e.type === type && e.data.requestId === requestId);

/** `baomi exception request` as the seat user: agent.sock with their seat token. */
const ask = (device: string, reason: string) =>
  runCliAsync(
    [
      'exception',
      'request',
      '--device',
      device,
      '--reason',
      reason,
      '--socket',
      join(d.socketDir, 'agent.sock'),
    ],
    { XDG_RUNTIME_DIR: runtime },
  );

/** The request as the console received it with a sync. */
const reached = (requestId: string) =>
  waitFor('the request at the console', () => {
    for (const a of state.agents.values())
      for (const e of a.events.values())
        if (e.type === 'usb.exception-requested' && e.data.requestId === requestId) return e;
    return null;
  });

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'baomi-decisions-'));
  made.push(dir);
  const tls = makeTls(dir);
  fake = await startFakeConsole({ tls });
  state = fake.state;
  d = agentDirs();
  made.push(d.root);
  runtime = join(d.root, 'runtime');
  mkdirSync(join(runtime, 'baomi'), { recursive: true, mode: 0o700 });
  const sysfs = new FakeSysfs();
  made.push(sysfs.root);
  sysfs.rootHub(1);
  sysfs.plug('1-1', {
    descriptors: QEMU_STICK,
    product: 'QEMU USB HARDDRIVE',
    serial: 'EXC-SYNC-1',
  });
  const r = await runCliAsync([
    'enroll',
    '--console',
    fake.url,
    '--token',
    'enroll-token-1',
    '--ca',
    tls.cert,
    '--data-dir',
    d.dataDir,
    '--trust-dir',
    d.trustDir,
  ]);
  expect(r.code, r.stderr).toBe(0);
  installSignedPolicy(
    d,
    policyYaml(1, `sync: { console: ${fake.url}, interval: 1s }\nusb: { storage: block }`),
  );
  running = await startAgent({
    policyFile: d.policyFile,
    dataDir: d.dataDir,
    trustDir: d.trustDir,
    sockets: { agent: join(d.socketDir, 'agent.sock'), admin: join(d.socketDir, 'admin.sock') },
    trustDemo: false,
    lang: 'en',
    platform: {
      ...createPlatform({ sysfsRoot: sysfs.sys }),
      session: new FakeSession({ name: 'alice', uid, source: 'fake' }),
      notifier,
    },
    logFile: join(d.root, 'agent.log'),
    seatTokenDir: () => join(runtime, 'baomi'),
  });
  await waitFor('the stick blocked', () =>
    all().find((e) => e.type === 'usb.blocked' && e.data.serial === 'EXC-SYNC-1'),
  );
}, 60_000);

afterAll(async () => {
  await running?.stop('test');
  await fake?.close();
  for (const x of made.splice(0)) rmSync(x, { recursive: true, force: true });
});

describe('exception requests through the console', () => {
  it('asked, approved by staff, and the blocked stick is allowed; applied once', async () => {
    const r = await ask(STICK, '审计部拷贝账目 audit copy');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Request [0-9a-f-]{36} recorded for device 46f4:0001:EXC-SYNC-1/);
    expect(r.stdout).toMatch(/goes to the console https:\/\/127\.0\.0\.1:\d+ with the next sync/);
    const requestId = /Request ([0-9a-f-]{36})/.exec(r.stdout)![1]!;
    const asked = await reached(requestId);
    expect(asked.user).toBe('alice');
    expect(asked.data).toEqual({
      requestId,
      device: STICK,
      deviceLabel: 'QEMU USB HARDDRIVE (46f4:0001)',
      reason: '审计部拷贝账目 audit copy',
    });

    decide(state, requestId, { approved: true, note: '同意，限今日 ok today' });
    const redeemed = await waitFor(
      'the exception in force',
      () => find('usb.exception', requestId)[0],
    );
    expect(redeemed.data).toMatchObject({
      id: requestId,
      device: STICK,
      user: 'alice',
      host: hostname(),
      socket: 'console',
      decidedBy: 'analyst-wang',
      key: 'console',
    });
    const allowed = await waitFor('the stick allowed', () =>
      all().find(
        (e) =>
          e.type === 'usb.allowed' &&
          e.data.serial === 'EXC-SYNC-1' &&
          (e.data.rule as { by?: string; id?: string })?.id === requestId,
      ),
    );
    expect(allowed.data).toMatchObject({ because: 'exception', rule: { by: 'exception' } });
    // The console learns the outcome from the event and stops sending the decision.
    await waitFor('delivered', () => state.delivered.has(requestId));
    const n = state.requests.length;
    await waitFor('two more rounds', () => state.requests.length >= n + 2);
    expect(state.requests.at(-1)!.answer!.decisions).toEqual([]);
    expect(find('usb.exception', requestId)).toHaveLength(1);
    expect(find('usb.exception-refused', requestId)).toHaveLength(0);
    await waitFor('the person told', () =>
      notifier.shown.find((s) => s.notice.title === 'USB exception approved'),
    );
  }, 60_000);

  it('asked, denied by staff: recorded as refused with the note and who decided', async () => {
    const r = await ask('0781:5581:NOT-HERE', '外出培训 training');
    expect(r.code, r.stderr).toBe(0);
    const requestId = /Request ([0-9a-f-]{36})/.exec(r.stdout)![1]!;
    const asked = await reached(requestId);
    expect(asked.data.deviceLabel).toBeUndefined(); // never seen here
    decide(state, requestId, { approved: false, note: '不同意：请用加密U盘' });
    const refused = await waitFor(
      'the denial recorded',
      () => find('usb.exception-refused', requestId)[0],
    );
    expect(refused.user).toBe('alice');
    expect(refused.data).toMatchObject({
      code: 'EXCEPTION_DENIED',
      note: '不同意：请用加密U盘',
      decidedBy: 'analyst-wang',
      device: '0781:5581:NOT-HERE',
    });
    await waitFor('delivered', () => state.delivered.has(requestId));
    expect(find('usb.exception-refused', requestId)).toHaveLength(1);
    const shown = await waitFor('the person told', () =>
      notifier.shown.find((s) => s.notice.title === 'USB exception denied'),
    );
    expect(shown.notice.body).toMatch(/0781:5581:NOT-HERE[\s\S]*analyst-wang: 不同意：请用加密U盘/);
    // `baomi events` words the denial in the reader's language.
    const ev = await runCliAsync([
      'events',
      '--socket',
      join(d.socketDir, 'admin.sock'),
      '--type',
      'usb.exception-refused',
    ]);
    expect(ev.stdout).toMatch(
      /EXCEPTION_DENIED: The security team \(analyst-wang\) denied the request/,
    );
  }, 60_000);

  it('without the seat token the request is refused, and nothing is recorded', async () => {
    const before = all().filter((e) => e.type === 'usb.exception-requested').length;
    const r = await runCliAsync(
      [
        'exception',
        'request',
        '--device',
        STICK,
        '--reason',
        'x',
        '--socket',
        join(d.socketDir, 'agent.sock'),
      ],
      { XDG_RUNTIME_DIR: join(d.root, 'elsewhere') },
    );
    expect(r.code).toBe(2);
    expect(all().filter((e) => e.type === 'usb.exception-requested').length).toBe(before);
    const bad = await ask('nonsense', 'x');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Cannot read the device "nonsense"/);
  });
});
