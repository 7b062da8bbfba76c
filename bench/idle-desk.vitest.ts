// The desktop half of `npm run bench:idle` (bench/idle.mjs runs it; read that file's header
// first). On the e2e desk (tests/e2e/idle/xdesk.ts: Xvfb with `-audit 4`, xscreensaver, a
// dbus-run-session bus with dunst, dbus-monitor; everything as the ordinary desk user), real
// agents, each under its own signed policy:
//   off        PATH without xprintidle: no idle source (the policy cannot turn idle off; with
//              no source the idle module starts no process and reads nothing, it wakes once
//              a minute to look for a source and finds none, without a process either). It
//              runs through both windows below: the baseline of each.
//   defaults   the x11 source under the schema's defaults (remindAfter 3m, repeat 2m): in 60 s
//              of idleness nothing is due, so an adaptive poll reads nothing.
//   reminders  the x11 source reminding every 20 s (idle-demo.yaml's values): three
//              reminders in the window, each an xprintidle run, a notify-send, a stored event.
// Each window: an agent starts right after an input, both settle (SETTLE_MS: start-up and the
// settle's collections are over), one xdotool input begins an idle stretch, and the window is
// the 60 s from 5 s after it. Measured:
//   - CPU of each agent over the window from /proc/<pid>/stat: utime + stime + cutime +
//     cstime (its reaped children: every xprintidle and notify-send it ran), and its own time
//     per thread name;
//   - X clients that connected during the window (Xvfb's audit lines): the measured agent's
//     xprintidle runs, the only X clients made then (its xscreensaver-command -watch stays
//     connected from its start, dunst and xscreensaver are connected already, the off agent
//     makes none, the bench makes none in the window);
//   - for each reminder, the delay from the moment its threshold was crossed (the input time,
//     bracketed by the bench's clock before and after xdotool, plus remindAfter + (n-1)·repeat)
//     to dbus-monitor's timestamp of its Notify call: what a person waits beyond the policy.
// Lines go to BENCH_IDLE_OUT (bench/idle.mjs relays them), one JSON object each; the last is
// {phase: 'desk-summary', …}.
import { execFileSync } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type DeskAgent, pathWithout, startDeskAgent } from '../tests/e2e/idle/desk-agent.js';
import { type DeskSession, startSession } from '../tests/e2e/idle/session.js';
import { type Desk, deskMissing, endAll, startDesk } from '../tests/e2e/idle/xdesk.js';

const OUT = process.env.BENCH_IDLE_OUT;
const REMIND_S = Number(process.env.BENCH_IDLE_REMIND_S ?? 20);
const REPEAT_S = Number(process.env.BENCH_IDLE_REPEAT_S ?? 20);
const WINDOW_MS = Number(process.env.BENCH_IDLE_WINDOW_MS ?? 60_000);
/** From the input to the window's start: both agents have read the new stretch. */
const LEAD_MS = 5_000;
const IDLE = `remindAfter: ${REMIND_S}s\nrepeat: ${REPEAT_S}s\nlockAfter: 1h\nlock: false`;
/**
 * After an agent starts: its start-up work, and the settle that follows it (two full
 * collections once the loop has been quiet for 6 s: src/cli/settle.ts), are over.
 */
const SETTLE_MS = Number(process.env.BENCH_IDLE_SETTLE_MS ?? 15_000);

const log = (o: Record<string, unknown>) => {
  const line = `${JSON.stringify(o)}\n`;
  if (OUT) appendFileSync(OUT, line);
  else process.stdout.write(line);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TICK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** utime, stime, cutime, cstime of a process, in clock ticks (/proc/<pid>/stat 14–17). */
function cpu(pid: number) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces: fields are counted after its closing parenthesis.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const n = (i: number) => Number(f[i - 3]);
  return { utime: n(14), stime: n(15), cutime: n(16), cstime: n(17) };
}
type Cpu = ReturnType<typeof cpu>;

/** utime + stime per thread name (/proc/<pid>/task/<tid>/stat): where the agent's own time goes. */
function threads(pid: number): Record<string, number> {
  const by: Record<string, number> = {};
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/\d+$/, '#');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      by[name] = (by[name] ?? 0) + Number(f[11]) + Number(f[12]);
    } catch {
      // the thread ended meanwhile
    }
  }
  return by;
}
const threadTicks = (a: Record<string, number>, b: Record<string, number>) =>
  Object.fromEntries(
    Object.keys(b)
      .map((k) => [k, b[k]! - (a[k] ?? 0)] as const)
      .filter(([, v]) => v > 0),
  );
const ticksBetween = (a: Cpu, b: Cpu) => {
  const own = b.utime - a.utime + (b.stime - a.stime);
  const children = b.cutime - a.cutime + (b.cstime - a.cstime);
  return { own, children, total: own + children };
};
const connections = (xlog: string) => (xlog.match(/ connected from /g) ?? []).length;

const missing = deskMissing(['dbus-run-session', 'dbus-monitor', 'dbus-send', 'dunst']);
let desk: Desk;
let session: DeskSession;
const agents: DeskAgent[] = [];

beforeAll(async () => {
  if (missing) throw new Error(`bench:idle cannot run here: ${missing}`);
  desk = await startDesk({ xvfbArgs: ['-audit', '4'] });
  await desk.startScreensaver();
  session = await startSession(desk, { daemon: 'dunst' });
});

