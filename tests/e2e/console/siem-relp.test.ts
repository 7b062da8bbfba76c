// SIEM export over RELP to a real rsyslog from Debian with imrelp (issue 12 §3): events are
// stored continuously while a forwarder sends them to rsyslog, which is killed with SIGKILL
// several times mid-stream and started again. In the end EVERY event is in rsyslog's file:
// RELP acknowledges each message, and with the ruleset bound to imrelp on a direct queue
// rsyslog acknowledges a message only after omfile has written it, so a kill costs at most
// duplicates (written, not yet acknowledged), never a loss. The duplicates are counted and
// printed (README "SIEM export", relp).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SiemForwarder } from '../../../src/console/siem/forwarder.js';
import { deliverRelp, RelpDeliveryError } from '../../../src/console/siem/relp.js';
import { parseCollector } from '../../../src/console/siem/transport.js';
import { openConsoleStore } from '../../../src/console/store/index.js';
import type { ConsoleStore } from '../../../src/console/store/types.js';
import { siemSinkSchema } from '../../../src/core/console/config/siem.js';
import { AgentLog } from '../../console/store.suite.js';

const why =
  spawnSync('sh', ['-c', 'command -v rsyslogd']).status !== 0
    ? 'needs rsyslogd (apt-get install rsyslog: scripts/e2e-packages.txt)'
    : spawnSync('sh', ['-c', 'ls /usr/lib/*/rsyslog/imrelp.so']).status !== 0
      ? 'needs imrelp (apt-get install rsyslog-relp: scripts/e2e-packages.txt)'
      : null;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as { port: number };
  s.close();
  await once(s, 'close');
  return port;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

/** rsyslogd in the foreground, imrelp into omfile, the configuration README documents. */
class Rsyslog {
  child: ChildProcess | null = null;
  log = '';
  constructor(
    readonly dir: string,
    readonly port: number,
  ) {
    mkdirSync(join(dir, 'work'), { recursive: true });
    writeFileSync(
      join(dir, 'rsyslog.conf'),
      `global(workDirectory="${dir}/work" maxMessageSize="8k")
module(load="imrelp")
template(name="raw" type="string" string="%rawmsg%\\n")
# queue.type="direct": imrelp's thread runs the action itself and acknowledges a message
# only after omfile wrote it (a queue in between would acknowledge on enqueue).
ruleset(name="baomi" queue.type="${process.env.RELP_E2E_QUEUE ?? 'direct'}") {
  action(type="omfile" file="${dir}/events.log" template="raw")
}
input(type="imrelp" address="127.0.0.1" port="${port}" ruleset="baomi")
`,
    );
  }

  async start(): Promise<void> {
    const child = spawn(
      'rsyslogd',
      ['-n', '-f', join(this.dir, 'rsyslog.conf'), '-i', join(this.dir, 'rsyslogd.pid')],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (d) => (this.log += d));
    child.stderr!.on('data', (d) => (this.log += d));
    this.child = child;
    for (let i = 0; i < 100; i++) {
      if (child.exitCode !== null) throw new Error(`rsyslogd exited: ${this.log}`);
      if (await accepts(this.port)) return;
      await sleep(30);
    }
    throw new Error(`rsyslogd did not listen: ${this.log}`);
  }

  async kill(signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    child.kill(signal);
    await once(child, 'exit');
  }

  lines(): string[] {
    const path = join(this.dir, 'events.log');
    return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
  }
}

