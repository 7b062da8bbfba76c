// Folder-watcher benchmark: our folder recorder (dist/agent/files/recorder.js: the watcher
// layer writing events and the snapshot to a real store, as the agent runs it) against
// chokidar 5 with default options, each in its own child process so RSS and inotify counts
// are clean.
//   node bench/watch.mjs            (build first: npx tsc -p tsconfig.build.json)
// Env: BENCH_FILES (20000; up to 1,000,000), BENCH_DIRS (BENCH_FILES / 10), BENCH_BURST
// (5000), BENCH_IDLE_S (30), BENCH_HASH_MB (64: large files for the hashing MB/s),
// BENCH_AGENT_ONLY (1: the agent phase alone, e.g. to compare hashing between two builds),
// BENCH_AGENT (0: skip the agent phase), BENCH_TREE_DIR (build the tree there once and keep
// it: a million files take minutes to write), BENCH_CHOKIDAR_FILES (the size chokidar runs
// at; default the largest part of the tree, in whole top folders, whose inotify watches fit
// in half of what fs.inotify.max_user_watches leaves free: chokidar watches every file as
// well as every folder, and this user's other processes share the limit),
// BENCH_CHOKIDAR_TIMEOUT_S (300) and BENCH_CHOKIDAR_HEAP_MB (2048): its caps; past one it is
// tried again at half the size, and what stopped it is reported.
// Memory per watched file: each child is measured after a full GC, before it starts watching
// (its modules loaded, ours with its store open) and once it is ready and settled (ours with
// the agent's own settle, src/cli/settle.ts, as a running agent does, before the first
// measurement too: an unsettled baseline held the young generation that start-up had grown,
// 3.6 MiB, and the settle after the scan gave it back, so the files were credited with it).
// rssPerFile and heapPerFile are those deltas divided by the files watched, fixed costs
// included (SQLite's page cache, code compiled for the scan); target 150 bytes per file.
// rssPerFileLessYoung leaves out V8's young generation (up to 32 MiB whatever the size).
// Last line: one JSON object {ratio, target, ratioBasis, rssRatio, lagRatio, watches, dirs,
// lost, rssPerFile, heapPerFile, perFileTarget, chokidarFiles, ...}; where chokidar ran on
// part of the tree, ratio (ready), baselineRatio and rssRatio compare per file
// (ratioBasis 'per file').
// Hashing (the `hash` line, and `hashFilesPerS`, `hashRatio` in the last line): the real
// agent's file.hashed of the burst's small files and of BENCH_HASH_MB in 4 MiB files, from
// the last write until the last hash is committed, against `sha256sum` over the same files
// right after (page cache warm for both).
// Ready: ours, when every directory is watched (the `watching` notice: from then on no change
// is missed; the files' snapshot pass follows, `baselineMs`, which includes recording every
// file in the store); chokidar, its 'ready' event (it watches as its initial scan goes and
// reports ready when that scan ends). Lag: ours from the last write to the burst's last
// file.created committed to the store (fsync'd); chokidar's to its last 'add'.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import readline from 'node:readline';
import v8 from 'node:v8';

const now = () => performance.timeOrigin + performance.now();

// ---------------------------------------------------------------- child side
const gcNow = () => {
  globalThis.gc();
  globalThis.gc();
};
const mem = () => {
  gcNow();
  const u = process.memoryUsage();
  const young = v8.getHeapSpaceStatistics().find((x) => x.space_name === 'new_space');
  return { rss: u.rss, heap: u.heapUsed, young: young?.physical_space_size ?? 0 };
};

