// Benchmark: what the resident agent costs a workstation while nothing happens. The agent
// watches one classified folder of 1,000 files with its database open; beside it, in the same
// run, a bare `node` process that only keeps an event loop alive. Both settle for 10 s, then
// we compare RSS (VmRSS) and count CPU ticks (utime + stime from /proc/<pid>/stat) over 30 s
// of idleness. Targets: RSS ratio <= 1.6, idle ticks 0.
//
//   npm run bench:footprint        (builds, then: node bench/footprint.mjs)
// Linux only (reads /proc). Prints JSON progress lines; the last line is one JSON object with
// `ratio` (agent RSS / bare node RSS), `target`, `idleTicks`, `idleTicksTarget` and the raw
// figures.
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/baomi.js');
const FILES = Number(process.env.BENCH_FILES ?? 1000);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 10_000);
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 30_000);
const READY_TIMEOUT_MS = 60_000;
/** How long to wait for `scan.completed` before measuring an agent without folder watching. */
const SCAN_TIMEOUT_MS = Number(process.env.BENCH_SCAN_TIMEOUT_MS ?? 20_000);
const TARGET = 1.6;
const IDLE_TICKS_TARGET = 0;

const log = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);

if (process.platform !== 'linux') {
  log({ error: 'bench:footprint reads /proc and runs on Linux only' });
  process.exit(2);
}

