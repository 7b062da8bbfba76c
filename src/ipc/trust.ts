// What the client checks before it talks to a socket, and the seat token it may attach.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from 'node:fs';
import { SEAT_TOKEN_PATTERN } from '../core/protocol/messages.js';
import { isPipe } from '../core/protocol/pipe.js';

/**
 * SECURITY: an agent's socket belongs to the agent's user: root, or the user running the
 * client for a development agent. A socket (or anything else at that path) owned by another
 * user was put there by someone else, who would answer in the agent's name and receive our
 * seat token: its owner's uid, so the client refuses. Undefined when the path is fine or
 * absent (connecting then says so).
 */
export function untrustedOwner(socketPath: string): number | undefined {
  if (isPipe(socketPath)) return undefined; // Windows named pipe: no owner to read
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(socketPath);
  } catch {
    return undefined;
  }
  const uid = process.getuid?.();
  if (uid === undefined || st.uid === 0 || st.uid === uid) return undefined;
  return st.uid;
}

/**
 * The first readable seat token among `files`: a regular file (not a link) owned by this
 * user, readable by nobody else, holding a token of the right form. Anything else is skipped
 * silently: without a token the client is simply not the seat user.
 */
export function readSeatToken(files: readonly string[]): string | undefined {
  const uid = process.getuid?.();
  for (const file of files) {
    let fd: number;
    try {
      fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch {
      continue;
    }
    try {
      const st = fstatSync(fd);
      if (!st.isFile() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0)
        continue;
      const buf = Buffer.alloc(128);
      const token = buf
        .subarray(0, readSync(fd, buf, 0, buf.length, 0))
        .toString('utf8')
        .trim();
      if (SEAT_TOKEN_PATTERN.test(token)) return token;
    } catch {
      // unreadable: not ours
    } finally {
      closeSync(fd);
    }
  }
  return undefined;
}
