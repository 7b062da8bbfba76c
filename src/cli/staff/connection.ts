// Where the staff CLI finds the console and how it proves who it is: `--console URL`
// (BAOMI_CONSOLE), `--api-token T` (BAOMI_CONSOLE_TOKEN) and `--ca FILE` (BAOMI_CONSOLE_CA),
// the flag winning over the environment. Everything is checked before a byte is sent.
//
// SECURITY: a token is sent over plain HTTP only to this computer (loopback), never across a
// network in clear text; it is never printed, not even in an error (a mistyped one is
// described, not echoed). The environment is the better place for it: an argument is visible
// to every local user in `ps`, and stays in the shell history.
import { BaomiError } from '../../core/errors.js';
import { isLoopback } from '../loopback.js';
import { readInput } from '../read-input.js';

export interface ConnectionFlags {
  console?: string;
  apiToken?: string;
  ca?: string;
}

export interface Connection {
  /** The console's base URL as given, without a trailing slash (a path prefix is kept). */
  base: string;
  url: URL;
  /** The pinned certificate (PEM), and the file it came from. */
  ca?: Buffer;
  caFile?: string;
}

/** The API token's form (console/auth/secrets.ts: `bmt_` + 43 base64url characters). */
const TOKEN = /^bmt_[A-Za-z0-9_-]{20,196}$/;
const MAX_CA_BYTES = 1024 * 1024;

type Env = Record<string, string | undefined>;

export function connection(f: ConnectionFlags, env: Env = process.env): Connection {
  const given = (f.console ?? env.BAOMI_CONSOLE ?? '').trim();
  if (given === '') throw new BaomiError('CONSOLE_CLIENT_NO_URL', {}, 2);
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new BaomiError('CONSOLE_CLIENT_BAD_URL', { url: given }, 2);
  }
  if (
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.username !== '' ||
    url.password !== '' ||
    url.search !== '' ||
    url.hash !== ''
  )
    throw new BaomiError('CONSOLE_CLIENT_BAD_URL', { url: given }, 2);
  if (url.protocol === 'http:' && !isLoopback(url.hostname))
    throw new BaomiError('CONSOLE_CLIENT_PLAIN_HTTP', { host: url.hostname }, 2);
  const base = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  const caFile = f.ca ?? env.BAOMI_CONSOLE_CA;
  if (caFile === undefined || caFile === '') return { base, url };
  const ca = readInput(caFile, MAX_CA_BYTES);
  if (!ca.includes('-----BEGIN CERTIFICATE-----'))
    throw new BaomiError('CONSOLE_CLIENT_BAD_CA', { file: caFile }, 2);
  return { base, url, ca, caFile };
}

/** The API token from --api-token or BAOMI_CONSOLE_TOKEN; its form checked, never echoed. */
export function apiToken(f: ConnectionFlags, env: Env = process.env): string {
  const fromFlag = f.apiToken !== undefined;
  const token = (f.apiToken ?? env.BAOMI_CONSOLE_TOKEN ?? '').trim();
  if (token === '') throw new BaomiError('CONSOLE_CLIENT_NO_TOKEN', {}, 2);
  if (!TOKEN.test(token))
    throw new BaomiError(
      'CONSOLE_CLIENT_BAD_TOKEN',
      { from: fromFlag ? '--api-token' : 'BAOMI_CONSOLE_TOKEN', length: token.length },
      2,
    );
  return token;
}
