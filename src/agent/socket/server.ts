// The agent's local sockets. Node cannot see who connects, so the socket file's mode decides
// (DESIGN.md): agent.sock 0666 for any local user, admin.sock 0600 for the agent's own user
// (root in production). On agent.sock a request carrying a valid seat token was made as the
// seat user (Asker.seatUser); nothing else is known about who asks there.
// Start order (DESIGN.md "Agent start order"): claimSocketServers() takes both sockets early
// and answers every request AGENT_STARTING until the agent calls serve().
// SECURITY: never serve an admin-only request on agent.sock; never let agent.sock see other
// people's events (the subscription filter below and the page source both apply it).
import { chmodSync, chownSync, lstatSync, mkdirSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { ErrorCode } from '../../core/codes/index.js';
import { BaomiError, isBaomiError } from '../../core/errors.js';
import type { BaomiEvent } from '../../core/events/types.js';
import { LineSplitter } from '../../core/protocol/lines.js';
import {
  type ClientMessage,
  isParseError,
  MAX_LINE_BYTES,
  type Notice,
  type PushFrame,
  parseRequest,
  type Request,
  type Response,
  SEAT_REQUIRED,
  SOCKET_ACCESS,
} from '../../core/protocol/messages.js';
import type { Asker, RequestHandler } from '../module.js';
import { endpoint, isPipe, removeSocketFile } from './endpoint.js';
import { Subscription } from './subscription.js';

/** What subscriptions are fed from; the agent provides it (the store and the notifier). */
export interface SubscriptionSource {
  /** Committed events with seq > afterSeq, ascending, at most `limit`, that `asker` may see. */
  page(afterSeq: number, limit: number, asker: Asker): BaomiEvent[];
  /** Every committed event, in seq order; returns an unsubscribe. */
  onEvents(listener: (events: readonly BaomiEvent[]) => void): () => void;
  /** Every notice for the person at the console; returns an unsubscribe. */
  onNotice(listener: (notice: Notice) => void): () => void;
}

export interface SocketServerOptions {
  /** The seat user's name for a seat token, undefined for any other string (agent.sock only). */
  resolveSeat?: (token: string) => string | undefined;
  /** Frames a subscriber may have waiting beyond its window before it must resync. */
  maxPending?: number;
  /**
   * Bytes a connection may have unsent before its subscriber must resync and its requests
   * stop being read (default 4 MiB); at twice this the connection is dropped (a client that
   * asks and never reads).
   */
  maxWriteBuffer?: number;
  /** Open connections per socket; more are closed at once (default 64). */
  maxConnections?: number;
  /**
   * The group admin.sock is opened to (0660, owned by it), besides its owner: baomi-admin's
   * gid where that group exists (DESIGN.md); absent: 0600, the owner (root) only.
   */
  adminGroup?: number;
}

export interface SocketServers {
  /** Starts answering with `handler` and feeding subscriptions from `source`. Once. */
  serve(handler: RequestHandler, source: SubscriptionSource): void;
  /**
   * The seat user changed (call it after the new token is in place): every subscriber on
   * agent.sock gets a resync, so its client reads its token again, pages what it may now see
   * and subscribes again. Without this a tray whose person left and came back (a new token)
   * would follow nothing until it reconnected.
   */
  seatChanged(): void;
  /** Closes both sockets and every connection, removes the socket files. */
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

async function listen(
  path: string,
  mode: number,
  onConn: (s: Socket) => void,
  group?: number,
): Promise<Server> {
  if (await inUse(path)) throw new BaomiError('AGENT_SOCKET_IN_USE', { socket: path }, 1);
  removeSocketFile(path); // a stale socket left by a killed agent
  const at = endpoint(path, mode);
  const server = createServer(onConn);
  return new Promise<Server>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new BaomiError('AGENT_SOCKET_FAILED', { socket: path, reason: e.code ?? e.message }, 1),
      ),
    );
    // SECURITY: the socket is made (bound, synchronously, inside listen) with the mode the
    // umask leaves, and opened to whom it is meant by chmod only afterwards: under a service
    // manager's umask 0, admin.sock would stand 0777 in between, and a connection made then
    // stays an admin one. So it is made owner-only and opened from there.
    const umask = ownerOnlyUmask();
    try {
      server.listen(at.listen, () => {
        // The group first, then the mode that opens the socket to it (never to the group the
        // socket was made with). A named pipe's access list was set by listen (endpoint.ts).
        if (at.file && group !== undefined) chownSync(path, process.getuid?.() ?? -1, group);
        if (at.file) chmodSync(path, mode);
        server.removeAllListeners('error');
        resolve(server);
      });
    } finally {
      umask.restore();
    }
  });
}

