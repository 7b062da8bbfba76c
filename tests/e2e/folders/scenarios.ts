// The scenarios of the acceptance criterion, each parametrised by size: the e2e suite runs
// them at full size (20,000 files), `npm test` at a few hundred. Every scenario ends the
// same way (finish): the log replays to the tree within 60 s, the log has no internal
// contradictions, the agent stops cleanly and `baomi verify` exits 0.
import { Buffer } from 'node:buffer';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { BaomiEvent } from '../../../src/core/events/types.js';
import { readEvents } from '../../helpers/agent.js';
import { readEventsAfter } from '../../helpers/replay.js';
import { bpath, countTwoLevels, oddNames, randomName, startCopier, writeTree } from './fs-ops.js';
import {
  type FolderEnv,
  failureMessage,
  folderEnv,
  REPLAY_BOUND_MS,
  type RunningFolderAgent,
  replayWithin,
  report,
  sleep,
  startFolderAgent,
  verifyExit,
  waitStartupScan,
} from './harness.js';

interface Ctx {
  env: FolderEnv;
  n: number;
  facts: Record<string, unknown>;
  agents: RunningFolderAgent[];
}

/** Fresh env; the agent(s) stopped and the dirs removed afterwards (kept on failure). */
async function withEnv(name: string, n: number, body: (c: Ctx) => Promise<void>): Promise<void> {
  const c: Ctx = { env: folderEnv(), n, facts: { n }, agents: [] };
  let ok = false;
  try {
    await body(c);
    ok = true;
  } finally {
    for (const a of c.agents) await a.kill9().catch(() => {});
    if (ok) c.env.cleanup();
    else console.log(`[folders] ${name}: kept ${c.env.d.root} for inspection`);
    report(name, c.facts);
  }
}

async function start(c: Ctx, opts: Parameters<typeof startFolderAgent>[1] = {}) {
  const prev = c.agents.at(-1);
  const a = await startFolderAgent(c.env, { replayer: prev?.replayer, ...opts });
  c.agents.push(a);
  const s = await waitStartupScan(c.env, a, prev?.replayer.lastSeq ?? 0);
  c.facts[c.agents.length === 1 ? 'startupScanMs' : `restart${c.agents.length - 1}ScanMs`] = s.ms;
  return a;
}

/** The common ending: replay within the bound, a consistent log, clean stop, verify 0. */
async function finish(c: Ctx, name: string, a: RunningFolderAgent, opsDoneAt: number, extraMs = 0) {
  const r = await replayWithin(c.env, a.replayer, extraMs);
  c.facts.replayMs = r.equal ? r.elapsedMs : `>${REPLAY_BOUND_MS}`;
  c.facts.sinceOpsMs = Date.now() - opsDoneAt;
  if (r.lateMs !== undefined) c.facts.lateMatchMs = r.lateMs;
  c.facts.liveFiles = r.diff.treeCount;
  c.facts.events = a.replayer.lastSeq;
  expect(r.equal, failureMessage(name, r)).toBe(true);
  expect(a.replayer.anomalies, `${name}: the log contradicts itself`).toEqual([]);

  const code = await a.stop();
  expect(code, `${name}: agent exit code; stderr: ${a.proc.stderr()}`).toBe(0);
  const v = verifyExit(c.env);
  expect(v.code, `${name}: baomi verify: ${v.out}`).toBe(0);

  const events = readEvents(c.env.d.dataDir);
  const bad = events.filter(
    (e) =>
      e.type.startsWith('file.') &&
      e.type !== 'file.hashed' &&
      (e.level !== 'AAA' || (e.data as { root?: string }).root !== c.env.watched),
  );
  expect(bad.slice(0, 5), `${name}: file events without the folder's level or root`).toEqual([]);
  return events;
}

const ofType = (events: readonly BaomiEvent[], t: string) => events.filter((e) => e.type === t);

// ---------------------------------------------------------------------------------------

