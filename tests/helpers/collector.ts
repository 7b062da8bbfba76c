// A syslog collector on loopback for the SIEM forwarder's tests: TCP or TLS, reading RFC 6587
// octet-counted frames, with the misbehaviours a real one has: it may accept and never read,
// reset a connection halfway through a batch, or read the whole batch and keep the
// connection open. What it keeps is what it took: the messages of connections it read to
// the end and closed.
import { once } from 'node:events';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';

export type Behaviour =
  /** Read to the end of the stream, then close (what rsyslog's imtcp does). */
  | 'read'
  /** Accept and never read. */
  | 'stall'
  /** Read `resetAfter` bytes, then reset the connection. */
  | 'reset'
  /** Read everything and never close. */
  | 'hold';

export interface Collector {
  port: number;
  behaviour: Behaviour;
  resetAfter: number;
  /** Messages of connections read to their end (the collector's "file"). */
  messages: string[];
  /** Every connection accepted: bytes read, and how it ended. */
  connections: { bytes: number; ended: 'eof' | 'reset' | 'error' | null; data: Buffer[] }[];
  /** Most connections open at the same time. */
  maxOpen: number;
  /** Reads what the connections it stalled hold (their `data`), until each ends or fails. */
  readStalled(): Promise<void>;
  close(): Promise<void>;
}

/** Messages of a stream of octet-counted frames; throws on a malformed frame. */
export function unframe(bytes: Buffer): string[] {
  const out: string[] = [];
  let at = 0;
  while (at < bytes.length) {
    const sp = bytes.indexOf(0x20, at);
    const len = Number(bytes.subarray(at, sp).toString('latin1'));
    if (sp < 0 || !Number.isInteger(len) || len <= 0 || sp + 1 + len > bytes.length)
      throw new Error(`bad frame at ${at}`);
    out.push(bytes.subarray(sp + 1, sp + 1 + len).toString('utf8'));
    at = sp + 1 + len;
  }
  return out;
}

export async function startCollector(
  o: { behaviour?: Behaviour; tls?: { key: string; cert: string } } = {},
): Promise<Collector> {
  const open = new Set<Socket>();
  const stalled = new Map<Socket, Collector['connections'][number]>();
  /** Every TCP connection (a TLS one that failed its handshake never reaches onConnection). */
  const raw = new Set<Socket>();
  const c: Collector = {
    port: 0,
    behaviour: o.behaviour ?? 'read',
    resetAfter: 100,
    messages: [],
    connections: [],
    maxOpen: 0,
    readStalled: async () => {
      await Promise.all(
        [...stalled].map(
          ([s, conn]) =>
            new Promise<void>((resolve) => {
              if (s.destroyed) return resolve();
              s.on('data', (d: Buffer) => {
                conn.bytes += d.length;
                conn.data.push(d);
              });
              s.once('end', () => {
                conn.ended ??= 'eof';
                resolve();
              });
              s.once('close', () => resolve());
              s.resume();
            }),
        ),
      );
    },
    close: async () => {
      for (const s of raw) s.destroy();
      server.close();
      await once(server, 'close');
    },
  };
  const onConnection = (s: Socket) => {
    open.add(s);
    c.maxOpen = Math.max(c.maxOpen, open.size);
    const conn: Collector['connections'][number] = { bytes: 0, ended: null, data: [] };
    c.connections.push(conn);
    const behaviour = c.behaviour;
    const chunks = conn.data;
    s.on('error', () => {
      conn.ended ??= 'error';
    });
    s.on('close', () => open.delete(s));
    if (behaviour === 'stall') {
      s.pause();
      stalled.set(s, conn);
      return;
    }
    s.on('data', (d: Buffer) => {
      conn.bytes += d.length;
      chunks.push(d);
      if (behaviour === 'reset' && conn.bytes >= c.resetAfter) {
        s.pause();
        conn.ended = 'reset';
        s.resetAndDestroy();
      }
    });
    s.on('end', () => {
      if (conn.ended !== null) return;
      conn.ended = 'eof';
      c.messages.push(...unframe(Buffer.concat(chunks)));
      if (behaviour !== 'hold') s.end();
    });
  };
  const server: Server = o.tls
    ? createTlsServer({ key: o.tls.key, cert: o.tls.cert, allowHalfOpen: true }, onConnection)
    : createTcpServer({ allowHalfOpen: true }, onConnection);
  server.on('connection', (s: Socket) => {
    raw.add(s);
    s.on('error', () => {});
    s.on('close', () => raw.delete(s));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  c.port = (server.address() as { port: number }).port;
  return c;
}
