// A small client of QEMU's machine protocol (QMP) over its unix socket: one command at a time
// per id, answers matched by id, asynchronous events kept so a test can wait for one that has
// already arrived (DEVICE_DELETED often comes before the device_del answer is read).
// Protocol: https://www.qemu.org/docs/master/interop/qmp-spec.html
import { connect, type Socket } from 'node:net';

export interface QmpEvent {
  event: string;
  data?: Record<string, unknown>;
  timestamp?: { seconds: number; microseconds: number };
}

type Waiter = { resolve: (v: unknown) => void; reject: (e: Error) => void; what: string };

export class QmpError extends Error {
  constructor(
    readonly command: string,
    readonly errorClass: string,
    desc: string,
  ) {
    super(`QMP ${command}: ${errorClass}: ${desc}`);
  }
}

export class Qmp {
  private buf = '';
  private nextId = 1;
  private readonly pending = new Map<string, Waiter>();
  private readonly events: QmpEvent[] = [];
  private readonly eventWaiters = new Set<() => void>();
  private greeted: Promise<void>;
  private closed: Error | null = null;

  private constructor(private readonly sock: Socket) {
    let greet: () => void;
    this.greeted = new Promise((r) => {
      greet = r;
    });
    sock.setEncoding('utf8');
    sock.on('data', (chunk: string) => {
      this.buf += chunk;
      let nl = this.buf.indexOf('\n');
      while (nl >= 0) {
        const line = this.buf.slice(0, nl).trim();
        this.buf = this.buf.slice(nl + 1);
        nl = this.buf.indexOf('\n');
        if (!line) continue;
        const msg = JSON.parse(line) as Record<string, unknown>;
        if ('QMP' in msg) greet();
        else if ('event' in msg) {
          this.events.push(msg as unknown as QmpEvent);
          for (const w of this.eventWaiters) w();
        } else if ('id' in msg) {
          const w = this.pending.get(String(msg.id));
          this.pending.delete(String(msg.id));
          if (!w) continue;
          if ('error' in msg) {
            const err = msg.error as { class: string; desc: string };
            w.reject(new QmpError(w.what, err.class, err.desc));
          } else w.resolve(msg.return);
        }
      }
    });
    const fail = (e: Error) => {
      this.closed = e;
      for (const w of this.pending.values()) w.reject(e);
      this.pending.clear();
      for (const w of this.eventWaiters) w();
    };
    sock.on('error', fail);
    sock.on('close', () => fail(new Error('QMP socket closed (QEMU exited?)')));
  }

  /** Connects, reads the greeting and leaves capabilities negotiation mode. */
  static async connect(path: string): Promise<Qmp> {
    const sock = connect(path);
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('error', reject);
    });
    const q = new Qmp(sock);
    await q.greeted;
    await q.execute('qmp_capabilities');
    return q;
  }

  execute<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T> {
    if (this.closed) return Promise.reject(this.closed);
    const id = String(this.nextId++);
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, what: command });
      this.sock.write(`${JSON.stringify({ execute: command, arguments: args, id })}\n`);
    });
  }

  /**
   * The first event named `name` (received at or after index `since` of the event log, and
   * matching `pred`), waiting up to `timeoutMs` for it.
   */
  async waitEvent(
    name: string,
    pred: (e: QmpEvent) => boolean = () => true,
    timeoutMs = 10_000,
    since = 0,
  ): Promise<QmpEvent> {
    const find = () => this.events.slice(since).find((e) => e.event === name && pred(e));
    const found = find();
    if (found) return found;
    return new Promise((resolve, reject) => {
      const check = () => {
        const e = find();
        if (e) done(() => resolve(e));
        else if (this.closed) done(() => reject(this.closed));
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`no QMP event ${name} within ${timeoutMs} ms`))),
        timeoutMs,
      );
      const done = (f: () => void) => {
        clearTimeout(timer);
        this.eventWaiters.delete(check);
        f();
      };
      this.eventWaiters.add(check);
    });
  }

  /** How many events have arrived so far (a `since` for waitEvent). */
  get eventCount(): number {
    return this.events.length;
  }

  close(): void {
    this.sock.destroy();
  }
}
