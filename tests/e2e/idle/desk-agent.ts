// The real agent (`node bin/baomi.js agent`, compiled as installed) run as the desk user in
// the desk's namespace (xdesk.ts), the way `npm start` runs it on a developer's desktop: an
// ordinary user with DISPLAY and DBUS_SESSION_BUS_ADDRESS in its environment, so the idle
// module takes that user as the seat user (no session source knows one here: no logind, no
// utmp) and runs xprintidle, xscreensaver-command and notify-send as itself.
// Its folders are the desk's (outside /tmp, which the namespace replaces): the data and
// socket folders belong to the desk user, the policy and trust folders to root (readable).
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
} from 'node:fs';
import { join } from 'node:path';
import type { BaomiEvent } from '../../../src/core/events/types.js';
import {
  type AgentDirs,
  type AgentProcess,
  BIN,
  installSignedPolicy,
  POLICIES,
  policyYaml,
  readEvents,
  startAgentProcess,
  stopAgent,
} from '../../helpers/agent.js';
import { DESK_UID, type Desk } from './xdesk.js';

export interface DeskAgent {
  dirs: AgentDirs;
  proc: AgentProcess;
  /** The agent's process id (node itself: the namespace wrapper execs into it). */
  pid: number;
  /** `baomi status --json` through the agent's socket, asked as the desk user. */
  status(): Promise<Record<string, unknown>>;
  /** The agent's diagnostic log (pino JSON lines). */
  log(): string;
  events(): BaomiEvent[];
  /** Signs and installs a new policy with this idle block (the agent reloads it). */
  setPolicy(version: number, idle: string): void;
  stop(): Promise<number | null>;
}

/** The desktop programs the agent may run (idle sources, the locker, the notifier). */
const DESKTOP_PROGRAMS = [
  'sh',
  'xprintidle',
  'xscreensaver-command',
  'xdg-screensaver',
  'notify-send',
  'loginctl',
];

/**
 * A PATH of one folder (made in the desk's) holding links to the desktop programs but
 * `missing`: a machine where that program is not installed.
 */
export function pathWithout(desk: Desk, missing: string): string {
  const bin = join(desk.dir, `bin-without-${missing}`);
  mkdirSync(bin, { recursive: true, mode: 0o755 });
  for (const p of DESKTOP_PROGRAMS) {
    const target = join('/usr/bin', p);
    if (p !== missing && existsSync(target) && !existsSync(join(bin, p)))
      symlinkSync(target, join(bin, p));
  }
  return bin;
}

/** The policy of these tests: USB audited (nothing is sealed), the given idle block. */
export function idlePolicy(version: number, idle: string): string {
  const body = idle
    .trim()
    .split('\n')
    .map((l) => `  ${l.trim()}`)
    .join('\n');
  return policyYaml(version, `usb:\n  storage: audit\nidle:\n${body}\n`);
}

/**
 * Starts the agent as the desk user with exactly `env` (PATH, HOME, DISPLAY, the session
 * bus…) and the idle block `idle` ("remindAfter: 3s\nrepeat: 3s"); resolves once its policy
 * is applied.
 */
export async function startDeskAgent(
  desk: Desk,
  o: { env: Record<string, string>; idle: string; lang?: string; nodeArgs?: string[] },
): Promise<DeskAgent> {
  const root = mkdtempSync(join(desk.dir, 'agent-'));
  chmodSync(root, 0o755);
  const d: AgentDirs = {
    root,
    dataDir: join(root, 'data'),
    policyDir: join(root, 'etc'),
    policyFile: join(root, 'etc', 'policy.yaml'),
    trustDir: join(root, 'trust'),
    socketDir: join(root, 'run'),
  };
  mkdirSync(d.policyDir, { recursive: true, mode: 0o755 });
  cpSync(join(POLICIES, 'demo-trust'), d.trustDir, { recursive: true });
  for (const own of [d.dataDir, d.socketDir]) {
    mkdirSync(own, { mode: 0o700 });
    chownSync(own, DESK_UID, DESK_UID);
  }
  installSignedPolicy(d, idlePolicy(1, o.idle));
  const env = { ...o.env, LANG: o.lang ?? 'en_US.UTF-8' };
  // Node's own flags (a profiler) go between node and the script: a shell's exec puts them
  // after the node that startAgentProcess appends ("$0") and before the script ("$@").
  const flags = (o.nodeArgs ?? []).map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ');
  const nodeArgs = flags ? ['sh', '-c', `exec "$0" ${flags} "$@"`] : [];
  const proc = startAgentProcess(d, [], [...desk.wrap(env), ...nodeArgs]);
  const pid = proc.child.pid;
  if (pid === undefined) throw new Error('the agent did not start');
  const events = () => {
    try {
      return readEvents(d.dataDir);
    } catch {
      return []; // the database is not made yet
    }
  };
  const end = Date.now() + 30_000;
  while (!events().some((e) => e.type === 'policy.applied' || e.type === 'policy.rejected')) {
    const exited = proc.child.exitCode !== null || proc.child.signalCode !== null;
    if (exited || Date.now() > end) {
      await stopAgent(proc, 'SIGKILL');
      throw new Error(
        `${exited ? 'the agent exited' : 'the agent did not apply its policy within 30 s'}\nstdout: ${proc.stdout()}\nstderr: ${proc.stderr()}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const rejected = events().find((e) => e.type === 'policy.rejected');
  if (rejected) throw new Error(`policy rejected: ${JSON.stringify(rejected.data)}`);
  const socket = join(d.socketDir, 'agent.sock');
  return {
    dirs: d,
    proc,
    pid,
    events,
    async status() {
      const r = await desk.asUser(process.execPath, [BIN, 'status', '--json', '--socket', socket], {
        ...env,
      });
      const line = r.stdout
        .split('\n')
        .reverse()
        .find((l) => l.startsWith('{'));
      if (r.code !== 0 || !line) throw new Error(`baomi status failed (${r.code}): ${r.out}`);
      return JSON.parse(line) as Record<string, unknown>;
    },
    log: () => {
      try {
        return readFileSync(join(d.dataDir, 'agent.log'), 'utf8');
      } catch {
        return '';
      }
    },
    setPolicy(version, idle) {
      installSignedPolicy(d, idlePolicy(version, idle));
    },
    stop: () => stopAgent(proc),
  };
}
