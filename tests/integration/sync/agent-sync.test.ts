// A real agent process syncing to a console that speaks the wire format
// (tests/helpers/fake-console.ts) over HTTPS on loopback with a self-signed certificate pinned
// at enrollment: events arrive with signatures that verify and hashes that chain; the console
// killed in the middle of a backlog and started again loses nothing and stores nothing twice;
// an agent killed and started again resumes from its acknowledgement; a console policy that
// verifies is applied, one signed by an untrusted key or older is refused (source console),
// and the console's policy is still in force after a restart with an older file on disk.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/agent/store/index.js';
import type { BaomiEvent } from '../../../src/core/events/types.js';
import { generateKeyPair } from '../../../src/core/policy/signature.js';
import {
  type AgentDirs,
  type AgentProcess,
  agentDirs,
  installSignedPolicy,
  policyYaml,
  readEvents,
  startAgentProcess,
  stopAgent,
  waitFor,
} from '../../helpers/agent.js';
import { runCliAsync, waitForAsync } from '../../helpers/cli-async.js';
import {
  type ConsoleState,
  consolePolicy,
  type FakeAgent,
  type FakeConsole,
  makeTls,
  startFakeConsole,
  storedSeqs,
  type TlsFiles,
} from '../../helpers/fake-console.js';

const made: string[] = [];
let tls: TlsFiles;
let fake: FakeConsole;
let state: ConsoleState;
let d: AgentDirs;
let folder: string;
let agent: AgentProcess | null = null;
/** Trusted for policies by the agent (the console hands out what IT signed with it). */
const itKey = generateKeyPair();

const policyText = (version: number, note = '') =>
  policyYaml(
    version,
    [
      `sync: { console: ${fake.url}, interval: 1s, batch: 20 }`,
      'folders:',
      `  - { path: ${folder}, level: A }`,
      'usb: { storage: audit }',
      note ? `# ${note}` : '',
    ].join('\n'),
  );

/** The agent's own acknowledgement and head, read from its database. */
function agentSide(): { acked: number; head: number } {
  const store = openStore({ dataDir: d.dataDir, host: 'test', readOnly: true });
  try {
    return { acked: store.getAckedSeq(), head: store.head().seq };
  } finally {
    store.close();
  }
}

const consoleAgent = (): FakeAgent => [...state.agents.values()][0]!;

/** Everything the agent stored has reached the console and the agent knows it. */
async function allDelivered(timeoutMs = 30_000) {
  return waitFor(
    'every event delivered and acknowledged',
    () => {
      const a = agentSide();
      return a.head > 0 && a.acked === a.head && consoleAgent().ackedSeq === a.head ? a : null;
    },
    timeoutMs,
  );
}

async function status(): Promise<Record<string, unknown>> {
  const r = await runCliAsync(['status', '--json', '--socket', join(d.socketDir, 'admin.sock')]);
  return JSON.parse(r.stdout);
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'baomi-sync-tls-'));
  made.push(dir);
  tls = makeTls(dir);
  fake = await startFakeConsole({ tls });
  state = fake.state;
  d = agentDirs();
  made.push(d.root);
  folder = join(d.root, 'finance');
  mkdirSync(folder);
  mkdirSync(join(d.trustDir, 'policy'), { recursive: true });
  writeFileSync(join(d.trustDir, 'policy', 'it-console.pub'), itKey.publicKeyPem, { mode: 0o644 });
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
  installSignedPolicy(d, policyText(1));
  agent = startAgentProcess(d);
}, 60_000);

afterAll(async () => {
  if (agent) await stopAgent(agent);
  await fake?.close();
  for (const x of made.splice(0)) rmSync(x, { recursive: true, force: true });
});