/** Sets the umask to 0177 until restore(); a no-op where a worker thread may not set it. */
function ownerOnlyUmask(): { restore(): void } {
  if (process.platform === 'win32') return { restore() {} };
  try {
    const before = process.umask(0o177);
    return { restore: () => void process.umask(before) };
  } catch {
    return { restore() {} }; // ERR_WORKER_UNSUPPORTED_OPERATION: never the agent's own process
  }
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

type Access = 'agent' | 'admin';

/** A user name no event carries (the store's user filter is an exact match). */
const NOBODY = '\u0000nobody';

interface Conn {
  sock: Socket;
  access: Access;
  sub: Subscription | null;
  /** The token the subscription was made with: re-resolved for every frame (seat changes). */
  subSeat: string | undefined;
}

/**
 * Claims both sockets (checking their folder) and answers AGENT_STARTING until serve().
 * `paths.admin` is served 0600, `paths.agent` 0666.
 */
export async function claimSocketServers(
  paths: { agent: string; admin: string },
  opts: SocketServerOptions = {},
): Promise<SocketServers> {
  for (const p of [paths.agent, paths.admin]) {
    if (isPipe(p)) continue; // a Windows named pipe: no folder (endpoint.ts)
    const dir = p.slice(0, p.lastIndexOf('/'));
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    checkSocketDir(dir);
  }
  const maxPending = opts.maxPending ?? 1000;
  const maxWriteBuffer = opts.maxWriteBuffer ?? 4 * 1024 * 1024;
  // SECURITY: a client that asks and never reads stops being read (back-pressure below), and
  // is dropped once twice the buffer waits unsent: no local user can make the agent hold
  // answers without bound. Connections per socket are capped for the same reason.
  const dropAt = maxWriteBuffer * 2;
  const maxConnections = opts.maxConnections ?? 64;
  const conns = new Set<Conn>();
  let handler: RequestHandler | null = null;
  let source: SubscriptionSource | null = null;
  const unlisten: Array<() => void> = [];

  const askerOf = (c: Conn, seat: string | undefined): Asker => {
    if (c.access === 'admin') return { socket: 'admin' };
    const seatUser = seat === undefined ? undefined : opts.resolveSeat?.(seat);
    return seatUser === undefined ? { socket: 'agent' } : { socket: 'agent', seatUser };
  };
  // What one subscriber may see: everything on admin.sock, the seat user's own on agent.sock.
  const mayFollow = (c: Conn): { seatUser?: string; all: boolean } | null => {
    const a = askerOf(c, c.subSeat);
    if (a.socket === 'admin') return { all: true };
    return a.seatUser === undefined ? null : { seatUser: a.seatUser, all: false };
  };

  const onEvents = (events: readonly BaomiEvent[]) => {
    for (const c of conns) {
      if (!c.sub?.active) continue;
      const may = mayFollow(c);
      if (!may) continue;
      c.sub.offerEvents(may.all ? events : events.filter((e) => e.user === may.seatUser));
    }
  };
  const onNotice = (notice: Notice) => {
    for (const c of conns) if (c.sub?.active && mayFollow(c)) c.sub.offerNotice(notice);
  };

  const subscribe = (c: Conn, req: { afterSeq: number; window: number }, seat?: string) => {
    c.sub?.stop();
    c.subSeat = seat;
    c.sub = new Subscription({
      window: req.window,
      afterSeq: req.afterSeq,
      maxPending,
      write: (frame: PushFrame) => {
        send(c.sock, frame, dropAt);
        return !c.sock.destroyed && c.sock.writableLength <= maxWriteBuffer;
      },
    });
    // What was committed before this subscription: one page past the bound means resync.
    // page() is synchronous and the live listener is already in place, so nothing falls
    // between the two; the subscription drops what it has already seen.
    const asker = askerOf(c, seat);
    const may = mayFollow(c);
    if (!may || !source) return;
    const backlog = source
      .page(req.afterSeq, req.window + maxPending + 1, asker)
      .filter((e) => may.all || e.user === may.seatUser);
    c.sub.offerEvents(backlog);
  };

  const answer = async (c: Conn, msg: ClientMessage): Promise<void> => {
    if (msg.type === 'ack') {
      c.sub?.ack(msg.through);
      return;
    }
    const { seat, ...req } = msg;
    const fail = (code: ErrorCode, params: Record<string, unknown> = {}) =>
      send(c.sock, { id: req.id, ok: false, error: { code, params } }, dropAt);
    if (SOCKET_ACCESS[req.type] === 'admin' && c.access !== 'admin')
      return fail('PROTOCOL_ADMIN_ONLY');
    if (!handler || !source) return fail('AGENT_STARTING');
    const asker = askerOf(c, seat);
    if (c.access === 'agent' && SEAT_REQUIRED.has(req.type) && asker.seatUser === undefined)
      return fail('PROTOCOL_SEAT_REQUIRED');
    if (req.type === 'subscribe') {
      send(c.sock, { id: req.id, ok: true, result: { window: req.window } }, dropAt);
      subscribe(c, req, seat);
      return;
    }
    if (req.type === 'unsubscribe') {
      c.sub?.stop();
      c.sub = null;
      send(c.sock, { id: req.id, ok: true, result: {} }, dropAt);
      return;
    }
    if (req.type === 'events.query' && c.access === 'agent') {
      // SECURITY: agent.sock serves the seat user's own events only, and nobody's without a
      // valid seat token, whatever the client asked and whatever the handler does.
      req.filter = { ...req.filter, user: asker.seatUser ?? NOBODY };
    }
    try {
      send(c.sock, { id: req.id, ok: true, result: await handler(req as Request, asker) }, dropAt);
    } catch (e) {
      if (isBaomiError(e)) fail(e.code, e.params);
      else fail('PROTOCOL_INTERNAL');
    }
  };

  const onConnection = (sock: Socket, access: Access) => {
    let open = 0;
    for (const other of conns) if (other.access === access) open++;
    if (open >= maxConnections) {
      sock.destroy();
      return;
    }
    const c: Conn = { sock, access, sub: null, subSeat: undefined };
    conns.add(c);
    // Back-pressure: while answers wait unsent, read no more requests from this client.
    sock.on('drain', () => sock.resume());
    const lines = new LineSplitter();
    let refused = false;
    sock.setEncoding('utf8');
    sock.on('error', () => sock.destroy());
    sock.on('close', () => {
      c.sub?.stop();
      conns.delete(c);
    });
    const tooLarge = () => {
      send(sock, { id: 0, ok: false, error: { code: 'PROTOCOL_TOO_LARGE', params: {} } }, dropAt);
      sock.end();
      lines.clear();
      refused = true;
    };
    sock.on('data', (chunk: string) => {
      if (refused) return;
      for (const line of lines.push(chunk)) {
        if (line.length > MAX_LINE_BYTES / 4 && Buffer.byteLength(line) > MAX_LINE_BYTES)
          return tooLarge();
        if (line.trim()) {
          const msg = parseRequest(line);
          if (isParseError(msg))
            send(
              sock,
              { id: msg.id ?? 0, ok: false, error: { code: msg.error, params: {} } },
              dropAt,
            );
          else void answer(c, msg);
        }
      }
      if (sock.writableLength > maxWriteBuffer) sock.pause();
      if (lines.pending > MAX_LINE_BYTES / 4 && Buffer.byteLength(lines.held()) > MAX_LINE_BYTES)
        tooLarge();
    });
  };

  const agent = await listen(paths.agent, 0o666, (s) => onConnection(s, 'agent'));
  let admin: Server;
  try {
    admin = await listen(
      paths.admin,
      opts.adminGroup === undefined ? 0o600 : 0o660,
      (s) => onConnection(s, 'admin'),
      opts.adminGroup,
    );
  } catch (e) {
    await new Promise<void>((r) => agent.close(() => r()));
    removeSocketFile(paths.agent);
    throw e;
  }

  return {
    serve(h, s) {
      if (handler) throw new Error('serve() called twice');
      handler = h;
      source = s;
      unlisten.push(s.onEvents(onEvents), s.onNotice(onNotice));
    },
    seatChanged() {
      for (const c of conns) if (c.access === 'agent') c.sub?.resyncNow();
    },
    close: async () => {
      for (const u of unlisten.splice(0)) u();
      const closed = [agent, admin].map((s) => new Promise<void>((r) => s.close(() => r())));
      // Subscribers (the tray) keep their connection open: end them, or close never returns.
      for (const c of conns) {
        c.sub?.stop();
        c.sock.destroy();
      }
      await Promise.all(closed);
      for (const p of [paths.agent, paths.admin]) removeSocketFile(p);
    },
  };
}

/**
 * SECURITY: a client that keeps asking and never reads must not make the agent hold its
 * answers: past `limit` unsent bytes the connection is dropped. (A subscriber is told to
 * resync long before, at maxWriteBuffer.)
 */
function send(sock: Socket, msg: Response | PushFrame, limit: number): void {
  if (sock.destroyed || !sock.writable) return;
  sock.write(`${JSON.stringify(msg)}\n`);
  if (sock.writableLength > limit) sock.destroy();
  // Half way there: read no more of its requests until what waits is sent ('drain').
  else if (sock.writableLength > limit / 2) sock.pause();
}