/** Files created inside brand-new sub-folders: mkdir -p and write at once, cp -r, mv in/out. */
export function subFolders(n: number) {
  return withEnv('new sub-folders', n, async (c) => {
    const { watched, outside } = c.env;
    writeTree(join(outside, 'to-copy'), Math.ceil(n / 5), Math.max(2, Math.ceil(n / 100)));
    writeTree(join(outside, 'to-move'), Math.ceil(n / 10), Math.max(2, Math.ceil(n / 100)));
    const a = await start(c);
    const t0 = Date.now();
    const dirs = Math.max(2, Math.ceil(n / 10));
    for (let i = 0; i < dirs; i++) {
      const deep = join(watched, 'new', `n${i}`, 'a', 'b', 'c');
      mkdirSync(deep, { recursive: true });
      for (let k = 0; k < 10; k++) {
        const at = [join(watched, 'new', `n${i}`), join(watched, 'new', `n${i}`, 'a'), deep][
          k % 3
        ]!;
        writeFileSync(join(at, `f${k}`), `${i}:${k}`);
      }
    }
    cpSync(join(outside, 'to-copy'), join(watched, 'copied'), { recursive: true });
    renameSync(join(outside, 'to-move'), join(watched, 'moved-in'));
    renameSync(join(watched, 'new', 'n0'), join(outside, 'moved-out'));
    renameSync(join(watched, 'new', 'n1'), join(watched, 'new', 'n1-renamed'));
    renameSync(join(watched, 'moved-in'), join(watched, 'new', 'n1-renamed', 'a', 'moved-deeper'));
    // A folder that lives for a moment only.
    mkdirSync(join(watched, 'flash', 'x'), { recursive: true });
    writeFileSync(join(watched, 'flash', 'x', 'gone'), 'g');
    rmSync(join(watched, 'flash'), { recursive: true });
    // Created, then the folder replaced by a file of the same name.
    mkdirSync(join(watched, 'swap'));
    writeFileSync(join(watched, 'swap', 'inner'), 'i');
    rmSync(join(watched, 'swap'), { recursive: true });
    writeFileSync(join(watched, 'swap'), 'now a file');
    symlinkSync('copied', join(watched, 'link-to-dir'));
    c.facts.opsMs = Date.now() - t0;
    await finish(c, 'new sub-folders', a, Date.now());
  });
}

/** `n` files written into one folder, then a tenth appended to and a tenth deleted. */
export function oneFolder(n: number) {
  return withEnv(`${n} files in one folder`, n, async (c) => {
    const a = await start(c);
    const t0 = Date.now();
    const dir = join(c.env.watched, 'bulk');
    mkdirSync(dir);
    for (let i = 0; i < n; i++) writeFileSync(join(dir, `file-${i}.dat`), `${i}`);
    for (let i = 0; i < n; i += 10) appendFileSync(join(dir, `file-${i}.dat`), ' more');
    for (let i = 5; i < n; i += 10) unlinkSync(join(dir, `file-${i}.dat`));
    c.facts.opsMs = Date.now() - t0;
    const events = await finish(c, `${n} files in one folder`, a, Date.now());
    expect(ofType(events, 'file.created').length).toBeGreaterThanOrEqual(n - n / 10);
  });
}

