// One connection to the agent's local socket (agent.sock or admin.sock), shared by the CLI,
// the tray's main process and tests. Requests carry ids, so many may be in flight; each has a
// timeout; `AGENT_STARTING` is retried for a bounded time; the seat token is attached when
// this user has one; `subscribe` follows new events and notices (./subscription.ts). With
// `reconnect` (the tray) a lost agent is retried with backoff and the subscription resumes;
// without it (the CLI) a lost connection fails what is pending and stays closed.
import { connect, type Socket } from 'node:net';
import { BaomiError } from '../core/errors.js';
import { LineSplitter } from '../core/protocol/lines.js';
import type {
  ConnectionRequest,
  MessageType,
  PushFrame,
  Request,
  Response,
  ResultOf,
} from '../core/protocol/messages.js';
import { seatTokenCandidates } from '../platform/paths.js';
import { type ClientSubscription, type FrameHandler, startSubscription } from './subscription.js';
import { readSeatToken, untrustedOwner } from './trust.js';

/** The fields of a request of type T, without `id` and `type`. */
export type BodyOf<T extends MessageType> = Omit<
  Extract<Request | ConnectionRequest, { type: T }>,
  'id' | 'type'
>;

export type ConnectionState = 'connected' | 'disconnected';

export interface ConnectOptions {
  /** Per request, ms. Default 10 000. */
  timeoutMs?: number;
  /** How long a request is retried while the agent answers AGENT_STARTING, ms. Default 10 000. */
  startingMs?: number;
  /**
   * The seat token: a string to use, null for none; by default this user's token file is read
   * before every request (the agent replaces it when the seat user changes).
   */
  seatToken?: string | null;
  /** Where to look for the token file instead of this user's default places. */
  seatTokenFiles?: string[];
  /** Reconnect with backoff when the agent goes away (the tray). Default off (the CLI). */
  reconnect?: boolean | { minMs?: number; maxMs?: number };
  /** Told when the connection comes and goes (reconnecting connections only change it). */
  onState?: (state: ConnectionState, error?: BaomiError) => void;
}

export interface AgentConnection {
  readonly socket: string;
  readonly state: ConnectionState;
  request<T extends MessageType>(
    type: T,
    body: BodyOf<T>,
    opts?: { timeoutMs?: number },
  ): Promise<ResultOf[T]>;
  /** Follows new events and notices; at most one subscription per connection. */
  subscribe(
    opts: { afterSeq: number; window: number; pageSize?: number },
    onFrame: FrameHandler,
  ): ClientSubscription;
  /** Ends the connection; pending requests fail with SOCKET_CLOSED. */
  close(): void;
}

interface Pending {
  type: MessageType;
  resolve(result: unknown): void;
  reject(error: BaomiError): void;
  timer: NodeJS.Timeout;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

/** Connects to `socketPath`. Without `reconnect`, rejects when the first connect fails. */
export async function connectAgent(
  socketPath: string,
  opts: ConnectOptions = {},
): Promise<AgentConnection> {
  const c = new Connection(socketPath, opts);
  await c.open();
  return c;
}

/** One request on a fresh connection, then closed: what a CLI command needs. */
export async function requestOnce<T extends MessageType>(
  socketPath: string,
  type: T,
  body: BodyOf<T>,
  opts: ConnectOptions = {},
): Promise<ResultOf[T]> {
  const c = await connectAgent(socketPath, { ...opts, reconnect: false });
  try {
    return await c.request(type, body);
  } finally {
    c.close();
  }
}

class Connection implements AgentConnection {
  state: ConnectionState = 'disconnected';
  private sock: Socket | null = null;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  /** Lines waiting for a (re)connection: reconnecting connections only. */
  private readonly outbox: string[] = [];
  private closed = false;
  private delay: number;
  private retry: NodeJS.Timeout | null = null;
  private sub: ClientSubscription | null = null;
  private readonly frameListeners = new Set<(f: PushFrame) => void>();
  private readonly subscribedListeners = new Set<() => void>();
  private readonly reconnectOpts: { minMs: number; maxMs: number } | null;

