// The agent's local sockets. Node cannot see who connects, so the socket file's mode decides
// (DESIGN.md): agent.sock 0666 for any local user, admin.sock 0600 for the agent's own user
// (root in production). SECURITY: never serve an admin-only request on agent.sock.
import { chmodSync, lstatSync, mkdirSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { BaomiError, isBaomiError } from '../../core/errors.js';
import {
  MAX_LINE_BYTES,
  parseRequest,
  type Request,
  type Response,
  SOCKET_ACCESS,
} from '../../core/protocol/messages.js';

export type Handler = (req: Request, access: 'agent' | 'admin') => Promise<unknown> | unknown;

export interface SocketServers {
  close(): Promise<void>;
}

/** True when something answers on the socket (a live agent), false for a stale file. */
function inUse(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(path);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

async function serve(path: string, mode: number, access: 'agent' | 'admin', handle: Handler) {
  if (await inUse(path)) throw new BaomiError('AGENT_SOCKET_IN_USE', { socket: path }, 1);
  rmSync(path, { force: true }); // a stale socket left by a killed agent
  const server = createServer((sock) => onConnection(sock, access, handle));
  return new Promise<Server>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new BaomiError('AGENT_SOCKET_FAILED', { socket: path, reason: e.code ?? e.message }, 1),
      ),
    );
    server.listen(path, () => {
      chmodSync(path, mode);
      server.removeAllListeners('error');
      resolve(server);
    });
  });
}

function onConnection(sock: Socket, access: 'agent' | 'admin', handle: Handler): void {
  let buf = '';
  sock.setEncoding('utf8');
  sock.on('error', () => sock.destroy());
  sock.on('data', (chunk: string) => {
    buf += chunk;
    if (Buffer.byteLength(buf) > MAX_LINE_BYTES) {
      reply(sock, { id: 0, ok: false, error: { code: 'PROTOCOL_TOO_LARGE', params: {} } });
      sock.end();
      return;
    }
    let nl = buf.indexOf('\n');
    while (nl >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.trim()) void answer(sock, line, access, handle);
      nl = buf.indexOf('\n');
    }
  });
}

async function answer(sock: Socket, line: string, access: 'agent' | 'admin', handle: Handler) {
  const req = parseRequest(line);
  if ('error' in req) {
    reply(sock, { id: req.id ?? 0, ok: false, error: { code: req.error, params: {} } });
    return;
  }
  if (SOCKET_ACCESS[req.type] === 'admin' && access !== 'admin') {
    reply(sock, { id: req.id, ok: false, error: { code: 'PROTOCOL_ADMIN_ONLY', params: {} } });
    return;
  }
  try {
    reply(sock, { id: req.id, ok: true, result: await handle(req, access) });
  } catch (e) {
    const error: Extract<Response, { ok: false }>['error'] = isBaomiError(e)
      ? { code: e.code, params: e.params }
      : { code: 'PROTOCOL_INTERNAL', params: {} };
    reply(sock, { id: req.id, ok: false, error });
  }
}

function reply(sock: Socket, res: Response): void {
  if (!sock.destroyed) sock.write(`${JSON.stringify(res)}\n`);
}

/**
 * SECURITY: whoever can write the socket folder can put their own admin.sock there and answer
 * the CLI in the agent's name, or remove ours. A user's default folder is /tmp/baomi-<uid>
 * when XDG_RUNTIME_DIR is unset, which another user could create first. So the folder must be
 * a real directory (not a link), owned by this user or root, and not writable by group or
 * others; otherwise the agent refuses to start (fails closed) and says what to do.
 */
function checkSocketDir(dir: string): void {
  const st = lstatSync(dir);
  const uid = process.getuid?.();
  const owned = uid === undefined || st.uid === uid || st.uid === 0;
  if (st.isDirectory() && owned && (st.mode & 0o022) === 0) return;
  throw new BaomiError(
    'AGENT_SOCKET_DIR_UNSAFE',
    {
      dir,
      owner: st.uid,
      mode: (st.mode & 0o7777).toString(8).padStart(4, '0'),
    },
    1,
  );
}

export async function startSocketServers(
  paths: { agent: string; admin: string },
  handle: Handler,
): Promise<SocketServers> {
  for (const p of [paths.agent, paths.admin]) {
    const dir = p.slice(0, p.lastIndexOf('/'));
    if (!dir) continue; // a Windows named pipe
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    checkSocketDir(dir);
  }
  const agent = await serve(paths.agent, 0o666, 'agent', handle);
  const admin = await serve(paths.admin, 0o600, 'admin', handle);
  return {
    close: async () => {
      await Promise.all([agent, admin].map((s) => new Promise<void>((r) => s.close(() => r()))));
      for (const p of [paths.agent, paths.admin]) rmSync(p, { force: true });
    },
  };
}
