// Benchmark: what idle reminders cost a workstation (issue 10, "Performance"). The real agent
// with the x11 idle source over 60 s of idleness on a real desktop (Xvfb, xscreensaver, dunst
// on a session bus: the e2e desk of tests/e2e/idle), against the same agent with no idle
// source, running beside it; bench/idle-desk.vitest.ts says how, and what else it prints.
//
// The baseline ("idle off"). A policy cannot turn idle off (every policy has an idle block,
// defaulted), so the baseline is the agent whose PATH has no xprintidle: no idle source, so the
// idle module reads nothing and starts no process; everything else (store, USB audit scans,
// the seat, the locker it never calls) is the same. We chose it over a policy whose remindAfter
// is very long: that agent still reads the idle time once per remindAfter and keeps an
// `xscreensaver-command -watch` child, so it is not "off" but "rarely on", and it is what the
// first window below measures.
//
// Two windows, one after the other, each against the same running baseline agent:
//   defaults   the policy schema's idle defaults (remindAfter 3m, repeat 2m): reminders on,
//              none due within the minute. This is the issue's case ("poll adaptively,
//              sleeping until the idle time could next cross a threshold"): an agent that
//              polled would show here. `ratio` and `target` (2) are this window's.
//   reminders  remindAfter 20 s, repeat 20 s (policies/examples/idle-demo.yaml): three
//              reminders in the minute, each an xprintidle read, a notify-send and a stored
//              event: what a reminder costs, the X queries per minute, and the delay from each
//              threshold to its notice on the desktop. Printed beside (`reminders`), with its
//              own ratio: no target, a real policy reminds every few minutes at most.
// CPU is utime + stime + cutime + cstime from /proc/<pid>/stat (cutime/cstime: its reaped
// children, every xprintidle and notify-send), in clock ticks (10 ms here) over the window.
// An idle agent uses less than a tick a minute, so a baseline of 0 ticks is counted as 1 and
// the ratio is then marked `ratioIsLowerBound: true`. X queries: xprintidle runs, counted by
// the X server's audit log.
//
//   npm run bench:idle             (builds, then: node bench/idle.mjs)
// Needs root (the desk drops to uid 65534 with setpriv in a mount namespace) and the e2e
// packages (scripts/e2e-packages.txt: Xvfb, xprintidle, xdotool, xscreensaver, dbus, dunst,
// libnotify-bin); without them it says so and exits 2. Env: BENCH_IDLE_REMIND_S (20),
// BENCH_IDLE_REPEAT_S (20), BENCH_IDLE_WINDOW_MS (60000), BENCH_IDLE_SETTLE_MS (15000).
// About 3 minutes. Prints JSON lines; the last line is one JSON object with `ratio` and
// `target`.
//
// Why the desktop half is a vitest file: the desk harness is TypeScript, shared with the e2e
// suites, and Node 20 runs no TypeScript itself (bench/usb.mjs does the same for its VM).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const TARGET = 2;

const log = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
const load = () => loadavg().map((x) => Math.round(x * 100) / 100);

function refuse(error) {
  log({ bench: 'idle', error });
  process.exit(2);
}

if (process.platform !== 'linux') refuse('bench:idle reads /proc and runs an X server: Linux only');
if (process.getuid?.() !== 0) {
  refuse(
    'bench:idle needs root: the desktop and the agents run as an ordinary user (setpriv) in a mount namespace with a private /tmp',
  );
}
const pre = spawnSync('bash', [join(ROOT, 'scripts/e2e-preflight.sh')], { encoding: 'utf8' });
if (pre.status !== 0) refuse((pre.stderr || pre.stdout).trim());

const loadBefore = load();
log({ bench: 'idle', phase: 'start', load: loadBefore });

const dir = mkdtempSync(join(tmpdir(), 'baomi-bench-idle-'));
const out = join(dir, 'desk.jsonl');
let relayed = 0;
let summary = null;
const relay = () => {
  let text = '';
  try {
    text = readFileSync(out, 'utf8');
  } catch {
    return; // not written yet
  }
  const lines = text.split('\n');
  lines.pop(); // an unfinished last line waits for the next pass
  for (; relayed < lines.length; relayed++) {
    const o = JSON.parse(lines[relayed]);
    if (o.phase === 'desk-summary') summary = o;
    process.stdout.write(`${lines[relayed]}\n`);
  }
};
const timer = setInterval(relay, 250);
const code = await new Promise((res, rej) => {
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'node_modules/vitest/vitest.mjs'),
      'run',
      '--config',
      'bench/vitest.idle.config.ts',
    ],
    { cwd: ROOT, env: { ...process.env, BENCH_IDLE_OUT: out }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // vitest's own output goes to stderr: stdout is JSON lines only.
  child.stdout.pipe(process.stderr);
  child.stderr.pipe(process.stderr);
  child.on('error', rej);
  child.on('close', res);
});
clearInterval(timer);
relay();
rmSync(dir, { recursive: true, force: true });
if (code !== 0 || !summary) {
  log({
    bench: 'idle',
    error: `the desktop part failed (vitest exit ${code}); its output is above, on stderr`,
  });
  process.exit(1);
}

const d = summary.defaults;
const r = summary.reminding;
const round = (x) => Math.round(x * 1000) / 1000;
const ratioOf = (w) => round(w.on.ticks.total / Math.max(1, w.off.ticks.total));
const window = (w) => ({
  policy: `remindAfter ${w.policy.remindAfterS}s, repeat ${w.policy.repeatS}s`,
  windowMs: w.windowMs,
  onCpuMs: w.on.ms,
  offCpuMs: w.off.ms,
  onTicks: w.on.ticks,
  offTicks: w.off.ticks,
  xQueriesPerMin: w.xQueriesPerMin,
  remindersInWindow: w.remindersInWindow,
});
const ratio = ratioOf(d);
const notify = r.delays.map((x) => x.notifyAfterMs).filter((x) => x !== null);
log({
  bench: 'idle',
  ratio,
  target: TARGET,
  pass: ratio <= TARGET,
  ratioIsLowerBound: d.off.ticks.total === 0,
  baseline:
    'the same agent beside it on the same desktop, with no xprintidle on PATH (no idle source)',
  ...window(d),
  tickMs: summary.tickMs,
  reminders: {
    ...window(r),
    ratio: ratioOf(r),
    ratioIsLowerBound: r.off.ticks.total === 0,
    noticeDelayMs: { max: notify.length ? Math.max(...notify) : null, each: notify },
    readLateMs: r.delays.map((x) => x.readLateMs),
    inputUncertaintyMs: r.inputUncertaintyMs,
    onThreads: r.on.threads,
  },
  load: { before: loadBefore, after: load() },
});