async function child(impl, roots, burstDir) {
  const out = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
  const seen = new Set();
  let lastAt = 0;
  const burstPrefix = `${burstDir}/b`;
  const note = (p) => {
    if (p.startsWith(burstPrefix) && p.endsWith('.dat') && !seen.has(p)) {
      seen.add(p);
      lastAt = now();
    }
  };
  let stop;
  let before;
  let t0;
  let watchingAt; // ours: all directories watched; start() resolves after the file snapshot
  let settled = Promise.resolve();
  if (impl === 'ours') {
    const { startFolderRecorder } = await import('../dist/agent/files/recorder.js');
    const { openStore } = await import('../dist/agent/store/index.js');
    const { settleWhenIdle } = await import('../dist/cli/settle.js');
    const { createPlatform } = await import('../dist/platform/index.js');
    const platform = createPlatform();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baomi-bench-watch-store-'));
    const store = openStore({ dataDir, host: 'bench' });
    store.onCommitted((events) => {
      for (const e of events) if (e.type === 'file.created') note(e.data.path);
    });
    const noop = () => {};
    const log = { info: noop, warn: noop, error: noop, debug: noop };
    log.child = () => log;
    // Both measurements are of a settled process, as a running agent is. One settle serves
    // both (a second would run its collections beside the first's): it settles again after
    // any later collection, so its next callback after start() comes once the scan is over.
    let onSettled;
    settleWhenIdle(() => onSettled?.());
    const keepAlive = setInterval(() => {}, 1000); // the settle's timer does not hold the loop
    await new Promise((r) => {
      onSettled = r;
    });
    before = mem();
    t0 = now();
    const rec = await startFolderRecorder({
      store,
      folders: roots.map((p) => ({ path: p, level: 'AAA', recursive: true, ignore: [] })),
      scanIntervalMs: 600_000,
      log,
      platform,
      onNotice: (n) => {
        // Every directory watched: from here no change is missed (see README).
        if (n.kind === 'watching') watchingAt ??= now();
        else if (n.kind !== 'scanCompleted' && n.kind !== 'error') out({ t: 'notice', n });
      },
    });
    // What a running agent does once start-up is over (src/cli/settle.ts).
    settled = new Promise((r) => {
      onSettled = r;
    }).finally(() => clearInterval(keepAlive));
    stop = async () => {
      await rec.stop();
      store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    };
  } else {
    const chokidar = await import('chokidar');
    before = mem();
    t0 = now();
    const w = chokidar.watch(roots);
    w.on('add', (p) => note(p));
    await new Promise((r) => w.on('ready', r));
    stop = () => w.close();
  }
  // chokidar's 'ready' comes after its initial scan (no watch before it is complete).
  const baselineMs = now() - t0;
  const readyAt = watchingAt ?? now();
  const rssAtReady = process.memoryUsage().rss;
  await settled;
  const after = mem();
  out({
    t: 'ready',
    readyMs: readyAt - t0,
    baselineMs,
    rssAdded: rssAtReady - before.rss,
    rssSettled: after.rss - before.rss,
    youngSettled: after.young - before.young,
    heapSettled: after.heap - before.heap,
    watches: countInotifyWatches(),
  });
  const rl = readline.createInterface({ input: process.stdin });
  for await (const line of rl) {
    const [cmd, arg] = line.split(' ');
    if (cmd === 'report') out({ t: 'report', n: seen.size, lastAt });
    if (cmd === 'idle') {
      const a = cpuTicks();
      await new Promise((r) => setTimeout(r, Number(arg) * 1000));
      out({ t: 'idle', ticks: cpuTicks() - a });
    }
    if (cmd === 'stop') {
      await stop();
      process.exit(0);
    }
  }
}

function countInotifyWatches() {
  let n = 0;
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    let target = '';
    try {
      target = fs.readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue;
    }
    if (target !== 'anon_inode:inotify') continue;
    const info = fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
    for (const l of info.split('\n')) if (l.startsWith('inotify wd:')) n++;
  }
  return n;
}

function cpuTicks() {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime (fields 14, 15)
}

// ---------------------------------------------------------------- parent side
/** The tree's folders, and per top folder how many folders and files it holds. */
function treeLayout(root, files, dirs) {
  const tops = Math.max(1, Math.round(Math.sqrt(dirs / 1.25)));
  const list = [];
  const perTop = [];
  for (let t = 0; t < tops && list.length < dirs; t++) {
    const top = path.join(root, `top${t}`);
    const first = list.length;
    list.push(top);
    for (let s = 0; list.length < dirs && s < Math.ceil(dirs / tops) - 1; s++) {
      list.push(path.join(top, `sub${s}`));
    }
    perTop.push({ path: top, dirs: list.length - first, files: 0, first });
  }
  // File i goes to folder i % list.length.
  for (const t of perTop) {
    for (let d = t.first; d < t.first + t.dirs; d++) {
      t.files += Math.floor(files / list.length) + (d < files % list.length ? 1 : 0);
    }
  }
  return { list, perTop };
}

