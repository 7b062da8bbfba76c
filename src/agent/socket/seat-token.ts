// The seat token (DESIGN.md "Who is asking on agent.sock"). Node cannot see who connects to a
// unix socket, so the agent writes a random 256-bit token into a file only the seat user can
// read; a request on agent.sock that carries it was made as the seat user. A new seat user
// gets a new token and the old one stops resolving at once; stop() removes the file.
//
// SECURITY (do not loosen): the token lives in the seat user's runtime dir, which that user
// controls and a root agent writes into. So nothing on the way follows a symlink: the runtime
// dir and `baomi/` are opened with O_NOFOLLOW|O_DIRECTORY and everything below is reached
// through /proc/self/fd/<dir fd>, so swapping `baomi/` for a link to /etc after the check
// changes nothing; the file is created O_EXCL|O_NOFOLLOW beside its final name, chowned
// through its fd, then renamed (rename replaces a link, never writes through it).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  fchownSync,
  fstatSync,
  mkdirSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BaomiError } from '../../core/errors.js';
import { SEAT_TOKEN_PATTERN } from '../../core/protocol/messages.js';
import { logindRuntimeDir, seatTokenPath } from '../../platform/paths.js';

export interface SeatTokenUser {
  name: string;
  uid?: number;
}

export interface SeatTokenFile {
  readonly user: string;
  readonly token: string;
  readonly path: string;
  /** Removes the file (if it is still there). Idempotent. */
  remove(): void;
}

const FILE = 'seat.token';
const PROC_FD = '/proc/self/fd';
const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW, O_WRONLY, O_CREAT, O_EXCL } = constants;

/** A path below an open directory that does not re-walk the directory's own path. */
function under(dirFd: number, dirPath: string, name: string): string {
  return existsSync(PROC_FD) ? join(PROC_FD, String(dirFd), name) : join(dirPath, name);
}

