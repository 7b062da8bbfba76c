// Folder-watcher benchmark: our layer (dist/agent/folders) against chokidar 5 with default
// options, each in its own child process so RSS and inotify counts are clean.
//   node bench/watch.mjs            (build first: npx tsc -p tsconfig.build.json)
// Env: BENCH_FILES (20000), BENCH_DIRS (2000), BENCH_BURST (5000), BENCH_IDLE_S (30),
// BENCH_HASH_MB (64: large files for the hashing MB/s), BENCH_AGENT_ONLY (1: the agent phase
// alone, e.g. to compare hashing between two builds).
// Last line: one JSON object {ratio, target, rssRatio, lagRatio, watches, dirs, lost, ...}.
// Hashing (the `hash` line, and `hashFilesPerS`, `hashRatio` in the last line): the real
// agent's file.hashed of the burst's small files and of BENCH_HASH_MB in 4 MiB files, from
// the last write until the last hash is committed, against `sha256sum` over the same files
// right after (page cache warm for both).
// Ready: ours, when every directory is watched (the `watching` notice: from then on no change
// is missed; the files' snapshot pass follows, `baselineMs`); chokidar, its 'ready' event (it
// watches as its initial scan goes and reports ready when that scan ends). RSS for ours is
// taken after the snapshot pass, with every file in memory, like chokidar's.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import readline from 'node:readline';

const now = () => performance.timeOrigin + performance.now();

// ---------------------------------------------------------------- child side
async function child(impl, root, burstDir) {
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
  let rssBefore;
  let t0;
  let watchingAt; // ours: all directories watched; start() resolves after the file snapshot
  if (impl === 'ours') {
    const { createFolderWatcher, MemorySnapshotStore } = await import(
      '../dist/agent/folders/index.js'
    );
    const { createPlatform } = await import('../dist/platform/index.js');
    const platform = createPlatform();
    rssBefore = process.memoryUsage().rss;
    t0 = now();
    const w = createFolderWatcher({
      folders: [{ path: root, level: 'AAA', recursive: true, ignore: [] }],
      snapshot: new MemorySnapshotStore(),
      source: platform.tree,
      kernel: platform.kernel,
      onChanges: (batch) => {
        for (const c of batch) if (c.kind === 'created') note(c.path);
      },
      onHashed: () => {},
      onNotice: (n) => {
        // Every directory watched: from here no change is missed (see README).
        if (n.kind === 'watching') watchingAt ??= now();
        else if (n.kind !== 'scanCompleted') out({ t: 'notice', n });
      },
    });
    await w.start();
    stop = () => w.stop();
  } else {
    const chokidar = await import('chokidar');
    rssBefore = process.memoryUsage().rss;
    t0 = now();
    const w = chokidar.watch(root);
    w.on('add', (p) => note(p));
    await new Promise((r) => w.on('ready', r));
    stop = () => w.close();
  }
  // chokidar's 'ready' comes after its initial scan (no watch before it is complete).
  const baselineMs = now() - t0;
  out({
    t: 'ready',
    readyMs: (watchingAt ?? now()) - t0,
    baselineMs,
    rssAdded: process.memoryUsage().rss - rssBefore,
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
function makeTree(root, files, dirs) {
  const tops = Math.max(1, Math.round(Math.sqrt(dirs / 1.25)));
  const list = [];
  for (let t = 0; t < tops && list.length < dirs; t++) {
    const top = path.join(root, `top${t}`);
    list.push(top);
    for (let s = 0; list.length < dirs && s < Math.ceil(dirs / tops) - 1; s++) {
      list.push(path.join(top, `sub${s}`));
    }
  }
  for (const d of list) fs.mkdirSync(d, { recursive: true });
  for (let i = 0; i < files; i++) {
    fs.writeFileSync(path.join(list[i % list.length], `file${i}.txt`), `content ${i}\n`);
  }
  return list.length;
}

async function run(impl, root, burstDir, burst, idleS) {
  const cp = spawn(
    process.execPath,
    [new URL(import.meta.url).pathname, 'child', impl, root, burstDir],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
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

  const ready = await next('ready');
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
  await new Promise((r) => cp.on('exit', r));
  for (const f of fs.readdirSync(burstDir)) fs.unlinkSync(path.join(burstDir, f));
  return {
    readyMs: Math.round(ready.readyMs),
    baselineMs: Math.round(ready.baselineMs),
    rssAddedMB: +(ready.rssAdded / 2 ** 20).toFixed(1),
    watches: ready.watches,
    lagMs: rep.n >= burst ? Math.round(rep.lastAt - lastWrite) : null,
    lost: burst - rep.n,
    idleTicks,
    notices: notices.map((n) => n.kind),
  };
}

async function main() {
  const files = Number(process.env.BENCH_FILES ?? 20000);
  const dirs = Number(process.env.BENCH_DIRS ?? 2000);
  const burst = Number(process.env.BENCH_BURST ?? 5000);
  const idleS = Number(process.env.BENCH_IDLE_S ?? 30);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'baomi-bench-watch-'));
  try {
    const root = path.join(tmp, 'tree');
    const made = makeTree(root, files, dirs);
    const burstDir = path.join(root, 'top0', 'sub0');
    const totalDirs = made + 1;
    console.log(JSON.stringify({ phase: 'tree', files, dirs: totalDirs, dir: tmp }));
    const agentOnly = process.env.BENCH_AGENT_ONLY === '1';
    const ours = agentOnly ? {} : await run('ours', root, burstDir, burst, idleS);
    console.log(JSON.stringify({ phase: 'ours', ...ours }));
    const chok = agentOnly ? {} : await run('chokidar', root, burstDir, burst, 0);
    console.log(JSON.stringify({ phase: 'chokidar', ...chok }));
    const hashMB = Number(process.env.BENCH_HASH_MB ?? 64);
    const { hash, ...agent } = await agentPhase(tmp, root, burstDir, burst, hashMB);
    console.log(JSON.stringify({ phase: 'agent', ...agent }));
    console.log(JSON.stringify({ phase: 'hash', ...hash }));
    const r = (a, b) => (a != null && b ? +(a / b).toFixed(3) : null);
    console.log(
      JSON.stringify({
        ratio: r(ours.readyMs, chok.readyMs),
        target: 0.1,
        baselineRatio: r(ours.baselineMs, chok.readyMs),
        rssRatio: r(ours.rssAddedMB, chok.rssAddedMB),
        rssTarget: 0.15,
        lagRatio: r(ours.lagMs, chok.lagMs),
        lagTarget: 0.2,
        watches: ours.watches,
        dirs: totalDirs,
        lost: ours.lost,
        chokidarLost: chok.lost,
        idleTicks30s: ours.idleTicks,
        storeCommitMs: agent.storeCommitMs,
        storeLost: agent.lost,
        hashFilesPerS: hash.small.agent.filesPerS,
        hashMBPerS: hash.large.agent.mbPerS,
        // The agent's small-file hashing rate against sha256sum's over the same files.
        hashRatio: r(hash.small.agent.filesPerS, hash.small.sha256sum.filesPerS),
        hashLargeRatio: r(hash.large.agent.mbPerS, hash.large.sha256sum.mbPerS),
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
async function agentPhase(tmp, root, burstDir, burst, hashMB) {
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
      120_000,
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

if (process.argv[2] === 'child') await child(process.argv[3], process.argv[4], process.argv[5]);
else await main();