function makeTree(root, files, dirs) {
  const layout = treeLayout(root, files, dirs);
  const marker = path.join(root, '.bench-tree.json');
  const want = JSON.stringify({ files, dirs });
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === want) return layout;
  const { list } = layout;
  for (const d of list) fs.mkdirSync(d, { recursive: true });
  for (let i = 0; i < files; i++) {
    fs.writeFileSync(path.join(list[i % list.length], `file${i}.txt`), `content ${i}\n`);
  }
  fs.writeFileSync(marker, want);
  return layout;
}

async function run(impl, roots, burstDir, burst, idleS, files, caps = {}) {
  const flags = ['--expose-gc'];
  if (caps.heapMB) flags.push(`--max-old-space-size=${caps.heapMB}`);
  const cp = spawn(
    process.execPath,
    [...flags, new URL(import.meta.url).pathname, 'child', impl, JSON.stringify(roots), burstDir],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  cp.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const exited = new Promise((r) => cp.on('exit', (code, signal) => r({ code, signal })));
  const lines = readline.createInterface({ input: cp.stdout });
  const waiters = [];
  const notices = [];
  lines.on('line', (l) => {
    const m = JSON.parse(l);
    if (m.t === 'notice') notices.push(m.n);
    const i = waiters.findIndex((w) => w.t === m.t);
    if (i >= 0) waiters.splice(i, 1)[0].resolve(m);
  });
  const next = (t) => new Promise((resolve) => waiters.push({ t, resolve }));
  const send = (s) => cp.stdin.write(`${s}\n`);

  // A cap (time, or the heap's through its exit) ends a child that cannot get ready.
  const timeoutS = caps.timeoutS ?? 3600;
  let timer;
  const ready = await Promise.race([
    next('ready'),
    exited.then((e) => ({
      failed: `exited before ready (${e.signal ?? `code ${e.code}`}): ${lastLine(stderr)}`,
    })),
    new Promise((r) => {
      timer = setTimeout(() => r({ failed: `not ready after ${timeoutS} s` }), timeoutS * 1000);
    }),
  ]);
  clearTimeout(timer);
  if (ready.failed) {
    cp.kill('SIGKILL');
    await exited;
    return { failed: ready.failed, files };
  }
  await new Promise((r) => setTimeout(r, 300));
  for (let i = 0; i < burst; i++)
    fs.writeFileSync(path.join(burstDir, `b${i}.dat`), `burst ${i}\n`);
  const lastWrite = now();
  let rep;
  let lastN = -1;
  let stuckSince = now();
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    send('report');
    rep = await next('report');
    if (rep.n >= burst) break;
    if (rep.n !== lastN) {
      lastN = rep.n;
      stuckSince = now();
    } else if (now() - stuckSince > 20_000) break;
  }
  let idleTicks;
  if (idleS > 0) {
    await new Promise((r) => setTimeout(r, 5000)); // let the hash stage finish
    send(`idle ${idleS}`);
    idleTicks = (await next('idle')).ticks;
  }
  send('stop');
  await exited;
  for (const f of fs.readdirSync(burstDir)) fs.unlinkSync(path.join(burstDir, f));
  return {
    files,
    readyMs: Math.round(ready.readyMs),
    baselineMs: Math.round(ready.baselineMs),
    rssAddedMB: +(ready.rssAdded / 2 ** 20).toFixed(1),
    rssSettledMB: +(ready.rssSettled / 2 ** 20).toFixed(1),
    rssPerFile: Math.round(ready.rssSettled / files),
    // V8's young generation: up to 2 x 16 MiB, sized by the allocation rate, not by what is
    // kept (the agent's settle gives it back in some runs only; README bench:footprint).
    youngMB: +(ready.youngSettled / 2 ** 20).toFixed(1),
    rssPerFileLessYoung: Math.round((ready.rssSettled - ready.youngSettled) / files),
    heapPerFile: Math.round(ready.heapSettled / files),
    watches: ready.watches,
    lagMs: rep.n >= burst ? Math.round(rep.lastAt - lastWrite) : null,
    lost: burst - rep.n,
    idleTicks,
    notices: notices.map((n) => n.kind),
  };
}