/** Renames of every kind, as fast as the process can issue them. */
export function renameStorm(n: number) {
  return withEnv('rename storm', n, async (c) => {
    const { watched, outside } = c.env;
    const dirs = Math.max(4, Math.ceil(n / 100));
    writeTree(watched, n, dirs);
    writeFileSync(join(outside, 'incoming'), 'in');
    const a = await start(c);
    const t0 = Date.now();
    const dn = (d: number) => `d${String(d).padStart(3, '0')}`;
    const fn = (i: number) => `f${String(i).padStart(5, '0')}`;
    const per = Math.ceil(n / dirs);
    const at = (i: number) => join(watched, dn(Math.floor(i / per)), fn(i));
    // 1. every file renamed in place, then half of them back
    for (let i = 0; i < n; i++) renameSync(at(i), `${at(i)}.r1`);
    for (let i = 0; i < n; i += 2) renameSync(`${at(i)}.r1`, at(i));
    // 2. swap pairs through a temporary name
    for (let i = 0; i + 2 < n; i += 4) {
      renameSync(at(i), `${at(i)}.tmp`);
      renameSync(at(i + 2), at(i));
      renameSync(`${at(i)}.tmp`, at(i + 2));
    }
    // 3. chains a → b → c → d faster than a batch settles
    for (let i = 1; i < n; i += 8) {
      renameSync(`${at(i)}.r1`, `${at(i)}.c1`);
      renameSync(`${at(i)}.c1`, `${at(i)}.c2`);
      renameSync(`${at(i)}.c2`, `${at(i)}.c3`);
    }
    // 4. rename over an existing file (the target is replaced)
    for (let i = 3; i + 4 < n; i += 8) renameSync(`${at(i)}.r1`, `${at(i + 4)}`);
    // 5. moves between folders
    for (let i = 0; i < n; i += 16) renameSync(at(i), join(watched, dn(dirs - 1), `moved-${i}`));
    // 6. folders renamed, twice, and one swapped with another
    renameSync(join(watched, dn(0)), join(watched, 'x0'));
    renameSync(join(watched, 'x0'), join(watched, 'y0'));
    renameSync(join(watched, dn(1)), join(watched, 'tmpdir'));
    renameSync(join(watched, dn(2)), join(watched, dn(1)));
    renameSync(join(watched, 'tmpdir'), join(watched, dn(2)));
    // 7. a folder moved out and back in under another name; files from and to outside
    renameSync(join(watched, dn(3)), join(outside, 'away'));
    renameSync(join(outside, 'away'), join(watched, 'y0', 'back'));
    renameSync(join(outside, 'incoming'), join(watched, 'incoming'));
    let j = 3 * per; // a file of d003 that went through the chain in step 3
    while (j % 8 !== 1) j++;
    renameSync(join(watched, 'y0', 'back', `${fn(j)}.c3`), join(outside, 'left'));
    c.facts.opsMs = Date.now() - t0;
    const events = await finish(c, 'rename storm', a, Date.now());
    c.facts.renamedEvents = ofType(events, 'file.renamed').length;
  });
}

/** The agent stopped (SIGSTOP) while `n` files are written: the kernel queue overflows. */
export function sigstop(n: number, opts: { stopForMs: number; expectOverflow: boolean }) {
  return withEnv(`SIGSTOP during ${n} writes`, n, async (c) => {
    const { watched } = c.env;
    for (let i = 0; i < 200; i++) writeFileSync(join(watched, `old${i}`), 'o');
    const a = await start(c);
    const t0 = Date.now();
    process.kill(a.pid, 'SIGSTOP');
    try {
      writeTree(join(watched, 'burst'), n, Math.max(1, Math.ceil(n / 1000)));
      for (let i = 0; i < 200; i += 2) unlinkSync(join(watched, `old${i}`));
      for (let i = 1; i < 200; i += 4)
        renameSync(join(watched, `old${i}`), join(watched, `renamed${i}`));
      for (let i = 3; i < 200; i += 4) appendFileSync(join(watched, `old${i}`), 'grown');
      c.facts.writeMs = Date.now() - t0;
      const left = opts.stopForMs - (Date.now() - t0);
      if (left > 0) await sleep(left);
    } finally {
      process.kill(a.pid, 'SIGCONT');
    }
    c.facts.stoppedMs = Date.now() - t0;
    const events = await finish(c, `SIGSTOP during ${n} writes`, a, Date.now());
    const overflow = ofType(events, 'watch.overflow');
    c.facts.overflow = overflow.map((e) => e.data);
    c.facts.scans = ofType(events, 'scan.completed').map(
      (e) => (e.data as { reason?: string }).reason,
    );
    if (opts.expectOverflow)
      expect(
        overflow.length,
        'SIGSTOP with an overflowing queue: no watch.overflow event',
      ).toBeGreaterThan(0);
  });
}

