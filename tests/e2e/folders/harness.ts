// The real agent on a real file system: a signed policy naming watched folders, the agent as
// a child process (optionally inside a user namespace with a lowered inotify limit), and the
// acceptance check "the log replays to the tree within 60 s". Shared by the heavy scenarios
// here and the light ones in tests/integration/agent/folders.test.ts.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AgentDirs,
  type AgentProcess,
  agentDirs,
  runCli,
  startAgentProcess,
  waitFor,
} from '../../helpers/agent.js';
import {
  Replayer,
  type ReplayOutcome,
  readEventsAfter,
  waitForReplay,
} from '../../helpers/replay.js';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The acceptance bound of the issue. */
export const REPLAY_BOUND_MS = 60_000;

let keyDir: string | undefined;

/** One key pair per test process (keygen never overwrites, so a fresh dir). */
function policyKey(): { key: string; pub: string } {
  if (!keyDir) {
    const dir = mkdtempSync(join(tmpdir(), 'baomi-fkey-'));
    keyDir = dir;
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    const r = runCli(['policy', 'keygen', 'folders-test', '--out', keyDir]);
    if (r.code !== 0) throw new Error(`policy keygen failed: ${r.stderr}`);
  }
  return { key: join(keyDir, 'folders-test.key'), pub: join(keyDir, 'folders-test.pub') };
}

export interface FolderEnv {
  d: AgentDirs;
  /** The watched folder (exists, empty). */
  watched: string;
  /** A scratch dir beside it, not watched (sources for copies and moves). */
  outside: string;
  cleanup(): void;
}

/**
 * Temporary dirs and a signed policy with one recursive AAA folder. scan.interval is left
 * out on purpose: the acceptance criterion holds with the default (10 min).
 */
export function folderEnv(level = 'AAA'): FolderEnv {
  const d = agentDirs();
  const watched = join(d.root, 'watched');
  const outside = join(d.root, 'outside');
  mkdirSync(watched);
  mkdirSync(outside);
  const k = policyKey();
  mkdirSync(join(d.trustDir, 'policy'), { recursive: true });
  copyFileSync(k.pub, join(d.trustDir, 'policy', 'folders-test.pub'));
  writeFileSync(
    d.policyFile,
    [
      'version: 1',
      'name: folder replay tests',
      'issued: 2026-01-01T00:00:00Z',
      'expires: 2099-01-01T00:00:00Z',
      'usb:',
      '  storage: audit',
      'folders:',
      `  - path: ${JSON.stringify(watched)}`,
      `    level: ${level}`,
      '    recursive: true',
      '',
    ].join('\n'),
  );
  const s = runCli(['policy', 'sign', '--key', k.key, d.policyFile]);
  if (s.code !== 0) throw new Error(`policy sign failed: ${s.stderr}`);
  return {
    d,
    watched,
    outside,
    cleanup: () => rmSync(d.root, { recursive: true, force: true }),
  };
}

export interface RunningFolderAgent {
  proc: AgentProcess;
  /** Pid of the node process itself (inside the namespace wrapper when there is one). */
  pid: number;
  /** Incremental replay of this data dir (shared across restarts of the same env). */
  replayer: Replayer;
  stop(): Promise<number | null>;
  kill9(): Promise<void>;
}

/** `echo N > /proc/sys/user/max_inotify_watches` works in a fresh user namespace. */
export function usernsWatchLimitWorks(): boolean {
  const r = spawnSync(
    'unshare',
    ['-U', '-r', '--fork', 'sh', '-c', 'echo 50 > /proc/sys/user/max_inotify_watches'],
    {
      stdio: 'ignore',
    },
  );
  return r.status === 0;
}

function childPid(pid: number): number | undefined {
  try {
    const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return kids ? Number(kids.split(/\s+/)[0]) : undefined;
  } catch {
    return undefined;
  }
}