afterAll(async () => {
  for (const a of agents) if (a.proc.child.exitCode === null) await a.stop();
  await session?.close();
  await desk?.close();
  endAll();
});

/** The agents' CPU, X queries and each reminder's delay over one window of idleness. */
async function measure(
  name: string,
  on: DeskAgent,
  off: DeskAgent,
  remindS: number,
  repeatS: number,
) {
  // The stretch: one input, bracketed by our clock.
  const notifiedBefore = session.notifies().length;
  const seqStart = Math.max(0, ...on.events().map((e) => e.seq));
  const before = Date.now();
  await desk.asUser('xdotool', ['mousemove', String(100 + Math.floor(Math.random() * 400)), '300']);
  const after = Date.now();
  const inputAt = (before + after) / 2;
  await sleep(LEAD_MS);

  const x0 = connections(desk.xlog());
  const c0 = { on: cpu(on.pid), off: cpu(off.pid) };
  const th0 = { on: threads(on.pid), off: threads(off.pid) };
  const t0 = Date.now();
  await sleep(WINDOW_MS);
  const c1 = { on: cpu(on.pid), off: cpu(off.pid) };
  const th1 = { on: threads(on.pid), off: threads(off.pid) };
  const t1 = Date.now();
  const x1 = connections(desk.xlog());

  const onTicks = ticksBetween(c0.on, c1.on);
  const offTicks = ticksBetween(c0.off, c1.off);
  const minutes = (t1 - t0) / 60_000;
  // Reminders of this stretch, and their Notify calls (in order: one per reminder; the off
  // agent never shows one).
  const reminders = on
    .events()
    .filter((e) => e.type === 'idle.reminded' && e.seq > seqStart)
    .map((e) => ({
      n: e.data.n as number,
      idleMs: e.data.idleMs as number,
      delivered: e.data.delivered,
      ts: e.ts,
    }));
  const notifies = session.notifies().slice(notifiedBefore);
  const delays = reminders.map((r, i) => {
    const thresholdMs = (remindS + (r.n - 1) * repeatS) * 1000;
    const shown = notifies[i];
    return {
      n: r.n,
      thresholdMs,
      readLateMs: r.idleMs - thresholdMs,
      storedAfterMs: Math.round(r.ts - (inputAt + thresholdMs)),
      notifyAfterMs: shown ? Math.round(shown.at - (inputAt + thresholdMs)) : null,
      delivered: r.delivered,
    };
  });
  return {
    name,
    policy: { remindAfterS: remindS, repeatS },
    windowMs: t1 - t0,
    on: {
      ticks: onTicks,
      ms: (onTicks.total * 1000) / TICK,
      threads: threadTicks(th0.on, th1.on),
    },
    off: {
      ticks: offTicks,
      ms: (offTicks.total * 1000) / TICK,
      threads: threadTicks(th0.off, th1.off),
    },
    xQueries: x1 - x0,
    xQueriesPerMin: Math.round(((x1 - x0) / minutes) * 10) / 10,
    remindersInWindow: reminders.filter((r) => r.ts >= t0 && r.ts <= t1).length,
    inputUncertaintyMs: after - before,
    delays,
  };
}

const idleBlock = (remindS: number, repeatS: number) =>
  `remindAfter: ${remindS}s\nrepeat: ${repeatS}s\nlockAfter: 1h\nlock: false`;

it('measures the CPU of reminders on against no idle source, X queries and notice delay', async () => {
  const noSource = { ...session.env, PATH: pathWithout(desk, 'xprintidle') };
  /** Starts an agent right after an input (no threshold near) and lets it settle. */
  const startSettled = async (env: Record<string, string>, idle: string) => {
    await desk.asUser('xdotool', ['mousemove', String(Math.floor(Math.random() * 600)), '10']);
    const a = await startDeskAgent(desk, { env, idle });
    agents.push(a);
    return a;
  };

  // 1. The schema's defaults: remindAfter 3m, so nothing is due in the window.
  const [off, quiet] = await Promise.all([
    startSettled(noSource, IDLE),
    startSettled(session.env, idleBlock(180, 120)),
  ]);
  expect((await off!.status()).idleSource).toBe('none');
  expect((await quiet!.status()).idleSource).toBe('x11');
  log({ phase: 'agents', off: off!.pid, defaults: quiet!.pid });
  await sleep(SETTLE_MS);
  const defaults = await measure('defaults', quiet!, off!, 180, 120);
  log({ phase: 'window', ...defaults });
  await quiet!.stop();

  // 2. Reminders every 20 s (idle-demo.yaml): three fall in the window.
  const on = await startSettled(session.env, IDLE);
  expect((await on.status()).idleSource).toBe('x11');
  log({ phase: 'agents', off: off!.pid, reminders: on.pid });
  await sleep(SETTLE_MS);
  const reminding = await measure('reminders', on, off!, REMIND_S, REPEAT_S);
  log({ phase: 'window', ...reminding });
  expect(reminding.delays.length).toBeGreaterThan(0);
  log({ phase: 'desk-summary', tickMs: 1000 / TICK, defaults, reminding });
});
