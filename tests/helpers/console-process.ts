// `baomi console` as a real child process over HTTPS on loopback, and a staff client for its
// HTTP API (src/core/console/api.ts) with an API token, for tests that drive staff actions
// without the staff CLI. Every request opens its own connection (no keep-alive pool), so a
// console killed and started again on the same port is never reached through a dead socket.
import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:https';
import { BIN } from './agent.js';
import { runCliAsync } from './cli-async.js';
import type { TlsFiles } from './fake-console.js';

export interface ConsoleOptions {
  dataDir: string;
  /** The console's --db (undefined: the embedded SQLite in the data dir). */
  db?: string;
  tls: TlsFiles;
  /** 0: a free port (read from the start line). */
  port: number;
  syncInterval: string;
  /** More arguments (`--exception-key FILE` for consoles sharing one key). */
  extraArgs?: string[];
  /** More environment (BAOMI_LOG_LEVEL). */
  env?: Record<string, string>;
}

export interface ConsoleProcess {
  child: ChildProcess;
  port: number;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const dbArgs = (db: string | undefined) => (db === undefined ? [] : ['--db', db]);

function spawnConsole(o: ConsoleOptions): Promise<ConsoleProcess> {
  const child = spawn(
    process.execPath,
    [
      BIN,
      'console',
      '--data-dir',
      o.dataDir,
      ...dbArgs(o.db),
      '--listen',
      `127.0.0.1:${o.port}`,
      '--tls-cert',
      o.tls.cert,
      '--tls-key',
      o.tls.key,
      '--sync-interval',
      o.syncInterval,
      ...(o.extraArgs ?? []),
    ],
    {
      env: { ...process.env, LANG: 'en_US.UTF-8', ...o.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    err += d;
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const end = Date.now() + 30_000;
    const timer = setInterval(() => {
      const m = /listening on (https:\/\/127\.0\.0\.1:(\d+)) /.exec(out);
      if (m) {
        clearInterval(timer);
        resolve({
          child,
          port: Number(m[2]),
          url: m[1]!,
          stdout: () => out,
          stderr: () => err,
          exited,
        });
      } else if (child.exitCode !== null || Date.now() > end) {
        clearInterval(timer);
        if (child.exitCode === null) child.kill('SIGKILL');
        reject(new Error(`console did not start (exit ${child.exitCode}): ${err.slice(-2000)}`));
      }
    }, 25);
  });
}

/**
 * Starts the console; on a fixed port a start that finds the port still held (a console just
 * killed) is tried again for a few seconds.
 */
export async function startConsole(o: ConsoleOptions): Promise<ConsoleProcess> {
  for (let i = 0; ; i++) {
    try {
      return await spawnConsole(o);
    } catch (e) {
      if (i >= 20 || o.port === 0 || !/EADDRINUSE/.test(String(e))) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export async function killConsole(c: ConsoleProcess, signal: NodeJS.Signals = 'SIGKILL') {
  if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill(signal);
  return c.exited;
}

/** `baomi console user add NAME --role ROLE`, the password on standard input. */
export async function addStaff(
  o: { dataDir: string; db?: string },
  name: string,
  role: string,
  password: string,
) {
  return runCliAsync(
    ['console', 'user', 'add', name, '--role', role, '--data-dir', o.dataDir, ...dbArgs(o.db)],
    {},
    `${password}\n`,
  );
}

export interface Answer<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
  text: string;
}

/** One HTTPS request on its own connection, trusting `ca` alone. */
export function httpsCall<T = unknown>(
  base: string,
  ca: string,
  method: string,
  path: string,
  body?: Buffer | string | object,
  headers: Record<string, string> = {},
): Promise<Answer<T>> {
  const url = new URL(path, base);
  const payload =
    body === undefined
      ? undefined
      : Buffer.isBuffer(body) || typeof body === 'string'
        ? Buffer.from(body)
        : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca,
        agent: false,
        headers: {
          ...(payload ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        timeout: 20_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON: kept as text
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed as T, text });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Staff calls with `Authorization: Bearer <API token>`; the base URL may change (restart). */
export class StaffApi {
  constructor(
    private readonly base: () => string,
    private readonly ca: string,
    private readonly token: string,
  ) {}

  /** Logs in with the password, makes an API token (as the staff CLI will) and uses it. */
  static async login(base: () => string, ca: string, name: string, password: string) {
    const login = await httpsCall<{ csrfToken: string }>(base(), ca, 'POST', '/api/v1/login', {
      name,
      password,
    });
    if (login.status !== 200) throw new Error(`login ${login.status}: ${login.text}`);
    const cookie = /baomi_session=[^;]+/.exec(String(login.headers['set-cookie']))![0];
    const made = await httpsCall<{ token: string }>(
      base(),
      ca,
      'POST',
      '/api/v1/tokens',
      { name: 'fleet-suite', days: 1 },
      { cookie, 'x-csrf-token': login.body.csrfToken },
    );
    if (made.status !== 200) throw new Error(`token ${made.status}: ${made.text}`);
    return new StaffApi(base, ca, made.body.token);
  }

  call<T = unknown>(method: string, path: string, body?: object): Promise<Answer<T>> {
    return httpsCall<T>(this.base(), this.ca, method, path, body, {
      authorization: `Bearer ${this.token}`,
    });
  }

  /** The answer's body when the status is `status` (default 200); throws otherwise. */
  async ok<T = unknown>(method: string, path: string, body?: object, status = 200): Promise<T> {
    const a = await this.call<T>(method, path, body);
    if (a.status !== status) throw new Error(`${method} ${path}: ${a.status} ${a.text}`);
    return a.body;
  }
}
