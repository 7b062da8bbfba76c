// Default locations (DESIGN.md "Paths"). Pure: the caller passes platform, uid and env,
// so tests can ask for any OS. Every one of these is overridable by a CLI flag.
import { posix, win32 } from 'node:path';
import { isPipe } from '../core/protocol/pipe.js';

export type OsName = 'linux' | 'windows' | 'darwin';

export interface DefaultPaths {
  dataDir: string;
  policyFile: string;
  trustDir: string;
  socketDir: string;
}

export function osName(platform: string): OsName {
  if (platform === 'win32') return 'windows';
  if (platform === 'darwin') return 'darwin';
  return 'linux';
}

export function defaultPaths(
  os: OsName,
  uid: number,
  env: Record<string, string | undefined>,
  home: string,
): DefaultPaths {
  if (os === 'windows') {
    const base = win32.join(env.ProgramData ?? 'C:\\ProgramData', 'Baomi');
    return {
      dataDir: base,
      policyFile: win32.join(base, 'policy.yaml'),
      trustDir: win32.join(base, 'trust'),
      socketDir: '\\\\.\\pipe\\baomi',
    };
  }
  if (uid === 0 && os === 'darwin') {
    const base = '/Library/Application Support/Baomi';
    return {
      dataDir: base,
      policyFile: posix.join(base, 'policy.yaml'),
      trustDir: posix.join(base, 'trust'),
      socketDir: '/var/run/baomi',
    };
  }
  if (uid === 0) {
    return {
      dataDir: '/var/lib/baomi',
      policyFile: '/etc/baomi/policy.yaml',
      trustDir: '/etc/baomi/trust',
      socketDir: '/run/baomi',
    };
  }
  // An ordinary user (development, `npm start`): XDG locations.
  const data = env.XDG_DATA_HOME || posix.join(home, '.local', 'share');
  const config = env.XDG_CONFIG_HOME || posix.join(home, '.config');
  const runtime = env.XDG_RUNTIME_DIR || posix.join('/tmp', `baomi-${uid}`);
  return {
    dataDir: posix.join(data, 'baomi'),
    policyFile: posix.join(config, 'baomi', 'policy.yaml'),
    trustDir: posix.join(config, 'baomi', 'trust'),
    socketDir: env.XDG_RUNTIME_DIR ? posix.join(runtime, 'baomi') : runtime,
  };
}

/**
 * The console's data dir (`baomi console`): its SQLite database `console.db` and its exception
 * key. Root: /var/lib/baomi-console; an ordinary user (a laptop, `npm start`): the XDG data dir.
 */
export function consoleDataDir(
  os: OsName,
  uid: number,
  env: Record<string, string | undefined>,
  home: string,
): string {
  if (os === 'windows') return win32.join(env.ProgramData ?? 'C:\\ProgramData', 'Baomi Console');
  if (uid === 0 && os === 'darwin') return '/Library/Application Support/Baomi Console';
  if (uid === 0) return '/var/lib/baomi-console';
  return posix.join(env.XDG_DATA_HOME || posix.join(home, '.local', 'share'), 'baomi-console');
}

export function socketPaths(socketDir: string): { agent: string; admin: string } {
  if (isPipe(socketDir)) return { agent: `${socketDir}-agent`, admin: `${socketDir}-admin` };
  return { agent: posix.join(socketDir, 'agent.sock'), admin: posix.join(socketDir, 'admin.sock') };
}

/** admin.sock beside an agent.sock (the same agent's), or null when the path is not one. */
export function adminBeside(agentSocket: string): string | null {
  if (isPipe(agentSocket) && agentSocket.endsWith('-agent'))
    return `${agentSocket.slice(0, -'-agent'.length)}-admin`;
  if (posix.basename(agentSocket) === 'agent.sock')
    return posix.join(posix.dirname(agentSocket), 'admin.sock');
  return null;
}

/**
 * The seat token file of user `uid` (DESIGN.md "Who is asking on agent.sock"): `baomi/seat.token`
 * in that user's runtime dir. `env` is that user's environment: a development agent and the
 * client pass their own; a root agent passes `{ XDG_RUNTIME_DIR: logindRuntimeDir(uid) }`.
 * Without XDG_RUNTIME_DIR it is the user's socket-dir fallback, `/tmp/baomi-<uid>`.
 */
export function seatTokenPath(uid: number, env: Record<string, string | undefined>): string {
  const dir = env.XDG_RUNTIME_DIR
    ? posix.join(env.XDG_RUNTIME_DIR, 'baomi')
    : posix.join('/tmp', `baomi-${uid}`);
  return posix.join(dir, 'seat.token');
}

/** The runtime dir systemd-logind gives each logged-in user. */
export function logindRuntimeDir(uid: number): string {
  return `/run/user/${uid}`;
}

/**
 * Where a client running as `uid` looks for its seat token, in order: its own runtime dir
 * (an agent running as this user), then logind's (an agent running as root).
 */
export function seatTokenCandidates(
  uid: number,
  env: Record<string, string | undefined>,
): string[] {
  const own = seatTokenPath(uid, env);
  const root = seatTokenPath(uid, { XDG_RUNTIME_DIR: logindRuntimeDir(uid) });
  return own === root ? [own] : [own, root];
}

/** One place a reading command (events, status, verify) may find the agent or its log. */
export type ReadPlace =
  | { kind: 'socket'; path: string; admin: boolean }
  | { kind: 'dataDir'; path: string };

/**
 * Overrides the system agent's socket directory for the places a client looks. FOR TESTS
 * ONLY: a test cannot listen in /run/baomi; a person never needs it (`--socket` names one).
 */
export const SYSTEM_SOCKET_DIR_ENV = 'BAOMI_TEST_SYSTEM_SOCKET_DIR';

/**
 * Where `events`, `status` and `verify` look, in order, when given neither --socket nor
 * --data-dir: the user's own (development) agent, admin.sock then agent.sock; then the system
 * agent's, admin.sock (open to root and the baomi-admin group; refused otherwise) then
 * agent.sock (any local user); then the user's default data dir, read-only. For root the
 * two agents are one. `adminOnly` (verify) leaves agent.sock out.
 */
export function readPlaces(
  os: OsName,
  uid: number,
  env: Record<string, string | undefined>,
  home: string,
  adminOnly = false,
): ReadPlace[] {
  const own = defaultPaths(os, uid, env, home);
  const system = defaultPaths(os, 0, env, home);
  const systemDir = env[SYSTEM_SOCKET_DIR_ENV] || system.socketDir;
  const places: ReadPlace[] = [];
  for (const dir of [own.socketDir, systemDir]) {
    const s = socketPaths(dir);
    for (const [path, admin] of [
      [s.admin, true],
      [s.agent, false],
    ] as const) {
      if (adminOnly && !admin) continue;
      if (!places.some((p) => p.path === path)) places.push({ kind: 'socket', path, admin });
    }
  }
  places.push({ kind: 'dataDir', path: own.dataDir });
  return places;
}