describe('an agent syncing to a console', () => {
  it('sends its events signed; the console verifies them, checks the chain and acknowledges', async () => {
    await allDelivered();
    const a = consoleAgent();
    expect(state.requests.length).toBeGreaterThan(0);
    expect(state.requests.every((r) => r.verified && r.status === 200)).toBe(true);
    expect(a.brokenAt).toEqual([]);
    const mine = readEvents(d.dataDir);
    const theirs = storedSeqs(a).map((s) => a.events.get(s)!);
    expect(theirs.map((e) => [e.seq, e.hash])).toEqual(
      mine.filter((e) => e.seq <= a.ackedSeq).map((e) => [e.seq, e.hash]),
    );
    expect(theirs[0]?.type).toBe('agent.started');
    const last = state.requests.at(-1)!.body!;
    expect(last.heartbeat).toMatchObject({
      os: 'linux',
      policy: { name: '测试策略 test policy', version: 1 },
      usbEnforcing: false,
    });
    expect(last.heartbeat.head.seq).toBeGreaterThanOrEqual(a.ackedSeq);
    const s = (await status()) as { sync: Record<string, unknown> };
    expect(s.sync).toMatchObject({ console: fake.url, enrolled: true, agentId: a.agentId });
    expect(s.sync.lastSuccess).toEqual(expect.any(Number));
    const table = await runCliAsync(['status', '--socket', join(d.socketDir, 'admin.sock')]);
    expect(table.stdout).toMatch(new RegExp(`Console sync: enrolled as ${a.agentId}`));
    expect(table.stdout).toMatch(/last success: /);
    const zh = await runCliAsync(['status', '--socket', join(d.socketDir, 'admin.sock')], {
      LANG: 'zh_CN.UTF-8',
    });
    expect(zh.stdout).toMatch(/控制台同步：已注册/);
  });

  it('the console killed in the middle of a backlog and started again: nothing lost, nothing stored twice', async () => {
    const before = state.requests.length;
    for (let i = 0; i < 150; i++) writeFileSync(join(folder, `账目-${i}.txt`), `row ${i}\n`);
    // Some batches of the backlog arrive, then the console dies with connections open.
    await waitFor(
      'the backlog draining',
      () =>
        state.requests.slice(before).filter((r) => (r.body?.events.length ?? 0) > 0).length >= 2,
    );
    await fake.close();
    const down = await waitForAsync('the agent noticing', async () => {
      const s = (await status()) as { sync: { lastError?: { code: string } } };
      return s.sync.lastError?.code === 'SYNC_UNREACHABLE' ? s : null;
    });
    expect(down).toBeTruthy();
    const ackWhileDown = agentSide().acked;
    // Back, and the first answer is lost after the events were stored (a crash after commit).
    state.script.push({ dropAfterStore: true });
    fake = await startFakeConsole({ state, tls, port: fake.port });
    const done = await allDelivered(60_000);
    const a = consoleAgent();
    expect(storedSeqs(a)).toEqual(Array.from({ length: done.head }, (_, i) => i + 1));
    expect(a.duplicates).toBeGreaterThan(0); // the dropped answer's batch came again
    expect(a.brokenAt).toEqual([]);
    expect(readEvents(d.dataDir).filter((e) => e.type === 'file.created').length).toBe(150);
    expect(done.acked).toBeGreaterThan(ackWhileDown);
    // Acknowledged only what was stored: no request carried a seq at or below an ack the
    // agent had recorded before it (events go out above the ack, ascending).
    for (const r of state.requests.slice(before)) {
      const seqs = r.body?.events.map((e) => e.seq) ?? [];
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    }
  }, 120_000);

  it('an agent killed and started again resumes from its acknowledgement', async () => {
    await allDelivered();
    agent!.child.kill('SIGKILL');
    await agent!.exited;
    const { acked } = agentSide();
    const before = state.requests.length;
    agent = startAgentProcess(d);
    const first = await waitFor('the first batch after the restart', () =>
      state.requests.slice(before).find((r) => (r.body?.events.length ?? 0) > 0),
    );
    expect(first.body!.events[0]!.seq).toBe(acked + 1);
    const done = await allDelivered();
    expect(storedSeqs(consoleAgent())).toEqual(Array.from({ length: done.head }, (_, i) => i + 1));
    expect(consoleAgent().brokenAt).toEqual([]);
  }, 60_000);

  it('applies a console policy that verifies; refuses an untrusted or older one (source console)', async () => {
    const events = (type: string, pred: (e: BaomiEvent) => boolean) =>
      readEvents(d.dataDir).filter((e) => e.type === type && pred(e));
    const v2 = consolePolicy(policyText(2), itKey.privateKeyPem);
    state.policy = v2;
    const applied = await waitFor(
      'the console policy applied',
      () => events('policy.applied', (e) => e.data.source === 'console')[0],
    );
    expect(applied.data).toMatchObject({ version: 2, etag: v2.etag, file: fake.url });
    await waitFor('its etag sent back', () =>
      state.requests.some((r) => r.body?.policyEtag === v2.etag),
    );

    const untrusted = consolePolicy(policyText(3), generateKeyPair().privateKeyPem);
    state.policy = untrusted;
    const refused = await waitFor(
      'the untrusted policy refused',
      () => events('policy.rejected', (e) => e.data.etag === untrusted.etag)[0],
    );
    expect(refused.data).toMatchObject({ source: 'console', code: 'POLICY_SIG_UNTRUSTED' });
    // Judged once: from now on the agent says it has that etag, and the console sends nothing.
    const n = state.requests.length;
    await waitFor(
      'two more rounds',
      () =>
        state.requests.slice(n).filter((r) => r.body?.policyEtag === untrusted.etag).length >= 2,
    );
    expect(events('policy.rejected', (e) => e.data.etag === untrusted.etag)).toHaveLength(1);

    const older = consolePolicy(policyText(1, 'older, changed'), itKey.privateKeyPem);
    state.policy = older;
    const downgrade = await waitFor(
      'the older policy refused',
      () => events('policy.rejected', (e) => e.data.etag === older.etag)[0],
    );
    expect(downgrade.data).toMatchObject({
      source: 'console',
      code: 'POLICY_DOWNGRADE',
      params: { version: 1, inForceVersion: 2 },
    });
    expect(((await status()) as { policy: { version: number } }).policy.version).toBe(2);

    // After a restart the console's policy is in force, though the file on disk says 1, and
    // that older file is not refused as news.
    await stopAgent(agent!);
    const seqBefore = agentSide().head;
    agent = startAgentProcess(d);
    await waitFor('running again', () =>
      readEvents(d.dataDir).some((e) => e.seq > seqBefore && e.type === 'agent.started'),
    );
    await waitForAsync('answering', async () => {
      const r = await runCliAsync([
        'status',
        '--json',
        '--socket',
        join(d.socketDir, 'admin.sock'),
      ]);
      return r.code === 0 ? r : null;
    });
    expect(((await status()) as { policy: { version: number } }).policy.version).toBe(2);
    await new Promise((r) => setTimeout(r, 1500)); // the file judged at start, a round or two
    expect(
      readEvents(d.dataDir).filter((e) => e.seq > seqBefore && e.type.startsWith('policy.')),
    ).toEqual([]);
    state.policy = undefined;
  }, 90_000);
});
