// A one-request client for the agent's local sockets (used by the CLI).
import { lstatSync } from 'node:fs';
import { connect } from 'node:net';
import { BaomiError, isErrorCode } from '../../core/errors.js';
import type { Request, Response, ResultOf } from '../../core/protocol/messages.js';

type Body<T extends Request['type']> = Omit<Extract<Request, { type: T }>, 'id'>;

export function request<T extends Request['type']>(
  socketPath: string,
  body: Body<T> & { type: T },
  timeoutMs = 10_000,
): Promise<ResultOf[T]> {
  return new Promise((resolve, reject) => {
    const untrusted = untrustedOwner(socketPath);
    if (untrusted !== undefined) {
      reject(new BaomiError('SOCKET_UNTRUSTED', { socket: socketPath, owner: untrusted }));
      return;
    }
    const sock = connect(socketPath);
    let buf = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new BaomiError('SOCKET_TIMEOUT', { socket: socketPath }));
    }, timeoutMs);
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(`${JSON.stringify({ id: 1, ...body })}\n`));
    sock.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const code = e.code === 'EACCES' ? 'SOCKET_DENIED' : 'SOCKET_UNREACHABLE';
      reject(new BaomiError(code, { socket: socketPath, reason: e.code ?? e.message }));
    });
    sock.on('data', (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      sock.end();
      const res = JSON.parse(buf.slice(0, nl)) as Response;
      if (res.ok) resolve(res.result as ResultOf[T]);
      // A newer agent may answer with a code this client has no text for: say which.
      else if (isErrorCode(res.error.code))
        reject(new BaomiError(res.error.code, res.error.params as never));
      else reject(new BaomiError('PROTOCOL_UNKNOWN_ERROR', { code: String(res.error.code) }));
    });
  });
}

/**
 * SECURITY: an agent's socket belongs to the agent's user: root, or the user running the CLI
 * for a development agent. A socket (or anything else at that path) owned by another user was
 * put there by someone else, who would answer in the agent's name: its owner's uid, so the
 * CLI refuses. Undefined when the path is fine or absent (connecting then says so).
 */
function untrustedOwner(socketPath: string): number | undefined {
  if (socketPath.startsWith('\\\\.\\pipe\\')) return undefined; // Windows named pipe
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