const lastLine = (text) => text.trim().split('\n').slice(-1)[0] ?? '';

/** Inotify watches this user's processes hold now (root reads every process's fdinfo). */
function inotifyWatchesInUse() {
  let n = 0;
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let fds;
    try {
      fds = fs.readdirSync(`/proc/${pid}/fdinfo`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const info = fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
        if (info.includes('inotify wd:')) n += info.split('\ninotify wd:').length - 1;
      } catch {}
    }
  }
  return n;
}

/** The largest run of whole top folders (the burst's first) with at most `maxFiles` files
 *  and `maxWatches` inotify watches at one per file and one per folder. */
function chokidarPart(perTop, maxFiles, maxWatches) {
  const part = { roots: [], files: 0, dirs: 0 };
  for (const t of perTop) {
    if (
      part.roots.length > 0 &&
      (part.files + t.files > maxFiles || part.files + t.files + part.dirs + t.dirs > maxWatches)
    )
      break;
    part.roots.push(t.path);
    part.files += t.files;
    part.dirs += t.dirs;
  }
  return part;
}

async function main() {
  const files = Number(process.env.BENCH_FILES ?? 20000);
  const dirs = Number(process.env.BENCH_DIRS ?? Math.max(1, Math.round(files / 10)));
  const burst = Number(process.env.BENCH_BURST ?? 5000);
  const idleS = Number(process.env.BENCH_IDLE_S ?? 30);
  const treeDir = process.env.BENCH_TREE_DIR;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'baomi-bench-watch-'));
  try {
    const root = treeDir ? path.resolve(treeDir) : path.join(tmp, 'tree');
    const t0 = now();
    const { perTop, list } = makeTree(root, files, dirs);
    const burstDir = path.join(root, 'top0', 'sub0');
    const totalDirs = list.length + 1;
    console.log(
      JSON.stringify({
        phase: 'tree',
        files,
        dirs: totalDirs,
        dir: root,
        ms: Math.round(now() - t0),
      }),
    );
    const agentOnly = process.env.BENCH_AGENT_ONLY === '1';
    const ours = agentOnly ? {} : await run('ours', [root], burstDir, burst, idleS, files);
    console.log(JSON.stringify({ phase: 'ours', ...ours }));
    // chokidar: as large as the shared inotify limit allows (or BENCH_CHOKIDAR_FILES), then
    // halved while a cap stops it.
    const limit = Number(fs.readFileSync('/proc/sys/fs/inotify/max_user_watches', 'utf8'));
    const inUse = inotifyWatchesInUse();
    const budget = Math.floor((limit - inUse) / 2);
    let maxFiles = Number(process.env.BENCH_CHOKIDAR_FILES ?? files);
    const caps = {
      timeoutS: Number(process.env.BENCH_CHOKIDAR_TIMEOUT_S ?? 300),
      heapMB: Number(process.env.BENCH_CHOKIDAR_HEAP_MB ?? 2048),
    };
    const stoppedBy = [];
    if (files + totalDirs > budget)
      stoppedBy.push(
        `inotify watches: ${files + totalDirs} needed at ${files} files, ${budget} allowed (half of what fs.inotify.max_user_watches = ${limit} leaves free, ${inUse} in use)`,
      );
    let chok = {};
    for (let tries = 0; !agentOnly && tries < 3; tries++) {
      const part = chokidarPart(perTop, maxFiles, budget);
      chok = await run('chokidar', part.roots, burstDir, burst, 0, part.files, caps);
      console.log(JSON.stringify({ phase: 'chokidar', ...chok }));
      if (!chok.failed) break;
      stoppedBy.push(`${part.files} files: ${chok.failed}`);
      maxFiles = Math.floor(part.files / 2);
    }
    const hashMB = Number(process.env.BENCH_HASH_MB ?? 64);
    const skipAgent = process.env.BENCH_AGENT === '0';
    const { hash, ...agent } = skipAgent
      ? { hash: undefined }
      : await agentPhase(tmp, root, burstDir, burst, hashMB, files);
    console.log(JSON.stringify({ phase: 'agent', ...agent }));
    if (hash) console.log(JSON.stringify({ phase: 'hash', ...hash }));
    const r = (a, b) => (a != null && b ? +(a / b).toFixed(3) : null);
    // Where chokidar ran on part of the tree, ready time and RSS are compared per file (both
    // grow with the tree).
    const sameSize = chok.files === files;
    const perFile = (v, n) => (v != null && n ? v / n : null);
    const cmp = (a, b) => (sameSize ? r(a, b) : r(perFile(a, files), perFile(b, chok.files)));
    console.log(
      JSON.stringify({
        ratio: cmp(ours.readyMs, chok.readyMs),
        target: 0.1,
        ratioBasis: sameSize ? 'same tree' : 'per file',
        baselineRatio: cmp(ours.baselineMs, chok.readyMs),
        rssRatio: cmp(ours.rssAddedMB, chok.rssAddedMB),
        rssTarget: 0.15,
        lagRatio: r(ours.lagMs, chok.lagMs),
        lagTarget: 0.2,
        files,
        rssPerFile: ours.rssPerFile,
        rssPerFileLessYoung: ours.rssPerFileLessYoung,
        heapPerFile: ours.heapPerFile,
        perFileTarget: 150,
        perFileRatio: r(ours.rssPerFile, 150),
        chokidarFiles: chok.files,
        chokidarRssPerFile: chok.rssPerFile,
        chokidarRssPerFileLessYoung: chok.rssPerFileLessYoung,
        chokidarHeapPerFile: chok.heapPerFile,
        chokidarStoppedBy: stoppedBy,
        watches: ours.watches,
        dirs: totalDirs,
        lost: ours.lost,
        chokidarLost: chok.lost,
        idleTicks30s: ours.idleTicks,
        storeCommitMs: agent.storeCommitMs,
        storeLost: agent.lost,
        hashFilesPerS: hash?.small.agent.filesPerS,
        hashMBPerS: hash?.large.agent.mbPerS,
        // The agent's small-file hashing rate against sha256sum's over the same files.
        hashRatio: hash ? r(hash.small.agent.filesPerS, hash.small.sha256sum.filesPerS) : null,
        hashLargeRatio: hash ? r(hash.large.agent.mbPerS, hash.large.sha256sum.mbPerS) : null,
        ours,
        chokidar: chok,
      }),
    );
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// ------------------------------------------------------- the whole agent, to the store
// The same burst through the real agent (watcher → events → SQLite, WAL + FULL): the time
// from the last write until the last file.created of the burst is committed.
async function agentPhase(tmp, root, burstDir, burst, hashMB, files) {
  const { generateKeyPair, signPolicy } = await import('../dist/core/policy/signature.js');
  // The bench reads the agent's database on its own read-only connection (the store hands out
  // no connection); loaded here so the watcher children never load the native module.
  const { default: Database } = await import('better-sqlite3');
  const dirs = {
    data: path.join(tmp, 'agent-data'),
    trust: path.join(tmp, 'agent-trust'),
    policy: path.join(tmp, 'policy.yaml'),
    run: path.join(tmp, 'agent-run'),
  };
  fs.mkdirSync(path.join(dirs.trust, 'policy'), { recursive: true });
  const keys = generateKeyPair();
  fs.writeFileSync(path.join(dirs.trust, 'policy', 'bench.pub'), keys.publicKeyPem);
  const yaml = [
    'version: 1',
    'name: bench',
    'issued: 2026-01-01T00:00:00Z',
    'expires: 2099-01-01T00:00:00Z',
    'folders:',
    `  - { path: ${JSON.stringify(root)}, level: AAA }`,
    '',
  ].join('\n');
  fs.writeFileSync(`${dirs.policy}.sig`, signPolicy(Buffer.from(yaml), keys.privateKeyPem));
  fs.writeFileSync(dirs.policy, yaml);
  const bin = new URL('../bin/baomi.js', import.meta.url).pathname;
  const cp = spawn(
    process.execPath,
    [
      bin,
      'agent',
      '--policy',
      dirs.policy,
      '--data-dir',
      dirs.data,
      '--trust-dir',
      dirs.trust,
      '--socket',
      dirs.run,
    ],
    { stdio: 'ignore' },
  );
  const count = (sql, ...args) => {
    try {
      const db = new Database(path.join(dirs.data, 'baomi.db'), {
        readonly: true,
        fileMustExist: true,
      });
      try {
        return db.prepare(sql).get(...args).n;
      } finally {
        db.close();
      }
    } catch {
      return 0;
    }
  };
  const waitUntil = async (pred, ms) => {
    const end = now() + ms;
    while (now() < end) {
      if (pred()) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  };
  try {
    await waitUntil(
      () => count("SELECT count(*) AS n FROM events WHERE type = 'scan.completed'") > 0,
      Math.max(120_000, files * 0.5), // a first scan records every file
    );
    const prefix = path.join(burstDir, 'b');
    for (let i = 0; i < burst; i++)
      fs.writeFileSync(path.join(burstDir, `b${i}.dat`), `burst ${i}\n`);
    const lastWrite = now();
    const burstSql =
      "SELECT count(*) AS n FROM events WHERE type = 'file.created' AND json_extract(data, '$.path') LIKE ?";
    const done = await waitUntil(() => count(burstSql, `${prefix}%`) >= burst, 60_000);
    const storeCommitMs = done ? Math.round(now() - lastWrite) : null;
    const lost = burst - count(burstSql, `${prefix}%`);
    // Hashing: the burst's small files (written above), then large ones.
    const hashedSql =
      "SELECT count(*) AS n FROM events WHERE type = 'file.hashed' AND json_extract(data, '$.path') LIKE ?";
    const smallFiles = Array.from({ length: burst }, (_, i) => path.join(burstDir, `b${i}.dat`));
    const hashedAll = await waitUntil(() => count(hashedSql, `${prefix}%`) >= burst, 300_000);
    const small = rates(
      burst,
      smallFiles,
      hashedAll ? now() - lastWrite : null,
      count(hashedSql, `${prefix}%`),
    );
    const bigDir = path.join(root, 'top0', 'big');
    fs.mkdirSync(bigDir);
    const bigCount = Math.max(1, Math.round(hashMB / 4));
    const chunk = Buffer.alloc(4 * 2 ** 20);
    const bigFiles = [];
    for (let i = 0; i < bigCount; i++) {
      chunk.fill(i + 1);
      const f = path.join(bigDir, `big${i}.bin`);
      fs.writeFileSync(f, chunk);
      bigFiles.push(f);
    }
    const bigWrite = now();
    const bigPrefix = path.join(bigDir, 'big');
    const bigDone = await waitUntil(() => count(hashedSql, `${bigPrefix}%`) >= bigCount, 300_000);
    const large = rates(
      bigCount,
      bigFiles,
      bigDone ? now() - bigWrite : null,
      count(hashedSql, `${bigPrefix}%`),
    );
    fs.rmSync(bigDir, { recursive: true, force: true });
    return { storeCommitMs, lost, hash: { small, large } };
  } finally {
    cp.kill('SIGTERM');
    await new Promise((r) => cp.on('exit', r));
    for (const f of fs.readdirSync(burstDir)) fs.unlinkSync(path.join(burstDir, f));
  }
}

/** The agent's rate over `files` (ms from the last write to the last hash) beside sha256sum's. */
function rates(n, files, agentMs, hashed) {
  const bytes = files.reduce((a, f) => a + fs.statSync(f).size, 0);
  const per = (ms) =>
    ms == null
      ? { ms: null, filesPerS: null, mbPerS: null }
      : {
          ms: Math.round(ms),
          filesPerS: Math.round(n / (ms / 1000)),
          mbPerS: +(bytes / 2 ** 20 / (ms / 1000)).toFixed(1),
        };
  return { files: n, bytes, hashed, agent: per(agentMs), sha256sum: per(sha256sumMs(files)) };
}

/** sha256sum over the files (as few processes as the argument limit allows), in ms. */
function sha256sumMs(files) {
  const t0 = now();
  for (let i = 0; i < files.length; i += 2000) {
    const r = spawnSync('sha256sum', files.slice(i, i + 2000), {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (r.status !== 0) return null;
  }
  return now() - t0;
}

if (process.argv[2] === 'child')
  await child(process.argv[3], JSON.parse(process.argv[4]), process.argv[5]);
else await main();