  constructor(
    readonly socket: string,
    private readonly o: ConnectOptions,
  ) {
    const r = o.reconnect;
    this.reconnectOpts = r ? { minMs: 100, maxMs: 5000, ...(r === true ? {} : r) } : null;
    this.delay = this.reconnectOpts?.minMs ?? 0;
  }

  /** First connection: errors reach the caller unless this connection reconnects. */
  async open(): Promise<void> {
    try {
      await this.dial();
    } catch (e) {
      if (!this.reconnectOpts) throw e;
      this.setState('disconnected', e as BaomiError);
      this.scheduleRetry();
    }
  }

  private dial(): Promise<void> {
    return new Promise((resolve, reject) => {
      const untrusted = untrustedOwner(this.socket);
      if (untrusted !== undefined) {
        reject(new BaomiError('SOCKET_UNTRUSTED', { socket: this.socket, owner: untrusted }));
        return;
      }
      const sock = connect(this.socket);
      const lines = new LineSplitter();
      let up = false;
      sock.setEncoding('utf8');
      sock.once('connect', () => {
        up = true;
        this.sock = sock;
        this.delay = this.reconnectOpts?.minMs ?? 0;
        this.setState('connected');
        for (const line of this.outbox.splice(0)) sock.write(line);
        this.sub?.resume();
        resolve();
      });
      sock.on('error', (e: NodeJS.ErrnoException) => {
        if (up) return; // 'close' follows
        const code =
          e.code === 'EACCES' || e.code === 'EPERM' ? 'SOCKET_DENIED' : 'SOCKET_UNREACHABLE';
        reject(new BaomiError(code, { socket: this.socket, reason: e.code ?? e.message }));
      });
      sock.on('close', () => {
        if (up) this.lost(sock);
      });
      sock.on('data', (chunk: string) => {
        for (const line of lines.push(chunk)) {
          if (line.trim() && !this.receive(line)) {
            sock.destroy();
            this.failAll(new BaomiError('SOCKET_BAD_REPLY', { socket: this.socket }));
            return;
          }
        }
      });
    });
  }

  /** One line from the agent; false when it is not one of the protocol's. */
  private receive(line: string): boolean {
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      return false;
    }
    if (typeof msg !== 'object' || msg === null) return false;
    if ('push' in msg) {
      for (const l of this.frameListeners) l(msg as PushFrame);
      return true;
    }
    const res = msg as Response;
    if (typeof res.id !== 'number') return false;
    const p = this.pending.get(res.id);
    if (!p) return true; // timed out already
    this.pending.delete(res.id);
    clearTimeout(p.timer);
    if (res.ok && p.type === 'subscribe') for (const l of this.subscribedListeners) l();
    if (res.ok) p.resolve(res.result);
    else p.reject(new BaomiError(res.error.code, (res.error.params ?? {}) as never));
    return true;
  }

  private lost(sock: Socket): void {
    if (this.sock !== sock) return;
    this.sock = null;
    this.failAll(new BaomiError('SOCKET_CLOSED', { socket: this.socket }));
    if (this.closed) return;
    this.setState('disconnected');
    this.sub?.pause();
    if (this.reconnectOpts) this.scheduleRetry();
    else this.closed = true;
  }

  private scheduleRetry(): void {
    if (this.closed || this.retry || !this.reconnectOpts) return;
    const wait = this.delay;
    this.delay = Math.min(this.delay * 2, this.reconnectOpts.maxMs);
    this.retry = setTimeout(() => {
      this.retry = null;
      if (this.closed) return;
      this.dial().catch((e: BaomiError) => {
        this.setState('disconnected', e);
        this.scheduleRetry();
      });
    }, wait);
  }

