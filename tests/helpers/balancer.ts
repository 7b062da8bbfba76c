// A small HTTPS load balancer in front of several real console processes, on loopback: the
// production layout of the README (a balancer, two consoles with TLS, one PostgreSQL) as
// tests/e2e/console/two-consoles.test.ts runs it. It terminates TLS with the consoles'
// certificate (the one agents pinned with `baomi enroll --ca`), forwards each request's exact
// bytes over TLS again to a console (pinning the same certificate), and answers with the
// console's exact answer, as a re-encrypting HAProxy or nginx does. The agent's signature
// covers the method, path and body, never the host or the connection, so it holds through it.
//
// Which console: round robin per agent (the x-baomi-agent header), so each agent's requests
// alternate between the consoles; other requests (staff, enrollment) round robin among
// themselves. `pin(agentId, i)` sends an agent to console i only (a test proving that what
// was done on one console reaches an agent through the other). Every exchange is recorded with
// the console that served it. With `healthEveryMs` it polls each console's GET /healthz, as
// HAProxy's `option httpchk` does, and sends nothing (but a pinned agent) to a console whose
// last answer was not 200, until it answers 200 again.
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer, request } from 'node:https';
import type { Socket } from 'node:net';
import type { TlsFiles } from './fake-console.js';

export interface BalancedExchange {
  at: number;
  /** The agent it came from (its header), or null for staff and enrollment. */
  agentId: string | null;
  /** Index of the console that served it. */
  backend: number;
  method: string;
  path: string;
  request: unknown;
  /** null until answered; 0 when the console could not be reached. */
  status: number | null;
  response?: unknown;
}

export interface Balancer {
  url: string;
  port: number;
  exchanges: BalancedExchange[];
  pin(agentId: string, backend: number | null): void;
  /** Each console's state by its last /healthz (all true without health checks). */
  healthy: boolean[];
  /** Every change of a console's state: when, which, to what. */
  healthChanges: { at: number; backend: number; healthy: boolean }[];
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

/** GET /healthz of one console: true on 200 within `timeoutMs`. */
function probe(port: number, ca: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/healthz', ca, agent: false, timeout: timeoutMs },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200));
        res.on('error', () => resolve(false));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });
}

export async function startBalancer(
  tls: TlsFiles,
  ports: () => number[],
  o: { healthEveryMs?: number } = {},
): Promise<Balancer> {
  const sockets = new Set<Socket>();
  let polling: NodeJS.Timeout | null = null;
  const turns = new Map<string, number>();
  const pins = new Map<string, number>();
  const b: Balancer = {
    url: '',
    port: 0,
    exchanges: [],
    pin(agentId, backend) {
      if (backend === null) pins.delete(agentId);
      else pins.set(agentId, backend);
    },
    healthy: ports().map(() => true),
    healthChanges: [],
    close: () =>
      new Promise<void>((r) => {
        if (polling) clearInterval(polling);
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
  const choose = (agentId: string | null): number => {
    if (agentId !== null && pins.has(agentId)) return pins.get(agentId)!;
    const key = agentId ?? '*';
    const n = turns.get(key) ?? 0;
    turns.set(key, n + 1);
    const up = ports()
      .map((_, i) => i)
      .filter((i) => b.healthy[i] !== false);
    // None healthy: try them all in turn (the request fails as it would behind a real one).
    return up.length === 0 ? n % ports().length : up[n % up.length]!;
  };
  if (o.healthEveryMs) {
    let busy = false;
    const check = async () => {
      if (busy) return;
      busy = true;
      const states = await Promise.all(
        ports().map((p) => probe(p, tls.certPem, o.healthEveryMs! * 2)),
      );
      for (const [i, ok] of states.entries())
        if (b.healthy[i] !== ok) {
          b.healthy[i] = ok;
          b.healthChanges.push({ at: Date.now(), backend: i, healthy: ok });
        }
      busy = false;
    };
    await check();
    polling = setInterval(() => void check(), o.healthEveryMs);
  }
  const server = createServer(
    { cert: readFileSync(tls.cert), key: readFileSync(tls.key) },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const header = req.headers['x-baomi-agent'];
        const agentId = typeof header === 'string' ? header : null;
        const backend = choose(agentId);
        const port = ports()[backend]!;
        const x: BalancedExchange = {
          at: Date.now(),
          agentId,
          backend,
          method: req.method ?? 'GET',
          path: req.url ?? '/',
          request: parse(body),
          status: null,
        };
        b.exchanges.push(x);
        const headers: IncomingHttpHeaders = { ...req.headers };
        delete headers.host;
        delete headers.connection;
        const up = request(
          {
            host: '127.0.0.1',
            port,
            method: x.method,
            path: x.path,
            headers: { ...headers, host: `127.0.0.1:${port}` },
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
        up.end(body);
      });
    },
  );
  server.on('secureConnection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  b.port = typeof address === 'object' && address ? address.port : 0;
  b.url = `https://127.0.0.1:${b.port}`;
  return b;
}
