// `baomi console`: the central console in the foreground, and `baomi console user add`.
// SIGINT and SIGTERM close it cleanly: requests in flight finish, the last-seen buffer is
// written, the database is closed.
//
// SECURITY: without TLS it listens on a loopback address only, unless --insecure says a TLS
// proxy is in front (exit 2 otherwise): staff passwords and session cookies must not cross a
// network in clear text.
import { mkdirSync } from 'node:fs';
import { isIP } from 'node:net';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { VERSION } from '../../agent/version.js';
import {
  hashPassword,
  MAX_PASSWORD_CHARS,
  MIN_PASSWORD_CHARS,
  passwordProblem,
} from '../../console/auth/password.js';
import { DEFAULT_CONSOLE_CONFIG, loadConsoleConfig } from '../../console/config.js';
import { loadExceptionKey } from '../../console/keys.js';
import { openStore } from '../../console/open-store.js';
import { buildConsole } from '../../console/server/app.js';
import type { ConsoleStore, Role } from '../../console/store/types.js';
import { BaomiError } from '../../core/errors.js';
import { parseDuration } from '../../core/policy/units.js';
import type { CommandContext } from '../context.js';
import { consoleDefaultDataDir } from '../defaults.js';
import { isLoopback } from '../loopback.js';
import { readPassword } from '../password-prompt.js';
import { readInput } from '../read-input.js';

export { isLoopback };

export const DEFAULT_LISTEN = '127.0.0.1:7443';
export const DEFAULT_SYNC_INTERVAL = '60s';
const MIN_INTERVAL_MS = 5000;
const MAX_INTERVAL_MS = 86_400_000;

export interface ConsoleFlags {
  dataDir?: string;
  db?: string;
  listen?: string;
  tlsCert?: string;
  tlsKey?: string;
  insecure?: boolean;
  exceptionKey?: string;
  syncInterval?: string;
  config?: string;
}

export interface Listen {
  host: string;
  port: number;
}

/** HOST:PORT or [IPv6]:PORT. */
export function parseListen(value: string): Listen {
  const m =
    /^\[([0-9A-Fa-f:.]+)\]:(\d{1,5})$/.exec(value) ?? /^([^:[\]\s]+):(\d{1,5})$/.exec(value);
  const port = Number(m?.[2]);
  if (!m || port > 65535 || (m[0].startsWith('[') && isIP(m[1]!) !== 6))
    throw new BaomiError('CONSOLE_BAD_LISTEN', { value }, 2);
  return { host: m[1]!, port };
}

/** A database URL fit to print: without its password. */
export function describeDb(db: string | undefined, dataDir: string): string {
  if (db === undefined) return `SQLite ${join(dataDir, 'console.db')}`;
  try {
    const u = new URL(db);
    u.password = '';
    return `PostgreSQL ${u.toString()}`;
  } catch {
    return 'PostgreSQL';
  }
}

function syncInterval(value: string): number {
  const ms = parseDuration(value);
  if (ms === null || ms < MIN_INTERVAL_MS || ms > MAX_INTERVAL_MS)
    throw new BaomiError('CONSOLE_BAD_INTERVAL', { value }, 2);
  return ms;
}

function prepareDataDir(dir: string | undefined): string {
  const dataDir = resolve(dir ?? consoleDefaultDataDir());
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new BaomiError('CLI_WRITE_FAILED', { file: dataDir, reason: err.code ?? err.message });
  }
  return dataDir;
}

async function open(db: string | undefined, dataDir: string): Promise<ConsoleStore> {
  try {
    return await openStore({ ...(db === undefined ? {} : { db }), dataDir });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    // The datastore module itself is missing (a partial build): say so, not "internal error".
    if (err?.code === 'ERR_MODULE_NOT_FOUND' && /console\/store\/index/.test(String(err.message)))
      throw new BaomiError('CONSOLE_NO_STORE', { reason: err.code });
    throw e;
  }
}

