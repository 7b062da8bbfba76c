// Issue 12: several console processes on one PostgreSQL serve one fleet. The README's
// production layout, run for real: two `baomi console` processes with TLS (one certificate,
// one exception key made by `baomi exception keygen`), one PostgreSQL (a throwaway role and
// database, tests/helpers/postgres.ts), and a balancer in front (tests/helpers/balancer.ts:
// TLS terminated and re-encrypted to the consoles, each agent's requests alternating between
// them). Two REAL agents (`baomi agent`) enrolled through the balancer.
// Asserted: a staff session and an API token made on one console work on the other, and a
// logout on one ends the session on both; each agent's batches were stored by both consoles,
// every event once, its chain intact at the console; an exception approved on console A
// reaches an agent syncing through B; a policy uploaded on B reaches an agent syncing through
// A (within the policy cache's POLICY_CACHE_MS and a round). Both consoles run with the same
// `--config` (a SIEM sink to a syslog collector on loopback, retention and partitions), so
// the sink is forwarded by one process at a time (its lease): every event reaches the
// collector once. Then the console holding the sink's lease is killed (SIGKILL): the
// balancer's /healthz check takes it out, the agents go on through the other, every event is
// stored once, and the survivor takes the lease over and forwards the rest; started again, the
// killed console serves again.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertRow, ExceptionRequestRow } from '../../../src/console/store/types.js';
import type { AgentView, PolicyView } from '../../../src/core/console/api.js';
import { eventHash } from '../../../src/core/events/chain.js';
import { type BaomiEvent, GENESIS_HASH } from '../../../src/core/events/types.js';
import type { SyncRequest, SyncResponse } from '../../../src/core/sync/wire.js';
import {
  type AgentDirs,
  type AgentProcess,
  readEvents,
  startAgentProcess,
  stopAgent,
  waitFor,
} from '../../helpers/agent.js';
import { type Balancer, startBalancer } from '../../helpers/balancer.js';
import { runCliAsync, waitForAsync } from '../../helpers/cli-async.js';
import { type Collector, startCollector } from '../../helpers/collector.js';
import {
  addStaff,
  type ConsoleProcess,
  httpsCall,
  killConsole,
  StaffApi,
  startConsole,
} from '../../helpers/console-process.js';
import { makeTls, type TlsFiles } from '../../helpers/fake-console.js';
import {
  agentPosition,
  canSeat,
  consoleEventsOf,
  fleetPolicy,
  seatWrapper,
} from '../../helpers/fleet.js';
import {
  type PostgresHandle,
  postgresUnavailableReason,
  withPostgres,
} from '../../helpers/postgres.js';

const PASSWORD = 'two consoles password 1';
const ROUND_WAIT = 40_000;
/** A lease's time to live (src/console/server/lease-loop.ts LEASE_TTL_MS) and rounds. */
const TAKEOVER_WAIT = 120_000;
const why = postgresUnavailableReason();

interface Desk {
  name: 'X' | 'Y';
  group: string;
  dirs: AgentDirs;
  folder: string;
  wrap: string[];
  agentId: string;
  proc: AgentProcess | null;
}

