// Which database failures mean "the database is away, retry later" (CONSOLE_DB_UNAVAILABLE:
// the server answers 503 with retryInMs; the transaction was rolled back or never began, so
// nothing of the request is stored) and which are ours to report as they are.
import { BaomiError } from '../../core/errors.js';

function field(e: unknown, name: string): unknown {
  return typeof e === 'object' && e !== null ? (e as Record<string, unknown>)[name] : undefined;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// Network errors of the socket under the pg client.
const NET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
]);

// SQLSTATEs (https://www.postgresql.org/docs/15/errcodes-appendix.html): class 08 is
// "connection exception"; 57P01–57P03 a server shutting down or starting; 53300 too many
// connections; 40001/40P01 a serialization failure or deadlock, retried whole.
const PG_RETRY_STATES = new Set(['57P01', '57P02', '57P03', '53300', '40001', '40P01']);

// What pg says when a connection dies without a SQLSTATE.
const PG_GONE =
  /connection terminated|terminating connection|timeout exceeded when trying to connect|connection timeout|not queryable|client was closed|cannot use a pool after calling end/i;

export function isPostgresUnavailable(e: unknown): boolean {
  const code = field(e, 'code');
  if (typeof code === 'string') {
    if (NET_CODES.has(code)) return true;
    if (/^08[0-9A-Z]{3}$/.test(code)) return true;
    if (PG_RETRY_STATES.has(code)) return true;
  }
  return PG_GONE.test(message(e));
}

// SQLite: another process holds the write lock past busy_timeout, the disk is full, or the
// file cannot be read or written right now.
export function isSqliteUnavailable(e: unknown): boolean {
  const code = field(e, 'code');
  if (typeof code !== 'string') return false;
  return (
    code === 'SQLITE_BUSY' ||
    code.startsWith('SQLITE_BUSY_') ||
    code === 'SQLITE_LOCKED' ||
    code.startsWith('SQLITE_LOCKED_') ||
    code === 'SQLITE_FULL' ||
    code === 'SQLITE_IOERR' ||
    code.startsWith('SQLITE_IOERR_') ||
    code === 'SQLITE_CANTOPEN'
  );
}

export function isUniqueViolation(e: unknown): boolean {
  const code = field(e, 'code');
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

/** Rethrows a database failure as the console's error where it has one. */
export function mapDbError(engine: 'sqlite' | 'postgres', e: unknown): unknown {
  if (e instanceof BaomiError) return e;
  const away = engine === 'postgres' ? isPostgresUnavailable(e) : isSqliteUnavailable(e);
  if (away) {
    const code = field(e, 'code');
    const reason = typeof code === 'string' ? `${code}: ${message(e)}` : message(e);
    return new BaomiError('CONSOLE_DB_UNAVAILABLE', { engine, reason, seconds: 5 }, 1);
  }
  if (isUniqueViolation(e))
    return new BaomiError('CONSOLE_DB_DUPLICATE', { reason: message(e) }, 2);
  // 22021: a NUL (or invalid UTF-8) in text; 22P05: a character the encoding cannot hold.
  const code = field(e, 'code');
  if (engine === 'postgres' && (code === '22021' || code === '22P05'))
    return new BaomiError('CONSOLE_DB_BAD_TEXT', { field: `a value (${message(e)})` }, 2);
  return e;
}