/** Like startAgentProcess, inside `unshare -U -r --fork` with a lowered watch limit. */
function startInUserns(d: AgentDirs, maxWatches: number): AgentProcess {
  return startAgentProcess(
    d,
    [],
    [
      'unshare',
      '-U',
      '-r',
      '--fork',
      'sh',
      '-c',
      `echo ${maxWatches} > /proc/sys/user/max_inotify_watches && exec "$0" "$@"`,
    ],
  );
}

export async function startFolderAgent(
  env: FolderEnv,
  opts: { replayer?: Replayer; userns?: { maxWatches: number } } = {},
): Promise<RunningFolderAgent> {
  const proc = opts.userns
    ? startInUserns(env.d, opts.userns.maxWatches)
    : startAgentProcess(env.d);
  let pid = proc.child.pid!;
  if (opts.userns)
    pid = await waitFor('the agent inside unshare', () => childPid(proc.child.pid!), 10_000);
  let dead = false;
  void proc.exited.then(() => {
    dead = true;
  });
  return {
    proc,
    pid,
    replayer: opts.replayer ?? new Replayer([env.watched]),
    async stop() {
      if (dead) return proc.exited;
      process.kill(pid, 'SIGCONT');
      process.kill(pid, 'SIGTERM');
      return proc.exited;
    },
    async kill9() {
      if (dead) return;
      process.kill(pid, 'SIGKILL');
      await proc.exited;
    },
  };
}

/** Waits for this agent's scan of the watched folder with reason startup (its first scan). */
export async function waitStartupScan(
  env: FolderEnv,
  a: RunningFolderAgent,
  afterSeq = 0,
  timeoutMs = 60_000,
) {
  const t0 = Date.now();
  const found = await Promise.race([
    waitFor(
      'scan.completed of the watched folder',
      () => {
        a.replayer.feed(readEventsAfter(env.d.dataDir, a.replayer.lastSeq));
        return a.replayer.events.find(
          (e) =>
            e.seq > afterSeq &&
            e.type === 'scan.completed' &&
            (e.data as { root?: string }).root === env.watched,
        );
      },
      timeoutMs,
    ),
    a.proc.exited.then((code) => {
      throw new Error(`agent exited (${code}) before its first scan: ${a.proc.stderr()}`);
    }),
  ]);
  return { event: found, ms: Date.now() - t0 };
}

export interface ReplayResult extends ReplayOutcome {
  /** When it did not match within the bound: when it finally did (extra wait), if at all. */
  lateMs?: number;
}

/**
 * The acceptance check: replay matches the tree within REPLAY_BOUND_MS. On failure it keeps
 * watching for `extraMs` more, so the report can say "matched only after N s" or "never".
 */
export async function replayWithin(
  env: FolderEnv,
  replayer: Replayer,
  extraMs = 0,
): Promise<ReplayResult> {
  const res: ReplayResult = await waitForReplay(env.d.dataDir, [env.watched], {
    timeoutMs: REPLAY_BOUND_MS,
    replayer,
  });
  if (res.equal || extraMs <= 0) return res;
  const late = await waitForReplay(env.d.dataDir, [env.watched], { timeoutMs: extraMs, replayer });
  if (late.equal) res.lateMs = REPLAY_BOUND_MS + late.elapsedMs;
  return res;
}

export function failureMessage(scenario: string, r: ReplayResult): string {
  const late =
    r.lateMs !== undefined ? `; it matched only after ${(r.lateMs / 1000).toFixed(1)} s` : '';
  return `${scenario}: log did not replay to the tree within ${REPLAY_BOUND_MS / 1000} s${late}\n${r.message}`;
}

export function verifyExit(env: FolderEnv): { code: number | null; out: string } {
  const v = runCli(['verify', '--data-dir', env.d.dataDir]);
  return { code: v.code, out: v.stdout + v.stderr };
}

/** One line per scenario for the report (vitest shows console output). */
export function report(scenario: string, facts: Record<string, unknown>): void {
  console.log(`[folders] ${scenario}: ${JSON.stringify(facts)}`);
}