describe.skipIf(why !== null)(
  `two consoles with TLS on one PostgreSQL behind a balancer${why ? ` (skipped: ${why})` : ''}`,
  () => {
    let pg: PostgresHandle;
    let root: string;
    let tls: TlsFiles;
    let policyKey: string;
    const consoles: ConsoleProcess[] = [];
    let lb: Balancer;
    let collector: Collector;
    let consoleArgs: (n: string, port: number) => Parameters<typeof startConsole>[0];
    let apiA: StaffApi;
    let apiB: StaffApi;
    let X: Desk;
    let Y: Desk;
    let seatRuntime = '';

    const cli = (args: string[], env: Record<string, string> = {}) => runCliAsync(args, env);

    async function signed(file: string, text: string) {
      writeFileSync(file, text);
      const r = await cli(['policy', 'sign', file, '--key', policyKey]);
      if (r.code !== 0) throw new Error(`policy sign: ${r.stderr}`);
      return { bytes: readFileSync(file), sig: readFileSync(`${file}.sig`, 'utf8') };
    }

    function desk(name: 'X' | 'Y', group: string): Desk {
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
      writeFileSync(
        join(dirs.trustDir, 'policy', 'it.pub'),
        readFileSync(join(root, 'keys', 'it.pub')),
      );
      return {
        name,
        group,
        dirs,
        folder: join(dirs.dataDir, 'classified'),
        wrap: [],
        agentId: '',
        proc: null,
      };
    }

    /** The staff API of a console the balancer holds healthy. */
    const liveApi = () => (lb.healthy[1] === false ? apiA : apiB);

    /** Everything the agent stored is acknowledged, and the consoles hold it. */
    async function delivered(d: Desk, wait = ROUND_WAIT) {
      return waitForAsync(
        `agent ${d.name}: every event delivered`,
        async () => {
          const a = agentPosition(d.dirs.dataDir);
          if (a.head === 0 || a.acked !== a.head) return null;
          const v = await liveApi().ok<AgentView>('GET', `/api/v1/agents/${d.agentId}`);
          return v.ackedSeq === a.head ? a : null;
        },
        wait,
      );
    }

    /** What the collector holds: how many messages carried each `agent:seq`. */
    function forwarded(): Map<string, number> {
      const n = new Map<string, number>();
      for (const m of collector.messages) {
        const k = /\bagent="([^"]+)" seq="(\d+)"/.exec(m);
        if (!k) throw new Error(`a message without agent and seq: ${m.slice(0, 200)}`);
        n.set(`${k[1]}:${k[2]}`, (n.get(`${k[1]}:${k[2]}`) ?? 0) + 1);
      }
      return n;
    }

    /** Waits until the collector holds seqs 1..head of both agents. */
    async function allForwarded(wait: number) {
      return waitFor(
        'every stored event at the SIEM collector',
        () => {
          const n = forwarded();
          for (const d of [X, Y]) {
            const { head } = agentPosition(d.dirs.dataDir);
            for (let seq = 1; seq <= head; seq++) if (!n.has(`${d.agentId}:${seq}`)) return null;
          }
          return n;
        },
        wait,
      );
    }

    const syncsOf = (d: Desk) =>
      lb.exchanges.filter((x) => x.agentId === d.agentId && x.path === '/api/v1/sync');

    const eventsOf = (d: Desk, pred: (e: BaomiEvent) => boolean) =>
      readEvents(d.dirs.dataDir).filter(pred);

    beforeAll(async () => {
      pg = await withPostgres();
      root = mkdtempSync(join(tmpdir(), 'baomi-two-consoles-'));
      tls = makeTls(root);
      mkdirSync(join(root, 'keys'), { mode: 0o700 });
      mkdirSync(join(root, 'policies'));
      const made = await Promise.all([
        cli(['policy', 'keygen', 'it', '--out', join(root, 'keys')]),
        cli(['exception', 'keygen', 'console', '--out', join(root, 'keys')]),
        addStaff({ dataDir: join(root, 'console-a'), db: pg.url }, 'admin', 'admin', PASSWORD),
      ]);
      for (const r of made) expect(r.code, r.stderr).toBe(0);
      policyKey = join(root, 'keys', 'it.key');
      // One configuration file for both (the README's production layout): a SIEM sink to a
      // collector on loopback, everything held; retention with monthly partitions.
      collector = await startCollector();
      const config = join(root, 'console.yaml');
      writeFileSync(
        config,
        [
          'siem:',
          '  - name: soc',
          '    format: syslog',
          `    url: tcp://127.0.0.1:${collector.port}`,
          '    start: all',
          'retention:',
          '  default: 3650d',
          '  partition: month',
          '  every: 1h',
          '',
        ].join('\n'),
      );
      // Both consoles sign approvals with the one key every agent pins at enrollment.
      const shared = ['--exception-key', join(root, 'keys', 'console.key'), '--config', config];
      consoleArgs = (n, port) => ({
        dataDir: join(root, `console-${n}`),
        db: pg.url,
        tls,
        port,
        syncInterval: '5s',
        extraArgs: shared,
      });
      consoles.push(...(await Promise.all(['a', 'b'].map((n) => startConsole(consoleArgs(n, 0))))));
      lb = await startBalancer(tls, () => consoles.map((c) => c.port), { healthEveryMs: 500 });
      X = desk('X', 'G');
      Y = desk('Y', 'H');
      if (canSeat) {
        const seat = seatWrapper(join(X.dirs.root, 'fake-run'));
        X.wrap = seat.wrap;
        seatRuntime = seat.runtimeDir;
      }
    }, 120_000);

    afterAll(async () => {
      for (const d of [X, Y])
        if (d?.proc && d.proc.child.exitCode === null) await stopAgent(d.proc);
      await lb?.close();
      for (const c of consoles) await killConsole(c, 'SIGTERM');
      await collector?.close();
      await pg?.cleanup();
      if (root) rmSync(root, { recursive: true, force: true });
    }, 60_000);

    it('staff: a session and a token made on A work on B; a logout on B ends the session on A', async () => {
      const [A, B] = consoles as [ConsoleProcess, ConsoleProcess];
      for (const c of consoles) {
        const h = await httpsCall<{ ok: boolean; engine: string }>(
          c.url,
          tls.certPem,
          'GET',
          '/healthz',
        );
        expect([h.status, h.body]).toEqual([200, { ok: true, db: 'ok', engine: 'postgres' }]);
      }
      const login = await httpsCall<{ csrfToken: string }>(
        A.url,
        tls.certPem,
        'POST',
        '/api/v1/login',
        {
          name: 'admin',
          password: PASSWORD,
        },
      );
      expect(login.status, login.text).toBe(200);
      const cookie = /baomi_session=[^;]+/.exec(String(login.headers['set-cookie']))![0];
      const session = { cookie, 'x-csrf-token': login.body.csrfToken };
      const me = await httpsCall(B.url, tls.certPem, 'GET', '/api/v1/me', undefined, session);
      expect([me.status, me.body]).toMatchObject([200, { name: 'admin', via: 'session' }]);
      // A change through B with A's session and its CSRF token; the token works on both.
      const made = await httpsCall<{ token: string }>(
        B.url,
        tls.certPem,
        'POST',
        '/api/v1/tokens',
        { name: 'two-consoles', days: 1 },
        session,
      );
      expect(made.status, made.text).toBe(200);
      apiA = new StaffApi(() => A.url, tls.certPem, made.body.token);
      apiB = new StaffApi(() => B.url, tls.certPem, made.body.token);
      expect((await apiA.ok<{ name: string }>('GET', '/api/v1/me')).name).toBe('admin');
      const out = await httpsCall(B.url, tls.certPem, 'POST', '/api/v1/logout', undefined, session);
      expect(out.status, out.text).toBe(200);
      const after = await httpsCall(A.url, tls.certPem, 'GET', '/api/v1/me', undefined, session);
      expect(after.status).toBe(401);
      expect((await apiB.ok<{ name: string }>('GET', '/api/v1/me')).name).toBe('admin');
    }, 60_000);

    it('two real agents sync through the balancer, alternating: every event stored once, the chains intact', async () => {
      for (const d of [X, Y]) {
        const tok = await apiA.ok<{ token: string }>('POST', '/api/v1/enrollment-tokens', {
          group: d.group,
        });
        const r = await cli([
          'enroll',
          '--console',
          lb.url,
          '--token',
          tok.token,
          '--ca',
          tls.cert,
          '--data-dir',
          d.dirs.dataDir,
          '--trust-dir',
          d.dirs.trustDir,
          '--json',
        ]);
        expect(r.code, r.stderr).toBe(0);
        d.agentId = JSON.parse(r.stdout).agentId;
        const p = await signed(
          join(root, 'policies', `${d.name}-v1.yaml`),
          fleetPolicy({ version: 1, name: `desk ${d.name} v1`, console: lb.url }),
        );
        writeFileSync(d.dirs.policyFile, p.bytes);
        writeFileSync(`${d.dirs.policyFile}.sig`, p.sig);
        mkdirSync(d.folder, { recursive: true });
        // A backlog from the start: 25 files, file.created + file.hashed each, in batches of 20.
        for (let i = 0; i < 25; i++) writeFileSync(join(d.folder, `账目-${i}.txt`), `row ${i}\n`);
        d.proc = startAgentProcess(d.dirs, [], d.wrap);
      }
      for (const d of [X, Y]) {
        const { head } = await delivered(d);
        const mine = readEvents(d.dirs.dataDir).filter((e) => e.seq <= head);
        expect(mine.filter((e) => e.type === 'file.created').length).toBeGreaterThanOrEqual(25);
        // Stored by both consoles: the agent's batches went to A and to B, and each console
        // continued the chain the other had stored.
        const carried = syncsOf(d).filter(
          (x) => x.status === 200 && ((x.request as SyncRequest).events?.length ?? 0) > 0,
        );
        expect(new Set(carried.map((x) => x.backend))).toEqual(new Set([0, 1]));
        // Read through either console: the same rows, each seq once, the chain whole.
        for (const api of [apiA, apiB]) {
          const theirs = await consoleEventsOf(api, d.agentId);
          expect(theirs.map((e) => [e.seq, e.hash])).toEqual(mine.map((e) => [e.seq, e.hash]));
          let prev = GENESIS_HASH;
          for (const [i, e] of theirs.entries()) {
            const { agentId: _a, receivedAt: _r, ...event } = e;
            expect([e.seq, e.prevHash, eventHash(event)]).toEqual([i + 1, prev, e.hash]);
            prev = e.hash;
          }
        }
        const rows = pg.admin(
          `SELECT count(*) || ' ' || count(DISTINCT seq) FROM events WHERE agent_id = '${d.agentId}'`,
        );
        expect(rows).toBe(`${head} ${head}`);
        const alerts = await apiB.ok<{ alerts: AlertRow[] }>(
          'GET',
          `/api/v1/alerts?agent=${d.agentId}&limit=100`,
        );
        expect(alerts.alerts.filter((a) => a.type.startsWith('sync.'))).toEqual([]);
      }
    }, 90_000);

    it.skipIf(!canSeat)(
      `an exception approved on console A reaches the agent syncing through B${canSeat ? '' : ' (skipped: needs root and unshare -m for a seat user)'}`,
      async () => {
        const asked = await cli(
          [
            'exception',
            'request',
            '--device',
            '0781:5581:TWO-1',
            '--reason',
            '审计 audit copy',
            '--socket',
            join(X.dirs.socketDir, 'agent.sock'),
          ],
          { XDG_RUNTIME_DIR: seatRuntime },
        );
        expect(asked.code, asked.stderr).toBe(0);
        const requestId = /Request ([0-9a-f-]{36})/.exec(asked.stdout)![1]!;
        await waitForAsync(
          'the request at the consoles',
          async () =>
            (
              await apiB.ok<{ requests: ExceptionRequestRow[] }>(
                'GET',
                `/api/v1/requests?agent=${X.agentId}`,
              )
            ).requests.find((r) => r.id === requestId),
          ROUND_WAIT,
        );
        lb.pin(X.agentId, 1);
        const decided = await apiA.ok<ExceptionRequestRow>(
          'POST',
          `/api/v1/requests/${requestId}/decision`,
          { approve: true, note: '同意 ok', hours: 1 },
        );
        expect(decided).toMatchObject({ state: 'approved', decidedBy: 'admin' });
        const applied = await waitFor(
          'the exception in force on X',
          () => eventsOf(X, (e) => e.type === 'usb.exception' && e.data.requestId === requestId)[0],
          ROUND_WAIT,
        );
        expect(applied.data).toMatchObject({
          requestId,
          device: '0781:5581:TWO-1',
          key: 'console',
        });
        const handed = syncsOf(X).filter((x) =>
          ((x.response as SyncResponse | undefined)?.decisions ?? []).some(
            (d) => d.requestId === requestId,
          ),
        );
        expect(handed.length).toBeGreaterThan(0);
        expect(handed.every((x) => x.backend === 1)).toBe(true);
        lb.pin(X.agentId, null);
      },
      90_000,
    );

    it('a policy uploaded on console B reaches the agent syncing through A', async () => {
      lb.pin(Y.agentId, 0);
      const p = await signed(
        join(root, 'policies', 'H-v5.yaml'),
        fleetPolicy({ version: 5, name: 'desk Y v5', console: lb.url }),
      );
      const view = await apiB.ok<PolicyView>('POST', '/api/v1/policies', {
        target: { kind: 'group', value: 'H' },
        policy: p.bytes.toString('base64'),
        signature: p.sig,
      });
      const applied = await waitFor(
        'the policy applied on Y',
        () =>
          eventsOf(Y, (e) => e.type === 'policy.applied' && e.data.source === 'console').find(
            (e) => e.data.version === 5,
          ),
        ROUND_WAIT,
      );
      expect(applied.data).toMatchObject({ etag: view.etag });
      const handed = syncsOf(Y).filter(
        (x) => (x.response as SyncResponse | undefined)?.policy?.etag === view.etag,
      );
      expect(handed.length).toBeGreaterThan(0);
      expect(handed.every((x) => x.backend === 0)).toBe(true);
      // X (group G) was offered nothing.
      expect(eventsOf(X, (e) => e.type === 'policy.applied' && e.data.version === 5)).toEqual([]);
      lb.pin(Y.agentId, null);
    }, 60_000);

    it('with the same --config on both, the SIEM sink is forwarded by one console at a time: every event at the collector once', async () => {
      for (const d of [X, Y]) await delivered(d);
      const n = await allForwarded(ROUND_WAIT);
      expect([...n.values()].filter((k) => k > 1)).toEqual([]);
      expect(collector.messages.length).toBe(n.size);
      const holders = pg.admin("SELECT holder FROM leases WHERE name = 'siem:soc'");
      const pids = consoles.map((c) => c.child.pid);
      expect(pids).toContain(Number(holders.split(':').at(-2)));
      // Retention and partitions ran under their leases too: this month's partition is there.
      expect(pg.admin("SELECT count(*) FROM pg_class WHERE relname LIKE 'events_20%'")).not.toBe(
        '0',
      );
    }, 90_000);

    it("the console holding the sink's lease killed (SIGKILL): the balancer takes it out, agents go on through the other, every event stored once and forwarded; started again, it serves again", async () => {
      const holder = pg.admin("SELECT holder FROM leases WHERE name = 'siem:soc'");
      const dead = consoles.findIndex((c) => c.child.pid === Number(holder.split(':').at(-2)));
      expect(dead).toBeGreaterThanOrEqual(0);
      const port = consoles[dead]!.port;
      const before = forwarded();
      await killConsole(consoles[dead]!, 'SIGKILL');
      await waitFor('the balancer sees it down', () => lb.healthy[dead] === false, 10_000);

      // More work on both desks while one console is down.
      for (const d of [X, Y])
        for (let i = 0; i < 10; i++) writeFileSync(join(d.folder, `kill-${i}.txt`), `k ${i}\n`);
      for (const d of [X, Y]) {
        await waitFor(
          `agent ${d.name} recorded the new files`,
          () =>
            eventsOf(d, (e) => e.type === 'file.created' && /kill-/.test(String(e.data.path)))
              .length === 10,
          ROUND_WAIT,
        );
        const { head } = await delivered(d, TAKEOVER_WAIT);
        const rows = pg.admin(
          `SELECT count(*) || ' ' || count(DISTINCT seq) || ' ' || max(seq) FROM events WHERE agent_id = '${d.agentId}'`,
        );
        expect(rows).toBe(`${head} ${head} ${head}`);
        const mine = readEvents(d.dirs.dataDir).filter((e) => e.seq <= head);
        expect(
          mine.filter((e) => e.type === 'file.created' && /kill-/.test(String(e.data.path))),
        ).toHaveLength(10);
        // Once the balancer knew, nothing went to the dead console.
        const down = lb.healthChanges.find((c) => c.backend === dead && !c.healthy)!;
        expect(syncsOf(d).filter((x) => x.at > down.at && x.backend === dead)).toEqual([]);
      }
      // The survivor took the sink's lease over and forwarded the rest: nothing missing. A batch
      // the collector had taken before the killed console recorded it as sent would come again
      // (at least once across a console crash: deduplicate on the id): only an event the
      // collector already held may be there twice, none three times.
      const after = await allForwarded(TAKEOVER_WAIT);
      expect([...after.values()].filter((k) => k > 2)).toEqual([]);
      expect([...after].filter(([k, c]) => c > 1 && !before.has(k))).toEqual([]);
      const taken = pg.admin("SELECT holder FROM leases WHERE name = 'siem:soc'");
      expect(Number(taken.split(':').at(-2))).toBe(consoles[1 - dead]!.child.pid);

      // Started again on its port: healthy, and the agents' requests reach it again.
      consoles[dead] = await startConsole(consoleArgs(dead === 0 ? 'a' : 'b', port));
      const back = await waitFor(
        'the balancer sees it up',
        () => lb.healthy[dead] === true,
        20_000,
      );
      expect(back).toBe(true);
      const upAt = Date.now();
      for (const d of [X, Y]) writeFileSync(join(d.folder, 'back.txt'), 'back\n');
      for (const d of [X, Y])
        await waitFor(
          `agent ${d.name} recorded back.txt`,
          () => eventsOf(d, (e) => /back\.txt$/.test(String(e.data.path))).length > 0,
          ROUND_WAIT,
        );
      await waitFor(
        'a sync served by the restarted console',
        () =>
          lb.exchanges.find(
            (x) => x.at > upAt && x.backend === dead && x.status === 200 && x.agentId !== null,
          ),
        ROUND_WAIT,
      );
      for (const d of [X, Y]) await delivered(d);
      await allForwarded(ROUND_WAIT);
    }, 400_000);
  },
);
