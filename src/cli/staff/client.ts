// The staff CLI's one way to talk to the console (core/console/api.ts): JSON over HTTP(S),
// authenticated with an API token (`Authorization: Bearer …`) or, for `login` only, the
// session cookie and its CSRF token. Every failure becomes one line a person can act on:
// nothing listening, a certificate the pin does not vouch for, a token refused, or the
// console's own message (a WireError, in the language sent as Accept-Language).
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { VERSION } from '../../agent/version.js';
import { BaomiError, type ExitCode } from '../../core/errors.js';
import type { Json } from '../../core/events/types.js';
import type { Lang } from '../../core/i18n/types.js';
import type { WireError } from '../../core/sync/wire.js';
import { printable } from '../printable.js';
import type { Connection } from './connection.js';

/** No answer for this long (connecting, or between bytes): given up. */
const IDLE_TIMEOUT_MS = 60_000;
/** The largest answer read (an events page of 1,000 events is about 1 MB). */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

export type Auth = { token: string } | { cookie: string; csrf: string } | null;

export type Query = Record<string, string | number | readonly string[] | undefined>;

/** What the console refused, with its whole answer (a policy's problems are in it). */
export class ConsoleRefusal extends BaomiError {
  constructor(
    readonly status: number,
    readonly answer: WireError & Record<string, Json>,
    exit: ExitCode,
  ) {
    super('CONSOLE_CLIENT_REFUSED', { status, message: printable(answer.message) }, exit);
    this.name = 'ConsoleRefusal';
  }
}

/**
 * Exit 2 where the request itself was at fault (bad input: a malformed value, an id that does
 * not exist, a body too large or of the wrong type); 1 for the rest (roles, a decision taken
 * already, rate limits, the console's own failures).
 */
export function exitFor(status: number): ExitCode {
  return status === 400 || status === 404 || status === 413 || status === 415 ? 2 : 1;
}

/** OpenSSL's verification codes, as Node sets them on a refused certificate. */
const CERT_REFUSED =
  /^(UNABLE_TO_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|INVALID_CA|PATH_LENGTH_EXCEEDED|INVALID_PURPOSE|ERROR_IN_CERT_|HOSTNAME_MISMATCH)/;

export interface Answer<T> {
  status: number;
  body: T;
  headers: IncomingMessage['headers'];
}

export class StaffClient {
  private readonly agent: HttpAgent;

  constructor(
    readonly conn: Connection,
    private readonly lang: Lang,
    public auth: Auth,
  ) {
    const https = conn.url.protocol === 'https:';
    // One connection for all the pages of a long listing (one TLS handshake).
    this.agent = https
      ? new HttpsAgent({ keepAlive: true, maxSockets: 1, ...(conn.ca ? { ca: conn.ca } : {}) })
      : new HttpAgent({ keepAlive: true, maxSockets: 1 });
  }

  close(): void {
    this.agent.destroy();
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.call<T>('GET', path, query).then((a) => a.body);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.call<T>('POST', path, undefined, body).then((a) => a.body);
  }

  del<T>(path: string): Promise<T> {
    return this.call<T>('DELETE', path).then((a) => a.body);
  }

  /** The request; a 2xx answer's JSON, else the failure as a BaomiError. */
  async call<T>(method: string, path: string, query?: Query, body?: unknown): Promise<Answer<T>> {
    const target = `${this.conn.base}${path}${queryString(query)}`;
    const raw = await this.send(method, target, body);
    let parsed: unknown;
    try {
      parsed = raw.text === '' ? undefined : JSON.parse(raw.text);
    } catch {
      parsed = undefined;
    }
    if (raw.status >= 200 && raw.status < 300) {
      if (parsed === undefined || parsed === null || typeof parsed !== 'object')
        throw new BaomiError('CONSOLE_CLIENT_BAD_ANSWER', { url: target, status: raw.status });
      return { status: raw.status, body: parsed as T, headers: raw.headers };
    }
    this.refused(target, raw.status, parsed);
  }