  private setState(state: ConnectionState, error?: BaomiError): void {
    const changed = state !== this.state;
    this.state = state;
    if (changed || error) this.o.onState?.(state, error);
  }

  private failAll(error: BaomiError): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      clearTimeout(p.timer);
      p.reject(error);
    }
  }

  private seat(): string | undefined {
    if (this.o.seatToken !== undefined) return this.o.seatToken ?? undefined;
    const uid = process.getuid?.();
    if (uid === undefined) return undefined;
    return readSeatToken(this.o.seatTokenFiles ?? seatTokenCandidates(uid, process.env));
  }

  /** Writes one line now, or when reconnected; false when it cannot be sent at all. */
  send(msg: Record<string, unknown>): boolean {
    const line = `${JSON.stringify(msg)}\n`;
    if (this.sock) this.sock.write(line);
    else if (this.reconnectOpts && !this.closed) this.outbox.push(line);
    else return false;
    return true;
  }

  private once(type: MessageType, body: object, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = ++this.nextId;
      const seat = this.seat();
      const timer = setTimeout(() => {
        this.pending.delete(id);
        const i = this.outbox.findIndex((l) => l.startsWith(`{"id":${id},`));
        if (i >= 0) this.outbox.splice(i, 1);
        reject(
          new BaomiError('SOCKET_TIMEOUT', {
            socket: this.socket,
            seconds: Math.round(timeoutMs / 100) / 10,
          }),
        );
      }, timeoutMs);
      this.pending.set(id, { type, resolve, reject, timer });
      const sent = this.send(
        seat === undefined ? { id, type, ...body } : { id, type, ...body, seat },
      );
      if (!sent) {
        this.pending.delete(id);
        clearTimeout(timer);
        reject(new BaomiError('SOCKET_CLOSED', { socket: this.socket }));
      }
    });
  }

  async request<T extends MessageType>(
    type: T,
    body: BodyOf<T>,
    opts: { timeoutMs?: number } = {},
  ): Promise<ResultOf[T]> {
    const timeoutMs = opts.timeoutMs ?? this.o.timeoutMs ?? 10_000;
    const startingMs = this.o.startingMs ?? 10_000;
    const started = Date.now();
    let wait = 100;
    for (;;) {
      try {
        return (await this.once(type, body, timeoutMs)) as ResultOf[T];
      } catch (e) {
        // The agent has claimed its sockets but is still opening its store (DESIGN.md
        // "Agent start order"): ask again, for a bounded time.
        if (!(e instanceof BaomiError) || e.code !== 'AGENT_STARTING') throw e;
        if (Date.now() - started + wait > startingMs)
          throw new BaomiError('SOCKET_AGENT_STARTING', {
            socket: this.socket,
            seconds: Math.round(startingMs / 100) / 10,
          });
        await sleep(wait);
        wait = Math.min(wait * 2, 1000);
      }
    }
  }

  subscribe(
    opts: { afterSeq: number; window: number; pageSize?: number },
    onFrame: FrameHandler,
  ): ClientSubscription {
    if (this.sub?.active) throw new BaomiError('SOCKET_SUBSCRIBED', { socket: this.socket });
    const sub = startSubscription(
      {
        request: (type, body) => this.request(type, body as never),
        ack: (through) => void this.send({ type: 'ack', through }),
        connected: () => this.sock !== null,
        reconnects: this.reconnectOpts !== null,
        onFrame: (l) => {
          this.frameListeners.add(l);
          return () => this.frameListeners.delete(l);
        },
        onSubscribed: (l) => {
          this.subscribedListeners.add(l);
          return () => this.subscribedListeners.delete(l);
        },
      },
      opts,
      onFrame,
    );
    this.sub = sub;
    return sub;
  }

  close(): void {
    if (this.closed && !this.sock) return;
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.sub?.pause();
    this.outbox.length = 0;
    this.failAll(new BaomiError('SOCKET_CLOSED', { socket: this.socket }));
    this.sock?.destroy();
    this.sock = null;
  }
}
