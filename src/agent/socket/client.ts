// A one-request client for the agent's local sockets (used by the CLI).
import { connect } from 'node:net';
import { BaomiError } from '../../core/errors.js';
import type { Request, Response, ResultOf } from '../../core/protocol/messages.js';

type Body<T extends Request['type']> = Omit<Extract<Request, { type: T }>, 'id'>;

export function request<T extends Request['type']>(
  socketPath: string,
  body: Body<T> & { type: T },
  timeoutMs = 10_000,
): Promise<ResultOf[T]> {
  return new Promise((resolve, reject) => {
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
      else reject(new BaomiError(res.error.code, res.error.params as never));
    });
  });
}
