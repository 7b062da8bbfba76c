// Where a socket server listens, and how it is opened to whom it is meant, by kind of path.
// A Unix socket is a file: made owner-only, then chown/chmod'ed (server.ts), and a stale one
// left by a killed agent is removed. A Windows named pipe (\\.\pipe\…) is no file: it has an
// access list, not a mode (fs.chmod cannot set one, and on a pipe it opens a connection to it),
// and it vanishes with its last handle, so there is nothing to remove. agent.sock's 0666
// becomes listen({readableAll, writableAll}), for which libuv (uv_pipe_chmod) grants Everyone
// read and write; admin's pipe keeps the default list Windows gives a pipe made without one
// (CreateNamedPipe: full control for LocalSystem, Administrators and its creator, read only for
// Everyone, who therefore cannot send it a request): staff use an elevated prompt there.
import { rmSync } from 'node:fs';
import type { ListenOptions } from 'node:net';
import { isPipe } from '../../core/protocol/pipe.js';

export { isPipe };

export interface Endpoint {
  /** What server.listen takes. */
  listen: string | ListenOptions;
  /** A file whose owner and mode are then set (a Unix socket). */
  file: boolean;
}

/** How to listen on `path` so that `mode` (0666 everyone, 0600/0660 owner or group) holds. */
export function endpoint(path: string, mode: number): Endpoint {
  if (!isPipe(path)) return { listen: path, file: true };
  const everyone = (mode & 0o006) === 0o006;
  return { listen: { path, readableAll: everyone, writableAll: everyone }, file: false };
}

/** Removes a socket file (a stale one, or ours at close); a named pipe has none. */
export function removeSocketFile(path: string): void {
  if (!isPipe(path)) rmSync(path, { force: true });
}