describe.skipIf(why !== null)(`SIEM export over RELP${why ? ` (skipped: ${why})` : ''}`, () => {
  let dir: string;
  let rsyslog: Rsyslog;
  let store: ConsoleStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baomi-relp-'));
    rsyslog = new Rsyslog(join(dir, 'rsyslog'), await freePort());
    store = await openConsoleStore({ dataDir: join(dir, 'console') });
  });
  afterAll(async () => {
    await rsyslog?.kill('SIGTERM').catch(() => {});
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every event reaches rsyslog across repeated SIGKILLs mid-stream (duplicates counted, none missing)', async () => {
    let killing: (() => void) | null = null;
    /** Kills that cut a batch after some of it was acknowledged. */
    let midBatch = 0;
    await rsyslog.start();
    const agents = ['a1', 'a2', 'a3'];
    const logs = agents.map((id) => new AgentLog(`ws-${id}`));
    for (const id of agents)
      await store.createAgent({
        id,
        publicKey: 'k',
        exceptionSecret: 's',
        host: `ws-${id}`,
        os: 'linux',
        group: 'g',
        enrolledAt: Date.now(),
      });

    // Events keep arriving: 2 per agent every 10 ms.
    let storing = true;
    const producer = (async () => {
      while (storing) {
        for (const [i, id] of agents.entries()) {
          const log = logs[i]!;
          const from = log.events.length;
          for (let k = 0; k < 2; k++) log.add({ data: { path: `/srv/${id}/${from + k}.xlsx` } });
          await store.ingest(id, log.events.slice(from), Date.now());
        }
        await sleep(10);
      }
    })();

    const url = `relp://127.0.0.1:${rsyslog.port}`;
    const warnings: string[] = [];
    const f = new SiemForwarder({
      sink: siemSinkSchema.parse({ name: 'soc', format: 'syslog', url, start: 'all' }),
      collector: parseCollector(url),
      store,
      now: () => Date.now(),
      log: pino(
        { level: 'warn' },
        new Writable({
          write(chunk, _e, cb) {
            warnings.push(chunk.toString());
            cb();
          },
        }),
      ) as unknown as FastifyBaseLogger,
      timeouts: { connectMs: 1000, closeMs: 1000 },
      random: () => 0,
      // A kill lands mid-batch: `killing` is set by the test below, and the next batch of
      // two or more messages SIGKILLs rsyslog as soon as its first message is acknowledged (the
      // rest sent: in rsyslog's socket, being written, or written and not yet acknowledged).
      deliverRelp: (c, messages, t) => {
        if (killing !== null && messages.length >= 2) {
          const done = killing;
          killing = null;
          let killed = false;
          const kill = (n: number) => {
            if (n >= 1 && !killed && rsyslog.child) {
              killed = true;
              void rsyslog.kill('SIGKILL').then(done);
            }
          };
          return deliverRelp(c, messages, t, { onAck: kill })
            .catch((e: unknown) => {
              if (e instanceof RelpDeliveryError && e.acked > 0 && e.acked < messages.length)
                midBatch++;
              throw e;
            })
            .finally(() => {
              // No acknowledgement came (the batch failed first): the next batch kills.
              if (!killed) killing = done;
            });
        }
        return deliverRelp(c, messages, t);
      },
    });
    let forwarding = true;
    const consumer = (async () => {
      while (forwarding) {
        // Past a failure the forwarder waits its back-off (0.8 s with random 0).
        if (!(await f.step())) await sleep(20);
      }
    })();

    // Five SIGKILLs, each while a batch is in flight and events flow.
    const KILLS = 5;
    for (let k = 0; k < KILLS; k++) {
      await sleep(300 + Math.random() * 300);
      await new Promise<void>((resolve) => {
        killing = resolve;
      });
      await sleep(150);
      await rsyslog.start();
    }
    await sleep(500);
    storing = false;
    await producer;
    const end = Date.now() + 15_000;
    while ((await store.siemSinks())[0]!.behind > 0) {
      if (Date.now() > end)
        throw new Error(
          `not caught up: ${JSON.stringify((await store.siemSinks())[0])}\n${rsyslog.log}`,
        );
      await sleep(50);
    }
    forwarding = false;
    await consumer;
    await rsyslog.kill('SIGTERM');

    const got = rsyslog.lines().map((l) => {
      const m = /\[baomi@32473 id="[^"]+" agent="([^"]+)" seq="(\d+)"/.exec(l);
      expect(m, l.slice(0, 200)).not.toBeNull();
      return `${m![1]}:${m![2]}`;
    });
    const want = logs.flatMap((log, i) => log.events.map((e) => `${agents[i]}:${e.seq}`));
    const have = new Set(got);
    const missing = want.filter((k) => !have.has(k));
    const duplicates = got.length - have.size;
    console.log(
      `relp e2e: ${want.length} events, ${KILLS} SIGKILLs (${midBatch} after part of a batch was acknowledged), ${missing.length} missing, ${duplicates} duplicates`,
    );
    expect(want.length).toBeGreaterThan(500);
    expect(missing, 'events missing from rsyslog’s file').toEqual([]);
    expect([...have].every((k) => want.includes(k))).toBe(true);
    // The kills were seen: the forwarder failed and recovered.
    expect(warnings.length).toBeGreaterThan(0);
    expect((await store.siemSinks())[0]).toMatchObject({ behind: 0, failingSince: null });
  });
});
