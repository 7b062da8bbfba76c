// Issue 11's fleet test: a REAL console process (`baomi console`, HTTPS with a self-signed
// certificate made by openssl here) and two REAL agent processes (`baomi agent`) on loopback,
// run against either datastore (`fleetSuite(undefined)`: the embedded SQLite; a postgres://
// URL: PostgreSQL). Staff actions go through the HTTP API with an API token (the staff CLI is
// not used). What is real and what is not:
// - agent A reaches the console through a recording TLS relay in this process
//   (tests/helpers/tls-relay.ts): it forwards the agent's exact bytes and the console's exact
//   answers, and lets the test see which events each request carried, kill the console while
//   a request is in flight, and cut A off alone. Agent B talks to the console directly.
// - A runs, where this is root and can unshare a mount namespace, with a fabricated
//   systemd-logind state under /run (a folder of this test bind-mounted there, invisible to
//   the machine): `root` is the seat user, so `baomi exception request` works as on a desk
//   (the real logind-file adapter, the real seat token). Without root that scenario is
//   skipped and says so; everything else runs.
// - the tampering is what a person with root on the workstation would do with the agent
//   stopped: SQL on its database (better-sqlite3). The agent's events table has no triggers
//   today (src/agent/store/migrations); any found are dropped and put back, as they would be.
// Policies are signed with a key made by `baomi policy keygen` and `baomi policy sign`; the
// agents trust only it (`--trust-dir`), never the DEMO key.
//
// Timing: the console's shortest --sync-interval is 5 s and an agent never calls sooner than
// the console's nextInMs, so a round is 4–6 s (a backlog 2.5–3 s per batch; after a failure
// the policy's 1 s interval backs off). One console and the same two agents serve every
// scenario, in order.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AlertRow, ExceptionRequestRow } from '../../src/console/store/types.js';
import type { AgentView, PolicyView } from '../../src/core/console/api.js';
import type { BaomiEvent } from '../../src/core/events/types.js';
import type { SyncRequest, SyncResponse } from '../../src/core/sync/wire.js';
import {
  type AgentDirs,
  type AgentProcess,
  readEvents,
  startAgentProcess,
  stopAgent,
  waitFor,
} from '../helpers/agent.js';
import { runCliAsync, waitForAsync } from '../helpers/cli-async.js';
import {
  addStaff,
  type ConsoleProcess,
  killConsole,
  StaffApi,
  startConsole,
} from '../helpers/console-process.js';
import { makeTls, type TlsFiles } from '../helpers/fake-console.js';
import {
  agentPosition,
  agentStatus,
  canSeat,
  consoleEventsOf,
  fleetPolicy,
  seatWrapper,
  signedSync,
  tamper,
} from '../helpers/fleet.js';
import { type Exchange, startTlsRelay, type TlsRelay } from '../helpers/tls-relay.js';

const PASSWORD = 'fleet suite password 1';
/** The console's shortest (src/cli/commands/console.ts MIN_INTERVAL_MS). */
const CONSOLE_INTERVAL = '5s';
/** A few rounds of 4–6 s, on a loaded machine. */
const ROUND_WAIT = 40_000;
const SEAT_USER = 'root';

interface Fleet {
  name: 'A' | 'B';
  group: string;
  dirs: AgentDirs;
  folder: string;
  /** Wrapper command line (A: the mount namespace with the fabricated logind state). */
  wrap: string[];
  /** The console URL this agent enrolled with (A: the relay). */
  via: string;
  agentId: string;
  proc: AgentProcess | null;
}