/** kill -9 in the middle of an `n`-file copy (and offline edits), then a restart. */
export function kill9MidCopy(n: number) {
  return withEnv(`kill -9 during ${n}-file copy`, n, async (c) => {
    const { watched, outside } = c.env;
    const src = join(outside, 'src');
    writeTree(src, n, Math.max(2, Math.ceil(n / 1000)));
    for (let i = 0; i < 50; i++) writeFileSync(join(watched, `before${i}`), 'b');
    const a = await start(c);
    const t0 = Date.now();
    const copy = startCopier(src, join(watched, 'copy'));
    let copied = countTwoLevels(join(watched, 'copy'));
    while (copied < n / 4 && copy.child.exitCode === null) {
      await sleep(5);
      copied = countTwoLevels(join(watched, 'copy'));
    }
    const copierRunning = copy.child.exitCode === null;
    await a.kill9();
    a.replayer.feed(readEventsAfter(c.env.d.dataDir, a.replayer.lastSeq));
    const seqAtKill = a.replayer.lastSeq; // everything later comes from the restarted agent
    c.facts.killedAfterMs = Date.now() - t0;
    c.facts.copiedAtKill = copied;
    expect(copierRunning, 'the copy finished before the agent could be killed; raise n').toBe(true);
    // Offline edits beside the copy.
    for (let i = 0; i < 50; i += 5) unlinkSync(join(watched, `before${i}`));
    for (let i = 1; i < 50; i += 5)
      renameSync(join(watched, `before${i}`), join(watched, `after${i}`));
    for (let i = 2; i < 50; i += 5) appendFileSync(join(watched, `before${i}`), 'changed');
    expect(await copy.done, 'copier exit code').toBe(0);
    const b = await start(c);
    const events = await finish(c, `kill -9 during ${n}-file copy`, b, Date.now());
    const after = events.filter(
      (e) => e.seq > seqAtKill && e.type.startsWith('file.') && e.type !== 'file.hashed',
    );
    c.facts.offlineEvents = after.filter((e) => (e.data as { offline?: boolean }).offline).length;
    c.facts.eventsAfterRestart = after.length;
    expect(
      after.filter((e) => (e.data as { baseline?: boolean }).baseline).length,
      'a restart must not record a second baseline',
    ).toBe(0);
    expect(
      c.facts.offlineEvents,
      'changes made while the agent was dead carry offline: true',
    ).toBeGreaterThan(0);
    expect(ofType(events, 'agent.started').length).toBe(2);
    // Nothing changed after the restart: every file event it recorded is an offline change.
    const notOffline = after.filter((e) => !(e.data as { offline?: boolean }).offline);
    const kinds: Record<string, number> = {};
    for (const e of notOffline) {
      const k = `${e.type}/${(e.data as { detectedBy?: string }).detectedBy}`;
      kinds[k] = (kinds[k] ?? 0) + 1;
    }
    c.facts.notOfflineAfterRestart = kinds;
    expect(
      notOffline.slice(0, 3).map((e) => `#${e.seq} ${e.type} ${JSON.stringify(e.data)}`),
      `changes made while the agent was dead, recorded without offline: true (${notOffline.length}: ${JSON.stringify(kinds)})`,
    ).toEqual([]);
  });
}