function openDir(path: string, shown: string): number {
  try {
    return openSync(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    if (code === 'ENOENT') throw new BaomiError('SEAT_TOKEN_NO_DIR', { path: shown });
    // ENOTDIR / ELOOP: a file or a symlink where the directory should be.
    throw new BaomiError('SEAT_TOKEN_UNSAFE', { path: shown, reason: code });
  }
}

/**
 * Writes a new random token for `seatUser` into `<dir>/seat.token` (0600, owned by the user);
 * `dir` (normally `<runtime dir>/baomi`) is created 0700 and owned by the user when missing.
 * Throws SEAT_TOKEN_UNSAFE when a link, a foreign owner or a writable-by-others directory is
 * in the way, SEAT_TOKEN_NO_DIR when the runtime dir is missing (no logind session), and
 * SEAT_TOKEN_FOREIGN when a non-root agent is asked to write for someone else.
 */
export function writeSeatToken(seatUser: SeatTokenUser, dir: string): SeatTokenFile {
  const me = process.getuid?.() ?? 0;
  // A root agent must not fall back to its own uid: the token would be root's, not theirs.
  if (me === 0 && seatUser.uid === undefined && seatUser.name !== 'root')
    throw new BaomiError('SEAT_TOKEN_NO_UID', { user: seatUser.name });
  const owner = seatUser.uid ?? me;
  if (me !== 0 && owner !== me)
    throw new BaomiError('SEAT_TOKEN_FOREIGN', { user: seatUser.name, uid: owner });
  const trusted = (uid: number) => uid === owner || uid === 0;

  const parent = dirname(dir);
  const parentFd = openDir(parent, parent);
  let dirFd: number;
  try {
    const ps = fstatSync(parentFd);
    // /run/user/<uid> is the user's; /tmp is root's with the sticky bit.
    if (!trusted(ps.uid) || ((ps.mode & 0o002) !== 0 && (ps.mode & 0o1000) === 0))
      throw new BaomiError('SEAT_TOKEN_UNSAFE', { path: parent, reason: 'owner or mode' });
    const at = under(parentFd, parent, basename(dir));
    let created = false;
    try {
      mkdirSync(at, { mode: 0o700 });
      created = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    dirFd = openDir(at, dir);
    try {
      const ds = fstatSync(dirFd);
      if (created) {
        fchmodSync(dirFd, 0o700);
        if (me === 0) fchownSync(dirFd, owner, ds.gid);
      } else if (!trusted(ds.uid) || (ds.mode & 0o022) !== 0) {
        throw new BaomiError('SEAT_TOKEN_UNSAFE', { path: dir, reason: 'owner or mode' });
      }
    } catch (e) {
      closeSync(dirFd);
      throw e;
    }
  } finally {
    closeSync(parentFd);
  }

  const token = randomBytes(32).toString('base64url');
  const tmp = under(dirFd, dir, `${FILE}.${randomBytes(6).toString('hex')}`);
  try {
    const fd = openSync(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
    try {
      if (me === 0) fchownSync(fd, owner, fstatSync(fd).gid);
      writeSync(fd, token);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, under(dirFd, dir, FILE));
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {}
    closeSync(dirFd);
    if (e instanceof BaomiError) throw e;
    const reason = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new BaomiError('SEAT_TOKEN_UNSAFE', { path: join(dir, FILE), reason });
  }

  let open = true;
  return {
    user: seatUser.name,
    token,
    path: join(dir, FILE),
    remove() {
      if (!open) return;
      open = false;
      try {
        unlinkSync(under(dirFd, dir, FILE));
      } catch {}
      closeSync(dirFd);
    },
  };
}

/** The directory for `user`'s token: logind's runtime dir for a root agent, else our own. */
export function defaultSeatTokenDir(
  user: SeatTokenUser,
  agentUid: number,
  env: Record<string, string | undefined>,
): string {
  const uid = user.uid ?? agentUid;
  const userEnv = agentUid === 0 ? { XDG_RUNTIME_DIR: logindRuntimeDir(uid) } : env;
  return dirname(seatTokenPath(uid, userEnv));
}

export interface SeatTokens {
  /** The seat user now (null: nobody). A different user gets a new token; the old one dies. */
  set(user: SeatTokenUser | null): void;
  /** The seat user's name for a presented token; undefined for anything else. */
  resolve(token: string | undefined): string | undefined;
  /** Where the current token is (undefined: none written). */
  path(): string | undefined;
  /** Forgets the token and removes its file. */
  stop(): void;
}

export interface SeatTokensOptions {
  dirFor?: (user: SeatTokenUser) => string;
  /** Told once per failed write; the seat user then has no token (nobody resolves). */
  onError?: (error: unknown, user: SeatTokenUser) => void;
}

export function createSeatTokens(opts: SeatTokensOptions = {}): SeatTokens {
  const dirFor =
    opts.dirFor ??
    ((u: SeatTokenUser) => defaultSeatTokenDir(u, process.getuid?.() ?? 0, process.env));
  let current: SeatTokenFile | null = null;
  let who: string | null = null;
  return {
    set(user) {
      const key = user ? `${user.name}\u0000${user.uid ?? ''}` : null;
      if (key === who) return;
      who = key;
      current?.remove();
      current = null;
      if (!user) return;
      try {
        current = writeSeatToken(user, dirFor(user));
      } catch (e) {
        opts.onError?.(e, user);
      }
    },
    resolve(token) {
      // SECURITY: same answer for absent, malformed and stale tokens; constant-time compare.
      if (!current || typeof token !== 'string' || !SEAT_TOKEN_PATTERN.test(token))
        return undefined;
      const a = Buffer.from(token);
      const b = Buffer.from(current.token);
      return a.length === b.length && timingSafeEqual(a, b) ? current.user : undefined;
    },
    path: () => current?.path,
    stop() {
      current?.remove();
      current = null;
      who = null;
    },
  };
}