interface SyncExchange extends Exchange {
  request: SyncRequest;
  response?: SyncResponse;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function fleetSuite(db: string | undefined | (() => string | undefined)): void {
  const made: string[] = [];
  let root: string;
  let dbUrl: string | undefined;
  let tls: TlsFiles;
  let consoleDir: string;
  let con: ConsoleProcess;
  let api: StaffApi;
  let relay: TlsRelay;
  let keyFile: string;
  let A: Fleet;
  let B: Fleet;
  /** XDG_RUNTIME_DIR for the seat user's commands (A's seat token is there). */
  let seatRuntime = '';

  const cli = (args: string[], env: Record<string, string> = {}, input?: string) =>
    runCliAsync(args, env, input);

  /** `baomi policy sign` with the test key: the policy's bytes and its .sig text. */
  async function signed(file: string, text: string) {
    writeFileSync(file, text);
    const r = await cli(['policy', 'sign', file, '--key', keyFile]);
    if (r.code !== 0) throw new Error(`policy sign: ${r.stderr}`);
    return { bytes: readFileSync(file), sig: readFileSync(`${file}.sig`, 'utf8') };
  }

  function fleetDirs(name: string): { dirs: AgentDirs; folder: string } {
    const base = join(root, `agent-${name}`);
    const dirs: AgentDirs = {
      root: base,
      dataDir: join(base, 'data'),
      policyDir: join(base, 'etc'),
      policyFile: join(base, 'etc', 'policy.yaml'),
      trustDir: join(base, 'trust'),
      socketDir: join(base, 'run'),
    };
    mkdirSync(join(dirs.trustDir, 'policy'), { recursive: true, mode: 0o700 });
    mkdirSync(dirs.policyDir, { recursive: true });
    copyFileSync(join(root, 'keys', 'fleet-it.pub'), join(dirs.trustDir, 'policy', 'fleet-it.pub'));
    return { dirs, folder: join(dirs.dataDir, 'classified') };
  }

  const start = (f: Fleet) => {
    f.proc = startAgentProcess(f.dirs, [], f.wrap);
  };

  /** Started, and answering on its admin socket. */
  async function running(f: Fleet) {
    await waitForAsync(
      `agent ${f.name} answering`,
      async () => {
        if (f.proc?.child.exitCode !== null) throw new Error(`agent ${f.name} exited`);
        const r = await cli(['status', '--json', '--socket', join(f.dirs.socketDir, 'admin.sock')]);
        return r.code === 0 ? r : null;
      },
      30_000,
    ).catch((e) => {
      throw new Error(`${e}\n${f.proc?.stderr().slice(-2000)}`);
    });
  }

  const status = (f: Fleet) => agentStatus(f.dirs.socketDir);
  const agentSide = (f: Fleet) => agentPosition(f.dirs.dataDir);

  const consoleAgent = (f: Fleet) => api.ok<AgentView>('GET', `/api/v1/agents/${f.agentId}`);

  const consoleEvents = (f: Fleet) => consoleEventsOf(api, f.agentId);

  const alerts = async (f: Fleet) =>
    (await api.ok<{ alerts: AlertRow[] }>('GET', `/api/v1/alerts?agent=${f.agentId}&limit=1000`))
      .alerts;
  /** The alerts sync raises (agent.silent aside: a loaded machine may make one legitimately). */
  const syncAlerts = async (f: Fleet) =>
    (await alerts(f)).filter((x) => x.type.startsWith('sync.'));

  /** Everything the agent stored is at the console and the agent has recorded the ack. */
  async function delivered(f: Fleet, timeoutMs = ROUND_WAIT) {
    return waitForAsync(
      `agent ${f.name}: every event delivered and acknowledged`,
      async () => {
        const a = agentSide(f);
        if (a.head === 0 || a.acked !== a.head) return null;
        const c = await consoleAgent(f);
        return c.ackedSeq === a.head ? a : null;
      },
      timeoutMs,
    );
  }

  /** The console holds exactly the agent's events: one row per seq, the same hashes. */
  async function sameEvents(f: Fleet, head: number) {
    const theirs = await consoleEvents(f);
    const mine = readEvents(f.dirs.dataDir).filter((e) => e.seq <= head);
    expect(theirs.every((e) => e.agentId === f.agentId)).toBe(true);
    expect(new Set(theirs.map((e) => e.seq)).size).toBe(theirs.length); // no seq twice
    expect(theirs.map((e) => [e.seq, e.hash])).toEqual(mine.map((e) => [e.seq, e.hash]));
    return { theirs, mine };
  }

  const syncs = (from = 0): SyncExchange[] =>
    relay.exchanges
      .slice(from)
      .filter((x): x is SyncExchange => x.path === '/api/v1/sync' && typeof x.request === 'object');

  /** Events of the agent's database after `seq` matching `pred`. */
  const eventsOf = (f: Fleet, pred: (e: BaomiEvent) => boolean, afterSeq = 0) =>
    readEvents(f.dirs.dataDir).filter((e) => e.seq > afterSeq && pred(e));

  /** A sync request made by hand, straight to the console (not through the relay). */
  const postSync = (keyPem: string, agentId: string, head: { seq: number; hash: string }) =>
    signedSync(con.url, tls.certPem, keyPem, agentId, head);

  beforeAll(async () => {
    dbUrl = typeof db === 'function' ? db() : db;
    root = mkdtempSync(join(tmpdir(), 'baomi-fleet-'));
    made.push(root);
    tls = makeTls(root);
    mkdirSync(join(root, 'keys'), { mode: 0o700 });
    mkdirSync(join(root, 'policies'));
    const kg = await cli(['policy', 'keygen', 'fleet-it', '--out', join(root, 'keys')]);
    expect(kg.code, kg.stderr).toBe(0);
    keyFile = join(root, 'keys', 'fleet-it.key');

    consoleDir = join(root, 'console');
    const added = await addStaff(
      { dataDir: consoleDir, ...(dbUrl ? { db: dbUrl } : {}) },
      'admin',
      'admin',
      PASSWORD,
    );
    expect(added.code, added.stderr).toBe(0);
    con = await startConsole({
      dataDir: consoleDir,
      ...(dbUrl ? { db: dbUrl } : {}),
      tls,
      port: 0,
      syncInterval: CONSOLE_INTERVAL,
    });
    api = await StaffApi.login(() => con.url, tls.certPem, 'admin', PASSWORD);
    relay = await startTlsRelay(tls, () => con.port);

    const a = fleetDirs('a');
    const b = fleetDirs('b');
    A = { name: 'A', group: 'G', ...a, wrap: [], via: relay.url, agentId: '', proc: null };
    B = { name: 'B', group: 'H', ...b, wrap: [], via: con.url, agentId: '', proc: null };
    if (canSeat) {
      const seat = seatWrapper(join(a.dirs.root, 'fake-run'));
      A.wrap = seat.wrap;
      seatRuntime = seat.runtimeDir;
    }
    for (const [f, version, name] of [
      [A, 1, 'fleet A v1'],
      [B, 3, 'fleet B v3'],
    ] as const) {
      const p = await signed(
        join(root, 'policies', `${f.name}-v${version}.yaml`),
        fleetPolicy({ version, name, console: f.via }),
      );
      writeFileSync(f.dirs.policyFile, p.bytes);
      writeFileSync(`${f.dirs.policyFile}.sig`, p.sig);
    }
  }, 120_000);

  afterAll(async () => {
    for (const f of [A, B]) if (f?.proc && f.proc.child.exitCode === null) await stopAgent(f.proc);
    if (con) await killConsole(con, 'SIGTERM');
    await relay?.close();
    for (const x of made.splice(0)) rmSync(x, { recursive: true, force: true });
  }, 60_000);

  it('enrolls two agents over HTTPS, the self-signed certificate pinned with --ca', async () => {
    // Without --ca the console's certificate is trusted by nobody: nothing is written.
    const stray = join(root, 'stray');
    const t0 = await api.ok<{ token: string }>('POST', '/api/v1/enrollment-tokens', {
      group: 'G',
      uses: 2,
    });
    const refused = await cli([
      'enroll',
      '--console',
      con.url,
      '--token',
      t0.token,
      '--data-dir',
      join(stray, 'data'),
      '--trust-dir',
      join(stray, 'trust'),
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/certificate/i);
    expect(existsSync(join(stray, 'data', 'enrollment.json'))).toBe(false);

    for (const f of [A, B]) {
      const tok =
        f === A
          ? t0 // the token refused above was not used up
          : await api.ok<{ token: string }>('POST', '/api/v1/enrollment-tokens', {
              group: f.group,
              department: '财务部',
              personnelClass: '重要',
            });
      const r = await cli([
        'enroll',
        '--console',
        f.via,
        '--token',
        tok.token,
        '--ca',
        tls.cert,
        '--data-dir',
        f.dirs.dataDir,
        '--trust-dir',
        f.dirs.trustDir,
        '--json',
      ]);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out).toMatchObject({ console: f.via, group: f.group, pinnedCa: true });
      f.agentId = out.agentId;
      mkdirSync(f.folder, { recursive: true });
      // The console's exception key, pinned for approvals, is the one in its data dir.
      const consoleKey = createPublicKey(
        createPrivateKey(readFileSync(join(consoleDir, 'exception.key'), 'utf8')),
      ).export({ type: 'spki', format: 'pem' });
      expect(readFileSync(join(f.dirs.trustDir, 'exceptions', 'console.pub'), 'utf8').trim()).toBe(
        String(consoleKey).trim(),
      );
    }
    expect(A.agentId).not.toBe(B.agentId);
    start(A);
    start(B);
    await Promise.all([running(A), running(B)]);
    const { agents } = await api.ok<{ agents: AgentView[] }>('GET', '/api/v1/agents');
    expect(agents.map((x) => [x.id, x.group]).sort()).toEqual(
      [
        [A.agentId, 'G'],
        [B.agentId, 'H'],
      ].sort(),
    );
    const b = agents.find((x) => x.id === B.agentId)!;
    expect(b).toMatchObject({ department: '财务部', personnelClass: '重要', revokedAt: null });
  }, 90_000);

  it('syncs: every event of each agent is at the console, by (seq, hash)', async () => {
    for (const f of [A, B]) {
      const { head } = await delivered(f);
      const { theirs } = await sameEvents(f, head);
      expect(theirs[0]).toMatchObject({ seq: 1, type: 'agent.started' });
      const s = await status(f);
      expect(s.sync).toMatchObject({ enrolled: true, agentId: f.agentId });
      expect(s.sync.lastSuccess).toEqual(expect.any(Number));
      const view = await consoleAgent(f);
      expect(view).toMatchObject({ state: 'online', policy: s.policy, host: hostname() });
      expect(await syncAlerts(f)).toEqual([]);
    }
    // A's requests went through the relay, ascending and above the acknowledgement.
    expect(syncs().every((x) => x.status === 200)).toBe(true);
  }, 90_000);

  it('the console killed (SIGKILL) in the middle of a stream and restarted: no loss, no duplicate', async () => {
    const before = syncs().length;
    const heads = { A: agentSide(A).head, B: agentSide(B).head };
    // A backlog on both agents: 30 files each, file.created + file.hashed: three batches of 20
    // or more per agent.
    for (const f of [A, B])
      for (let i = 0; i < 30; i++) writeFileSync(join(f.folder, `账目-${i}.txt`), `row ${i}\n`);
    // The console dies while A's second batch of the backlog is on its way to it.
    let batches = 0;
    const killedAt = new Promise<Exchange>((resolve) => {
      relay.onForward = (x) => {
        const events = (x.request as SyncRequest).events ?? [];
        if (x.path !== '/api/v1/sync' || !events.some((e) => e.seq > heads.A)) return;
        if (++batches === 2) {
          con.child.kill('SIGKILL');
          relay.onForward = null;
          resolve(x);
        }
      };
    });
    const cut = await Promise.race([
      killedAt,
      sleep(ROUND_WAIT).then(() => {
        throw new Error('the backlog never reached its second batch');
      }),
    ]);
    await con.exited;
    const port = con.port;
    // A's request in flight got no answer.
    await waitFor('the cut request failed', () => cut.status === 0);
    con = await startConsole({
      dataDir: consoleDir,
      ...(dbUrl ? { db: dbUrl } : {}),
      tls,
      port,
      syncInterval: CONSOLE_INTERVAL,
    });
    for (const f of [A, B]) {
      const done = await delivered(f, 60_000);
      const { theirs, mine } = await sameEvents(f, done.head);
      // Nothing lost, nothing twice: one row per seq, 1 … head.
      expect(theirs.map((e) => e.seq)).toEqual(Array.from({ length: done.head }, (_, i) => i + 1));
      expect(mine.filter((e) => e.type === 'file.created' && e.seq > heads[f.name])).toHaveLength(
        30,
      );
      expect(await syncAlerts(f)).toEqual([]);
    }
    // A's requests after the cut: ascending, never below what the agent had recorded.
    const after = syncs(before);
    expect(after.some((x) => x.status === 0)).toBe(true);
    for (const x of after) {
      const seqs = x.request.events.map((e) => e.seq);
      expect(seqs).toEqual([...seqs].sort((p, q) => p - q));
    }
  }, 150_000);

  it('an agent killed (SIGKILL) and restarted resumes from its acknowledgement', async () => {
    await delivered(A);
    // A is killed while its request with the new events waits at the relay: the answers before
    // it were all taken in (rounds never overlap), this one never comes.
    const held = new Promise<SyncExchange>((resolve) => {
      relay.hold = (x) => {
        const events = (x.request as SyncRequest).events ?? [];
        if (!events.some((e) => e.type === 'file.created' && String(e.data.path).includes('kill-')))
          return false;
        relay.hold = null;
        resolve(x as SyncExchange);
        return true;
      };
    });
    for (let i = 0; i < 10; i++) writeFileSync(join(A.folder, `kill-${i}.txt`), `k ${i}\n`);
    const waiting = await Promise.race([
      held,
      sleep(ROUND_WAIT).then(() => {
        throw new Error('no request carried the new events');
      }),
    ]);
    A.proc!.child.kill('SIGKILL');
    await A.proc!.exited;
    const { acked } = agentSide(A);
    // What it kept is the last acknowledgement the console gave it, and what it was sending
    // starts right above it.
    const answered = syncs().filter((x) => x.status === 200);
    expect(answered.at(-1)!.response!.ackedSeq).toBe(acked);
    expect(waiting.request.events[0]!.seq).toBe(acked + 1);
    const before = syncs().length;
    start(A);
    const first = await waitFor(
      'the first request after the restart',
      () => syncs(before).find((x) => x.request.events.length > 0),
      ROUND_WAIT,
    );
    expect(first.request.events[0]!.seq).toBe(acked + 1);
    const done = await delivered(A);
    await sameEvents(A, done.head);
    expect(
      readEvents(A.dirs.dataDir).filter(
        (e) => e.type === 'file.created' && String(e.data.path).includes('kill-'),
      ),
    ).toHaveLength(10);
    expect(await syncAlerts(A)).toEqual([]);
  }, 120_000);

  it('a row edited and a row deleted while unsynced: the console reports a chain break and a gap', async () => {
    await running(A);
    await delivered(A);
    relay.setOpen(false); // A cannot reach the console: what follows stays unsynced
    for (let i = 0; i < 3; i++) writeFileSync(join(A.folder, `tamper-${i}.txt`), `t ${i}\n`);
    await waitFor(
      'the files hashed',
      () =>
        eventsOf(A, (e) => e.type === 'file.hashed' && String(e.data.path).includes('tamper-'))
          .length === 3,
    );
    await stopAgent(A.proc!);
    const { acked, head } = agentSide(A);
    const unsynced = eventsOf(A, () => true, acked);
    const edited = unsynced.find((e) => e.type === 'file.created')!;
    const deleted = unsynced.find((e) => e.seq === edited.seq + 1)!;
    expect(deleted.seq).toBeLessThan(head); // not the tail: the gap is visible
    expect(tamper(A.dirs.dataDir, { edit: edited.seq, remove: deleted.seq })).toEqual({
      edited: 1,
      removed: 1,
    });

    relay.setOpen(true);
    const seqBefore = head;
    start(A);
    const found = await waitForAsync(
      'the chain break and the gap at the console',
      async () => {
        const list = await alerts(A);
        const broken = list.find((x) => x.type === 'sync.chain-broken');
        const gap = list.find((x) => x.type === 'sync.gap');
        return broken && gap ? { broken, gap } : null;
      },
      ROUND_WAIT,
    );
    expect(found.broken).toMatchObject({
      agentId: A.agentId,
      severity: 'critical',
      seq: edited.seq,
      data: { kind: 'hash', seq: edited.seq, hash: edited.hash },
      state: '预报',
    });
    expect(found.gap).toMatchObject({
      agentId: A.agentId,
      severity: 'high',
      data: { from: deleted.seq, to: deleted.seq },
    });
    // The agent's own walk saw it too.
    await waitFor('the agent’s own chain check', () =>
      eventsOf(A, (e) => e.type === 'store.chain-checked' && e.data.ok === false, seqBefore),
    );
    // Acknowledged through the break and the gap: the agent does not resend forever.
    const done = await delivered(A);
    const theirs = await consoleEvents(A);
    expect(theirs.find((e) => e.seq === deleted.seq)).toBeUndefined();
    expect(theirs.find((e) => e.seq === edited.seq)!.data.size).toBe(1); // as sent, flagged
    expect(theirs.length).toBe(done.head - 1);
  }, 120_000);

  it('a request signed with agent A’s key but naming agent B is refused (401)', async () => {
    const keyA = readFileSync(join(A.dirs.dataDir, 'agent.key'), 'utf8');
    const headA = { seq: 0, hash: '0'.repeat(64) };
    const bBefore = await consoleAgent(B);
    const forged = await postSync(keyA, B.agentId, headA);
    expect(forged.status, forged.text).toBe(401);
    expect(forged.text).not.toMatch(/at .*\.js/); // no stack trace
    // The same request as A itself is accepted: the refusal is the identity, nothing else.
    const own = await postSync(keyA, A.agentId, agentSide(A).head ? headOf(A) : headA);
    expect(own.status, own.text).toBe(200);
    expect((await consoleAgent(B)).ackedSeq).toBe(bBefore.ackedSeq);
  });

  /** The agent's newest event as the heartbeat names it. */
  function headOf(f: Fleet) {
    const e = readEvents(f.dirs.dataDir).at(-1)!;
    return { seq: e.seq, hash: e.hash };
  }

  it.skipIf(!canSeat)(
    `an exception request approved through the API reaches the agent${canSeat ? '' : ' (skipped: needs root and unshare -m for a seat user)'}`,
    async () => {
      const asked = await cli(
        [
          'exception',
          'request',
          '--device',
          '0781:5581:FLEET-1',
          '--reason',
          '审计部拷贝账目 audit copy',
          '--socket',
          join(A.dirs.socketDir, 'agent.sock'),
        ],
        { XDG_RUNTIME_DIR: seatRuntime },
      );
      expect(asked.code, asked.stderr).toBe(0);
      expect(asked.stdout).toMatch(/goes to the console/);
      const requestId = /Request ([0-9a-f-]{36})/.exec(asked.stdout)![1]!;
      const row = await waitForAsync(
        'the request at the console',
        async () =>
          (
            await api.ok<{ requests: ExceptionRequestRow[] }>(
              'GET',
              `/api/v1/requests?agent=${A.agentId}`,
            )
          ).requests.find((r) => r.id === requestId),
        ROUND_WAIT,
      );
      expect(row).toMatchObject({
        agentId: A.agentId,
        user: SEAT_USER,
        device: '0781:5581:FLEET-1',
        reason: '审计部拷贝账目 audit copy',
        state: 'pending',
        deliveredAt: null,
      });
      const decided = await api.ok<ExceptionRequestRow>(
        'POST',
        `/api/v1/requests/${requestId}/decision`,
        { approve: true, note: '同意 ok', hours: 2 },
      );
      expect(decided).toMatchObject({ state: 'approved', decidedBy: 'admin' });
      const applied = await waitFor(
        'the exception in force on the agent',
        () =>
          eventsOf(
            A,
            (e) =>
              e.type === 'usb.exception' &&
              (e.data.requestId === requestId || e.data.id === requestId),
          )[0],
        ROUND_WAIT,
      );
      expect(applied.data).toMatchObject({
        requestId,
        device: '0781:5581:FLEET-1',
        user: SEAT_USER,
        decidedBy: 'admin',
        key: 'console',
      });
      const shown = await waitForAsync(
        'the decision marked delivered',
        async () => {
          const r = (
            await api.ok<{ requests: ExceptionRequestRow[] }>(
              'GET',
              `/api/v1/requests?agent=${A.agentId}`,
            )
          ).requests.find((x) => x.id === requestId);
          return r?.deliveredAt ? r : null;
        },
        ROUND_WAIT,
      );
      expect(shown.state).toBe('approved');
      expect(eventsOf(A, (e) => e.type === 'usb.exception-refused')).toEqual([]);
    },
    120_000,
  );

  it('a policy for group G reaches G’s agents and only them', async () => {
    const p = await signed(
      join(root, 'policies', 'G-v5.yaml'),
      fleetPolicy({ version: 5, name: 'fleet G v5', console: A.via }),
    );
    const seqB = agentSide(B).head;
    const view = await api.ok<PolicyView>('POST', '/api/v1/policies', {
      target: { kind: 'group', value: 'G' },
      policy: p.bytes.toString('base64'),
      signature: p.sig,
    });
    const uploadedAt = Date.now();
    expect(view).toMatchObject({ name: 'fleet G v5', version: 5, target: { value: 'G' } });
    const applied = await waitFor(
      'G’s policy applied on A',
      () =>
        eventsOf(A, (e) => e.type === 'policy.applied' && e.data.source === 'console').find(
          (e) => e.data.version === 5,
        ),
      ROUND_WAIT,
    );
    expect(applied.data).toMatchObject({ etag: view.etag });
    expect((await status(A)).policy).toEqual({ name: 'fleet G v5', version: 5 });
    // B (group H) has synced since, and was offered nothing: it would have applied version 5.
    await waitForAsync(
      'B synced after the upload',
      async () => ((await consoleAgent(B)).lastSeen ?? 0) > uploadedAt + 200,
      ROUND_WAIT,
    );
    expect(eventsOf(B, (e) => e.type.startsWith('policy.'), seqB)).toEqual([]);
    expect((await status(B)).policy).toEqual({ name: 'fleet B v3', version: 3 });
  }, 120_000);

  it('a downgraded policy uploaded to the console is refused by the agent, the old one stays', async () => {
    const p = await signed(
      join(root, 'policies', 'H-v2.yaml'),
      fleetPolicy({ version: 2, name: 'fleet H v2 (older)', console: B.via }),
    );
    const seqA = agentSide(A).head;
    const view = await api.ok<PolicyView>('POST', '/api/v1/policies', {
      target: { kind: 'group', value: 'H' },
      policy: p.bytes.toString('base64'),
      signature: p.sig,
    });
    const refused = await waitFor(
      'the older policy refused by B',
      () => eventsOf(B, (e) => e.type === 'policy.rejected' && e.data.etag === view.etag)[0],
      ROUND_WAIT,
    );
    expect(refused.data).toMatchObject({
      source: 'console',
      code: 'POLICY_DOWNGRADE',
      params: { version: 2, inForceVersion: 3 },
    });
    expect((await status(B)).policy).toEqual({ name: 'fleet B v3', version: 3 });
    expect(eventsOf(A, (e) => e.type.startsWith('policy.'), seqA)).toEqual([]);
    // Which agents run which version, as their heartbeats say: one query.
    await waitForAsync(
      'the versions the heartbeats report',
      async () => {
        const { versions } = await api.ok<{
          versions: { name: string; version: number; agents: number }[];
        }>('GET', '/api/v1/policies/versions');
        const got = versions.map((v) => `${v.name}@${v.version}:${v.agents}`).sort();
        return got.join() === 'fleet B v3@3:1,fleet G v5@5:1' ? got : null;
      },
      ROUND_WAIT,
    );
  }, 120_000);

  it('a revoked agent is refused (403) and its `baomi status` shows the error', async () => {
    await api.ok('POST', `/api/v1/agents/${B.agentId}/revoke`);
    const keyB = readFileSync(join(B.dirs.dataDir, 'agent.key'), 'utf8');
    const direct = await postSync(keyB, B.agentId, headOf(B));
    expect(direct.status, direct.text).toBe(403);
    expect(direct.body.error).toBe('AGENT_REVOKED');
    const acked = (await consoleAgent(B)).ackedSeq;
    const s = await waitForAsync(
      'B told it is revoked',
      async () => {
        const x = await status(B);
        return x.sync.lastError?.code === 'SYNC_REVOKED' ? x : null;
      },
      ROUND_WAIT,
    );
    expect(s.sync.lastError!.params).toMatchObject({ console: B.via, status: 403 });
    const text = await cli(['status', '--socket', join(B.dirs.socketDir, 'admin.sock')]);
    expect(text.stdout).toMatch(/last error \(.*\): The console .* refused this agent \(HTTP 403/);
    const zh = await cli(['status', '--socket', join(B.dirs.socketDir, 'admin.sock')], {
      LANG: 'zh_CN.UTF-8',
    });
    expect(zh.stdout).toMatch(/最近一次错误/);
    expect(await consoleAgent(B)).toMatchObject({ state: 'revoked', ackedSeq: acked });
    // A goes on; its tampering was alerted once per break, not once per round.
    const done = await delivered(A);
    await sameEvents(A, done.head);
    const list = await alerts(A);
    expect(list.filter((x) => x.type === 'sync.chain-broken')).toHaveLength(1);
    expect(list.filter((x) => x.type === 'sync.gap')).toHaveLength(1);
    expect(await syncAlerts(B)).toEqual([]);
  }, 120_000);
}