function cli(args) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, LANG: 'en_US.UTF-8' },
    timeout: 30_000,
  });
  if (r.status !== 0)
    throw new Error(`baomi ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** A signed policy watching `folder`, with a key trusted in `trustDir` only. */
function setUp(root) {
  const d = {
    dataDir: join(root, 'data'),
    policyFile: join(root, 'etc', 'policy.yaml'),
    trustDir: join(root, 'trust'),
    socketDir: join(root, 'run'),
    keysDir: join(root, 'keys'),
    folder: join(root, 'classified'),
  };
  for (const dir of [join(root, 'etc'), join(d.trustDir, 'policy'), d.keysDir, d.folder])
    mkdirSync(dir, { recursive: true });
  // 1,000 files in 10 sub-folders: a watcher must track directories as well as files.
  for (let i = 0; i < FILES; i++) {
    const sub = join(d.folder, `dept-${i % 10}`);
    if (i < 10) mkdirSync(sub);
    writeFileSync(join(sub, `report-${i}.txt`), `quarterly figures ${i}\n`.repeat(20));
  }
  cli(['policy', 'keygen', 'bench', '--out', d.keysDir]);
  copyFileSync(join(d.keysDir, 'bench.pub'), join(d.trustDir, 'policy', 'bench.pub'));
  writeFileSync(
    d.policyFile,
    [
      'version: 1',
      'name: bench footprint',
      'issued: 2026-01-01T00:00:00Z',
      'expires: 2099-12-31T23:59:59Z',
      'folders:',
      `  - path: ${JSON.stringify(d.folder)}`,
      '    level: AA',
      '    recursive: true',
      '',
    ].join('\n'),
  );
  cli(['policy', 'sign', '--key', join(d.keysDir, 'bench.key'), d.policyFile]);
  return d;
}

function procStatus(pid) {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? Number.NaN);
  return { rssKiB: kb('VmRSS'), hwmKiB: kb('VmHWM'), threads: kb('Threads') };
}

/** utime + stime in clock ticks. The command name may hold spaces: split after its ')'. */
function ticks(pid) {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of proc(5); f[0] is field 3.
  return Number(f[11]) + Number(f[12]);
}

function start(args, label) {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, LANG: 'en_US.UTF-8' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stdout.resume();
  child.stderr.on('data', (c) => {
    err += c;
  });
  const exited = new Promise((r) => child.on('exit', (code, signal) => r(code ?? signal)));
  child.on('exit', (code, signal) => {
    if (!stopping) log({ warning: `${label} exited early`, code, signal, stderr: err.trim() });
  });
  return { child, exited, stderr: () => err };
}

/** Time on CPU in ns and number of times scheduled, summed over all threads (schedstat):
 *  finer than ticks, so it shows what an idle window cost even when it rounds to 0 ticks. */
function sched(pid) {
  let ns = 0;
  let slices = 0;
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      const [run, , n] = readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ');
      ns += Number(run);
      slices += Number(n);
    } catch {
      // thread ended meanwhile
    }
  }
  return { ns, slices };
}

async function poll(probe, timeoutMs) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = probe();
      if (v) return v;
    } catch {
      // not there yet (socket not listening, database not created)
    }
    if (Date.now() > end) return null;
    await sleep(250);
  }
}

let stopping = false;
const root = mkdtempSync(join(tmpdir(), 'baomi-footprint-'));
let agent = null;
let bare = null;
try {
  const d = setUp(root);
  log({ phase: 'setup', files: FILES, folder: d.folder });

  bare = start(['-e', 'setInterval(() => {}, 1 << 30)'], 'bare node');
  agent = start(
    [
      BIN,
      'agent',
      '--policy',
      d.policyFile,
      '--data-dir',
      d.dataDir,
      '--trust-dir',
      d.trustDir,
      '--socket',
      d.socketDir,
    ],
    'agent',
  );
  const t0 = Date.now();
  const admin = join(d.socketDir, 'admin.sock');
  const status = await poll(() => {
    const s = JSON.parse(cli(['status', '--json', '--socket', admin]));
    return s.policy?.name === 'bench footprint' ? s : null;
  }, READY_TIMEOUT_MS);
  if (!status) throw new Error(`the agent did not apply the policy: ${agent.stderr()}`);
  log({ phase: 'policy', ms: Date.now() - t0, folders: status.folders });

  // The folder watcher records one scan.completed per folder once it is scanned and watched.
  const scanned = await poll(
    () =>
      cli(['events', '--data-dir', d.dataDir, '--json', '--type', 'scan.completed'])
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))[0],
    SCAN_TIMEOUT_MS,
  );
  const folderWatch = Boolean(scanned);
  log({ phase: 'ready', ms: Date.now() - t0, folderWatch, scan: scanned?.data ?? null });

  await sleep(SETTLE_MS);
  const pids = { agent: agent.child.pid, bare: bare.child.pid };
  const before = { agent: ticks(pids.agent), bare: ticks(pids.bare) };
  const schedBefore = { agent: sched(pids.agent), bare: sched(pids.bare) };
  const rssStart = { agent: procStatus(pids.agent), bare: procStatus(pids.bare) };
  log({ phase: 'idle', ms: IDLE_MS });
  await sleep(IDLE_MS);
  const after = { agent: ticks(pids.agent), bare: ticks(pids.bare) };
  const schedAfter = { agent: sched(pids.agent), bare: sched(pids.bare) };
  const idleCpu = (k) => ({
    us: Math.round((schedAfter[k].ns - schedBefore[k].ns) / 1000),
    wakeups: schedAfter[k].slices - schedBefore[k].slices,
  });
  const rssEnd = { agent: procStatus(pids.agent), bare: procStatus(pids.bare) };

  // The larger of the two samples, so a figure that grew during idleness is not hidden.
  const agentRss = Math.max(rssStart.agent.rssKiB, rssEnd.agent.rssKiB);
  const bareRss = Math.max(rssStart.bare.rssKiB, rssEnd.bare.rssKiB);
  const idleTicks = after.agent - before.agent;
  const bareIdleTicks = after.bare - before.bare;
  const ratio = Math.round((agentRss / bareRss) * 100) / 100;
  const ok = ratio <= TARGET && idleTicks <= IDLE_TICKS_TARGET;
  log({
    bench: 'footprint',
    files: FILES,
    folderWatch,
    settleMs: SETTLE_MS,
    idleMs: IDLE_MS,
    agentRssKiB: agentRss,
    bareRssKiB: bareRss,
    agentRssMiB: Math.round(agentRss / 102.4) / 10,
    bareRssMiB: Math.round(bareRss / 102.4) / 10,
    agentPeakRssKiB: rssEnd.agent.hwmKiB,
    agentThreads: rssEnd.agent.threads,
    agentTicks: { before: before.agent, after: after.agent },
    bareTicks: { before: before.bare, after: after.bare },
    bareIdleTicks,
    idleCpu: { agent: idleCpu('agent'), bare: idleCpu('bare') },
    idleTicks,
    idleTicksTarget: IDLE_TICKS_TARGET,
    ratio,
    target: TARGET,
    ok,
  });
} catch (e) {
  log({ error: String(e instanceof Error ? e.message : e) });
  process.exitCode = 1;
} finally {
  stopping = true;
  // SIGTERM lets the agent flush and record agent.stopped; the bare node just ends.
  for (const p of [agent, bare]) p?.child.kill('SIGTERM');
  await Promise.race([Promise.all([agent?.exited, bare?.exited]), sleep(10_000)]);
  for (const p of [agent, bare]) if (p && p.child.exitCode === null) p.child.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
}
