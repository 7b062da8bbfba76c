// One HTTP(S) POST to the console, with node:http / node:https directly: Node 20's fetch cannot
// take a CA per request, and the certificate pinned at enrollment (`baomi enroll --ca`) must
// be the only trust anchor for these requests. With `ca` set, Node trusts that PEM alone (not
// the system's list), so a console whose certificate does not chain to it is refused during
// the handshake, before anything is sent.
import type { IncomingHttpHeaders } from 'node:http';

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface PostOptions {
  /** PEM of the pinned certificate; absent: the system's trusted authorities. */
  ca?: string;
  /** The whole exchange, connection included. */
  timeoutMs?: number;
  /** A longer answer is cut off and the request fails. */
  maxResponseBytes?: number;
  /** Aborts the request (the agent is stopping). */
  signal?: AbortSignal;
}

/** What went wrong before an answer came: a reason a person can read (a Node error code). */
export class TransportError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** The transport the sync module uses (a test passes its own). */
export type Transport = (
  url: URL,
  body: Buffer,
  headers: Record<string, string>,
  o: PostOptions,
) => Promise<HttpAnswer>;

export const postBytes: Transport = async (url, body, headers, o) => {
  const secure = url.protocol === 'https:';
  // Loaded on the first request: an agent that never syncs does not carry TLS (4 MB of RSS).
  const send = secure ? (await import('node:https')).request : (await import('node:http')).request;
  return new Promise<HttpAnswer>((resolve, reject) => {
    const max = o.maxResponseBytes ?? 8 * 1024 * 1024;
    let settled = false;
    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      reject(new TransportError(reason));
    };
    const req = send(
      url,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(body.length),
        },
        // No keep-alive pool: one request a minute gains nothing from it, and a pooled socket
        // would keep an idle agent's event loop awake.
        agent: false,
        timeout: o.timeoutMs ?? 30_000,
        ...(secure && o.ca !== undefined ? { ca: o.ca } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > max) {
            req.destroy();
            fail(`answer larger than ${max} bytes`);
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          });
        });
        res.on('error', (e) => fail(reasonOf(e)));
      },
    );
    req.on('timeout', () => {
      req.destroy();
      fail('timed out');
    });
    req.on('error', (e) => fail(reasonOf(e)));
    req.end(body);
  });
};

function reasonOf(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  // TLS refusals carry their reason in `code` (UNABLE_TO_VERIFY_LEAF_SIGNATURE, …) with a
  // readable message; say both.
  if (err.code && err.message && !err.message.includes(err.code))
    return `${err.code}: ${err.message}`;
  return err.message || err.code || String(e);
}