  /**
   * A GET whose 2xx answer is read as a stream (a person's export: too large to hold); the
   * caller consumes the response. Any other answer is read and thrown as call() does.
   */
  async download(path: string, query?: Query): Promise<IncomingMessage> {
    const target = `${this.conn.base}${path}${queryString(query)}`;
    const request = this.conn.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(
        target,
        { method: 'GET', headers: this.headers(), agent: this.agent, timeout: IDLE_TIMEOUT_MS },
        resolve,
      );
      req.on('timeout', () =>
        req.destroy(Object.assign(new Error('no answer'), { code: 'ETIMEDOUT' })),
      );
      req.on('error', (e) => reject(this.failure(e)));
      req.end();
    });
    // Between bytes as while connecting: a console that stops sending is given up.
    res.setTimeout?.(IDLE_TIMEOUT_MS, () =>
      res.destroy(Object.assign(new Error('no answer'), { code: 'ETIMEDOUT' })),
    );
    const status = res.statusCode ?? 0;
    if (status >= 200 && status < 300) return res;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of res as AsyncIterable<Buffer>) {
      size += c.length;
      if (size > 1024 * 1024) break;
      chunks.push(c);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      parsed = undefined;
    }
    this.refused(target, status, parsed);
  }

  /** Throws what a non-2xx answer means. */
  private refused(target: string, status: number, parsed: unknown): never {
    const raw = { status };
    // A token the console does not take (unknown, expired, revoked, its account disabled):
    // one clear line on what to do, whatever the console's words.
    if (raw.status === 401 && this.auth !== null && 'token' in this.auth)
      throw new BaomiError('CONSOLE_CLIENT_TOKEN_REFUSED', { url: this.conn.base });
    const wire = parsed as Partial<WireError> | undefined;
    if (!wire || typeof wire.error !== 'string' || typeof wire.message !== 'string')
      // Not the console's answer (a proxy's error page, another server on that port).
      throw new BaomiError('CONSOLE_CLIENT_BAD_ANSWER', { url: target, status: raw.status });
    throw new ConsoleRefusal(
      raw.status,
      parsed as WireError & Record<string, Json>,
      exitFor(raw.status),
    );
  }

  private send(
    method: string,
    target: string,
    body: unknown,
  ): Promise<{ status: number; text: string; headers: IncomingMessage['headers'] }> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
    const headers = this.headers();
    if (payload) {
      headers['content-type'] = 'application/json; charset=utf-8';
      headers['content-length'] = String(payload.length);
    }
    const request = this.conn.url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(
        target,
        { method, headers, agent: this.agent, timeout: IDLE_TIMEOUT_MS },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_ANSWER_BYTES) {
              res.destroy();
              reject(
                new BaomiError('CONSOLE_CLIENT_BAD_ANSWER', {
                  url: target,
                  status: res.statusCode ?? 0,
                }),
              );
              return;
            }
            chunks.push(c);
          });
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              text: Buffer.concat(chunks).toString('utf8'),
              headers: res.headers,
            }),
          );
          res.on('error', (e) => reject(this.failure(e)));
        },
      );
      req.on('timeout', () =>
        req.destroy(Object.assign(new Error('no answer'), { code: 'ETIMEDOUT' })),
      );
      req.on('error', (e) => reject(this.failure(e)));
      req.end(payload);
    });
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'accept-language': this.lang === 'zh-CN' ? 'zh-CN' : 'en',
      'user-agent': `baomi/${VERSION}`,
    };
    const auth = this.auth;
    if (auth && 'token' in auth) headers.authorization = `Bearer ${auth.token}`;
    if (auth && 'cookie' in auth) {
      headers.cookie = auth.cookie;
      headers['x-csrf-token'] = auth.csrf;
    }
    return headers;
  }

  /** A failure before the console answered, said as what the person can do about it. */
  private failure(e: Error): BaomiError {
    const err = e as NodeJS.ErrnoException;
    const code = typeof err.code === 'string' ? err.code : '';
    const url = this.conn.base;
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
      return new BaomiError('CONSOLE_CLIENT_TLS_NAME', { url, host: this.conn.url.hostname });
    if (CERT_REFUSED.test(code))
      return this.conn.caFile
        ? new BaomiError('CONSOLE_CLIENT_TLS_MISMATCH', { url, ca: this.conn.caFile, code })
        : new BaomiError('CONSOLE_CLIENT_TLS_UNTRUSTED', { url, code });
    // Plain HTTP where TLS was expected (an http:// console given as https://).
    if (/wrong version number|packet length too long|http request/i.test(err.message))
      return new BaomiError('CONSOLE_CLIENT_NOT_TLS', { url });
    return new BaomiError('CONSOLE_CLIENT_UNREACHABLE', { url, reason: code || err.message });
  }
}

function queryString(q: Query | undefined): string {
  if (!q) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const one of v) p.append(k, one);
    else p.append(k, String(v));
  }
  const s = p.toString();
  return s === '' ? '' : `?${s}`;
}