/** Names with newlines, spaces, Chinese and invalid UTF-8: baseline, live and offline. */
export function oddNamesScenario(n: number) {
  return withEnv('odd names', n, async (c) => {
    const w = Buffer.from(c.env.watched);
    const badDir = bpath(w, Buffer.from([0x64, 0xff, 0x0a, 0x64])); // "d\xff\nd"
    const nlDir = bpath(w, 'dir\nwith newline 目录');
    mkdirSync(badDir);
    mkdirSync(nlDir);
    for (const name of oddNames('base')) {
      writeFileSync(bpath(w, name), 'b');
      writeFileSync(bpath(badDir, name), 'b');
    }
    const a = await start(c);
    const t0 = Date.now();
    const live = oddNames('live');
    for (const name of live) {
      writeFileSync(bpath(w, name), 'l');
      writeFileSync(bpath(nlDir, name), 'l');
    }
    for (let i = 0; i < n; i++) writeFileSync(bpath(w, randomName(i)), Buffer.from([i & 0xff]));
    // plain → odd, odd → odd, odd → plain, and deletions
    writeFileSync(join(c.env.watched, 'plain.txt'), 'p');
    renameSync(join(c.env.watched, 'plain.txt'), bpath(badDir, Buffer.from([0x70, 0xfe])));
    renameSync(
      bpath(w, live[0]!),
      bpath(w, Buffer.concat([live[0]!.subarray(0, 4), Buffer.from([0xff])])),
    );
    renameSync(bpath(w, live[9]!), bpath(w, 'was-invalid.txt'));
    unlinkSync(bpath(w, live[3]!));
    unlinkSync(bpath(badDir, oddNames('base')[10]!));
    renameSync(badDir, bpath(w, Buffer.from([0x65, 0x80, 0x20, 0xe6, 0x9c, 0xba])));
    c.facts.liveOpsMs = Date.now() - t0;
    const r1 = await replayWithin(c.env, a.replayer);
    expect(r1.equal, failureMessage('odd names (live)', r1)).toBe(true);

    // Offline: stopped cleanly, names changed, restarted.
    expect(await a.stop()).toBe(0);
    for (let i = 0; i < n; i += 3) unlinkSync(bpath(w, randomName(i)));
    for (let i = 1; i < n; i += 3) renameSync(bpath(w, randomName(i)), bpath(w, randomName(i, 2)));
    for (const name of oddNames('offline')) writeFileSync(bpath(nlDir, name), 'o');
    const b = await start(c);
    const events = await finish(c, 'odd names (offline + restart)', b, Date.now());
    const withBytes = events.filter(
      (e) => (e.data as { pathBytes?: string }).pathBytes !== undefined,
    );
    c.facts.eventsWithPathBytes = withBytes.length;
    expect(withBytes.length, 'invalid UTF-8 names carry pathBytes').toBeGreaterThan(0);
  });
}

/** A watch limit lowered in a user namespace: more folders than watches; scans cover the rest. */
export function watchLimit(
  dirs: number,
  opts: { live: boolean; maxWatches?: number; extraMs?: number },
) {
  return withEnv(`watch limit (${dirs} dirs)`, dirs, async (c) => {
    const { watched } = c.env;
    const maxWatches = opts.maxWatches ?? 50;
    for (let d = 0; d < dirs; d++) {
      const p = join(watched, `top${d % 10}`, `sub${d}`);
      mkdirSync(p, { recursive: true });
      writeFileSync(join(p, 'seed'), 's');
    }
    const a = await start(c, { userns: { maxWatches } });
    const limit = await (async () => {
      const t = Date.now();
      for (;;) {
        const e = a.replayer.events.find((x) => x.type === 'watch.limit');
        if (e || Date.now() - t > 5000) return e;
        await sleep(200);
        a.replayer.feed(readEventsAfter(c.env.d.dataDir, a.replayer.lastSeq));
      }
    })();
    c.facts.watchLimit = limit?.data;
    expect(
      limit,
      `no watch.limit event with ${dirs + 11} folders and ${maxWatches} watches`,
    ).toBeDefined();
    const t0 = Date.now();
    if (opts.live) {
      for (let d = 0; d < dirs; d++) {
        const p = join(watched, `top${d % 10}`, `sub${d}`);
        writeFileSync(join(p, 'live'), 'l');
        if (d % 3 === 0) unlinkSync(join(p, 'seed'));
        if (d % 3 === 1) renameSync(join(p, 'seed'), join(p, 'seed-renamed'));
        if (d % 5 === 0) {
          mkdirSync(join(p, 'newer', 'deeper'), { recursive: true });
          writeFileSync(join(p, 'newer', 'deeper', 'x'), 'x');
        }
      }
      if (!existsSync(join(watched, 'fresh'))) mkdirSync(join(watched, 'fresh'));
      writeFileSync(join(watched, 'fresh', 'y'), 'y');
    }
    c.facts.opsMs = Date.now() - t0;
    await finish(c, `watch limit (${dirs} dirs)`, a, Date.now(), opts.extraMs ?? 0);
  });
}
