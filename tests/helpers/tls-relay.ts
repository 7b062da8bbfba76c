// A recording HTTPS relay between an agent and a real console, on loopback. It terminates TLS
// with the console's own certificate (the one the agent pinned with `baomi enroll --ca`),
// forwards each request's exact bytes (method, path, headers, body: the agent's signature
// covers the path and the body, not the host) to the console on a fresh connection, and sends
// the console's answer back unchanged. What it adds is what a test cannot see through TLS
// otherwise: which events each sync request carried and what the console answered, the
// moment a request is in flight (to kill the console then), and an off switch that makes the
// console unreachable for this agent alone (connections reset, as a cut cable would), and a
// request held unanswered (to kill the agent while it waits).
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer, request } from 'node:https';
import type { Socket } from 'node:net';
import type { TlsFiles } from './fake-console.js';

export interface Exchange {
  at: number;
  method: string;
  path: string;
  /** The request body, parsed (JSON), or its text. */
  request: unknown;
  /** null until answered; 0 when the console could not be reached (the agent's socket reset). */
  status: number | null;
  response?: unknown;
}

export interface TlsRelay {
  url: string;
  port: number;
  exchanges: Exchange[];
  /** false: every connection is reset at once, those open now included. */
  setOpen(open: boolean): void;
  /** Called when a request has been sent on to the console (its answer not yet back). */
  onForward: ((x: Exchange) => void) | null;
  /** A request for which this returns true is kept here, never forwarded nor answered. */
  hold: ((x: Exchange) => boolean) | null;
  close(): Promise<void>;
}

function parse(bytes: Buffer): unknown {
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function startTlsRelay(tls: TlsFiles, consolePort: () => number): Promise<TlsRelay> {
  const sockets = new Set<Socket>();
  let open = true;
  const relay: TlsRelay = {
    url: '',
    port: 0,
    exchanges: [],
    setOpen(v) {
      open = v;
      if (!v) for (const s of sockets) s.destroy();
    },
    onForward: null,
    hold: null,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
  const server = createServer(
    { cert: readFileSync(tls.cert), key: readFileSync(tls.key) },
    (req, res) => {
      if (!open) {
        req.socket.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const x: Exchange = {
          at: Date.now(),
          method: req.method ?? 'GET',
          path: req.url ?? '/',
          request: parse(body),
          status: null,
        };
        relay.exchanges.push(x);
        if (relay.hold?.(x)) return;
        const headers: IncomingHttpHeaders = { ...req.headers };
        delete headers.host;
        delete headers.connection;
        const up = request(
          {
            host: '127.0.0.1',
            port: consolePort(),
            method: x.method,
            path: x.path,
            headers: { ...headers, host: `127.0.0.1:${consolePort()}` },
            ca: tls.certPem,
            agent: false,
          },
          (answer) => {
            const back: Buffer[] = [];
            answer.on('data', (c: Buffer) => back.push(c));
            answer.on('end', () => {
              const bytes = Buffer.concat(back);
              x.status = answer.statusCode ?? 0;
              x.response = parse(bytes);
              if (!open) {
                req.socket.destroy();
                return;
              }
              const h = { ...answer.headers };
              delete h.connection;
              delete h['keep-alive'];
              res.writeHead(x.status, h);
              res.end(bytes);
            });
            answer.on('error', () => {
              x.status = 0;
              req.socket.destroy();
            });
          },
        );
        up.on('error', () => {
          x.status = 0;
          req.socket.destroy();
        });
        up.end(body, () => relay.onForward?.(x));
      });
    },
  );
  // Refused before the handshake while off; tracked after it, to be cut when switched off.
  server.on('connection', (s: Socket) => {
    if (!open) s.destroy();
  });
  server.on('secureConnection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  relay.port = typeof address === 'object' && address ? address.port : 0;
  relay.url = `https://127.0.0.1:${relay.port}`;
  return relay;
}