export default async function consoleServe(
  { t }: CommandContext,
  f: ConsoleFlags,
): Promise<number> {
  // Everything a person can get wrong on the command line is checked before anything starts.
  const listen = parseListen(f.listen ?? DEFAULT_LISTEN);
  if (Boolean(f.tlsCert) !== Boolean(f.tlsKey)) throw new BaomiError('CONSOLE_TLS_HALF', {}, 2);
  const tls =
    f.tlsCert && f.tlsKey ? { cert: readInput(f.tlsCert), key: readInput(f.tlsKey) } : null;
  if (!tls && !isLoopback(listen.host) && !f.insecure)
    throw new BaomiError('CONSOLE_TLS_REQUIRED', { host: listen.host }, 2);
  const intervalMs = syncInterval(f.syncInterval ?? DEFAULT_SYNC_INTERVAL);
  const config = f.config ? loadConsoleConfig(resolve(f.config)) : DEFAULT_CONSOLE_CONFIG;
  const dataDir = prepareDataDir(f.dataDir);
  const key = loadExceptionKey({
    dataDir,
    ...(f.exceptionKey ? { file: resolve(f.exceptionKey) } : {}),
  });

  // A signal during start-up still ends in a clean close.
  let signalled: NodeJS.Signals | null = null;
  let onSignal = (s: NodeJS.Signals) => {
    signalled ??= s;
  };
  const handler = (s: NodeJS.Signals) => onSignal(s);
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);

  const store = await open(f.db, dataDir);
  const app = buildConsole({
    store,
    exceptionKey: key,
    syncIntervalMs: intervalMs,
    config,
    ...(tls ? { https: tls } : {}),
    // JSON lines on stderr; stdout keeps the one start line.
    log: { level: process.env.BAOMI_LOG_LEVEL ?? 'info', stream: process.stderr },
  });
  const stop = async () => {
    await app.close();
    await store.close();
  };
  try {
    await app.listen({ host: listen.host, port: listen.port });
  } catch (e) {
    await stop();
    const err = e as NodeJS.ErrnoException;
    throw new BaomiError('CONSOLE_LISTEN_FAILED', {
      address: `${listen.host}:${listen.port}`,
      reason: err.code ?? err.message,
    });
  }
  if (key.created) app.log.info({ file: key.file }, 'exception key created');
  if (!tls && !isLoopback(listen.host))
    process.stderr.write(`${t('cli.console.insecure', { host: listen.host })}\n`);
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : listen.port;
  const host = isIP(listen.host) === 6 ? `[${listen.host}]` : listen.host;
  const url = `${tls ? 'https' : 'http'}://${host}:${port}`;
  process.stdout.write(
    `${t('cli.console.started', { version: VERSION, url, db: describeDb(f.db, dataDir), dataDir })}\n`,
  );

  return new Promise<number>((done) => {
    onSignal = (signal: NodeJS.Signals) => {
      void stop().then(
        () => {
          process.stdout.write(`${t('cli.console.stopped', { signal })}\n`);
          done(0);
        },
        (err: unknown) => {
          app.log.error({ err }, 'close failed');
          done(1);
        },
      );
    };
    if (signalled) onSignal(signalled);
  });
}

const ROLES: readonly Role[] = ['admin', 'analyst', 'auditor'];
const STAFF_NAME = /^[\p{L}\p{N}._@-]{1,64}$/u;

/** `baomi console user add NAME --role ROLE`: --data-dir and --db may sit on `console` too. */
export async function userAdd(
  { t }: CommandContext,
  name: string,
  _flags: unknown,
  cmd: Command,
): Promise<number> {
  const f = cmd.optsWithGlobals() as ConsoleFlags & { role: string };
  if (!(ROLES as readonly string[]).includes(f.role))
    throw new BaomiError(
      'CLI_BAD_CHOICE',
      { option: '--role', value: f.role, choices: ROLES.join(', ') },
      2,
    );
  if (!STAFF_NAME.test(name)) throw new BaomiError('CONSOLE_BAD_USER_NAME', { name }, 2);
  const dataDir = prepareDataDir(f.dataDir);
  const store = await open(f.db, dataDir);
  try {
    // Before the password is typed: a name taken is said at once.
    if (await store.userByName(name)) throw new BaomiError('CONSOLE_USER_EXISTS', { name }, 2);
    const password = await readPassword({
      first: t('cli.console.passwordPrompt', { name, min: MIN_PASSWORD_CHARS }),
      again: t('cli.console.passwordAgain'),
    });
    const problem = passwordProblem(password);
    if (problem === 'short')
      throw new BaomiError('CONSOLE_PASSWORD_SHORT', { min: MIN_PASSWORD_CHARS }, 2);
    if (problem === 'long')
      throw new BaomiError('CONSOLE_PASSWORD_LONG', { max: MAX_PASSWORD_CHARS }, 2);
    const at = Date.now();
    // The user and its audit row are one transaction. The CLI has no staff login: the actor
    // is the account that ran it, on this machine.
    await store.createUser(
      { name, role: f.role as Role, passwordHash: await hashPassword(password), at },
      {
        ts: at,
        actor: `cli:${userInfo().username}`,
        action: 'user.created',
        ip: 'local',
        target: name,
        details: { role: f.role },
      },
    );
    process.stdout.write(`${t('cli.console.userAdded', { name, role: f.role })}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
