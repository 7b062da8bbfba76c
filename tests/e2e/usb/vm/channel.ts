// The host end of the command channel to guest-agent.mjs: JSON lines over the unix socket QEMU
// serves for the guest's virtio-serial port `baomi.ctl` (protocol in guest-agent.mjs).
import { connect, type Socket } from 'node:net';

export interface GuestReady {
  node: string;
  kernel: string;
  uptime: number;
}

export interface GuestExit {
  code: number | null;
  signal: string | null;
}

type Answer = Record<string, unknown> & { id: string; ok: boolean; error?: string; code?: unknown };

export class GuestChannel {
  private buf = '';
  private nextId = 1;
  private readonly pending = new Map<
    string,
    { resolve: (a: Answer) => void; reject: (e: Error) => void }
  >();
  private readonly exits = new Map<number, GuestExit>();
  private readonly exitWaiters = new Map<number, ((e: GuestExit) => void)[]>();
  private closed: Error | null = null;
  private onReady: ((r: GuestReady) => void) | null = null;
  private onClose: ((e: Error) => void) | null = null;
  /** Resolves when the guest says it is ready; rejects when the channel closes before that. */
  readonly ready: Promise<GuestReady>;

  private constructor(private readonly sock: Socket) {
    this.ready = new Promise((resolve, reject) => {
      this.onReady = resolve;
      this.onClose = reject;
    });
    this.ready.catch(() => {}); // observed by whoever awaits it; never an unhandled rejection
    sock.setEncoding('utf8');
    sock.on('data', (chunk: string) => {
      this.buf += chunk;
      let nl = this.buf.indexOf('\n');
      while (nl >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        nl = this.buf.indexOf('\n');
        if (line.trim()) this.onLine(line);
      }
    });
    const fail = (e: Error) => {
      if (this.closed) return;
      this.closed = e;
      this.onClose?.(e);
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    sock.on('error', fail);
    sock.on('close', () => fail(new Error('the guest command channel closed (VM stopped?)')));
  }

  static async connect(path: string): Promise<GuestChannel> {
    const sock = connect(path);
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('error', reject);
    });
    return new GuestChannel(sock);
  }

  private onLine(line: string): void {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line);
    } catch {
      return; // not ours (nothing else writes to this port; a torn line would be a bug there)
    }
    if (msg.event === 'ready') {
      this.onReady?.(msg as unknown as GuestReady);
    } else if (msg.event === 'exit') {
      const pid = msg.pid as number;
      const exit = { code: msg.code as number | null, signal: msg.signal as string | null };
      this.exits.set(pid, exit);
      for (const w of this.exitWaiters.get(pid) ?? []) w(exit);
      this.exitWaiters.delete(pid);
    } else if (typeof msg.id === 'string') {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      p?.resolve(msg as Answer);
    }
  }

  /** Sends one request; rejects with the guest's error when it answers ok: false. */
  async request(op: string, args: Record<string, unknown>, timeoutMs = 120_000): Promise<Answer> {
    if (this.closed) throw this.closed;
    const id = String(this.nextId++);
    const answer = await new Promise<Answer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`guest ${op} gave no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (a) => {
          clearTimeout(timer);
          resolve(a);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.sock.write(`${JSON.stringify({ ...args, id, op })}\n`);
    });
    if (!answer.ok) {
      const err = new Error(`guest ${op}: ${answer.error}`) as NodeJS.ErrnoException;
      if (typeof answer.code === 'string') err.code = answer.code;
      throw err;
    }
    return answer;
  }

  /** Resolves when the guest process `pid` (started by spawn) exits. */
  exited(pid: number): Promise<GuestExit> {
    const done = this.exits.get(pid);
    if (done) return Promise.resolve(done);
    return new Promise((resolve) => {
      const list = this.exitWaiters.get(pid) ?? [];
      list.push(resolve);
      this.exitWaiters.set(pid, list);
    });
  }

  close(): void {
    this.sock.destroy();
  }
}
