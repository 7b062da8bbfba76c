// `baomi exception keygen|issue|redeem` (README "Issuing a temporary exception").
//
// keygen: the policy keygen's code path (writeKeyPair); the .pub goes into trust/exceptions/.
// issue:  signs a token (core/exceptions/token.ts) with a key only its owner can read, records
//         it in the issuance log (one JSON line per token: who, what, when, which key; never the
//         token, a bearer credential), writes it to a 0600 file, prints it and shows it as a QR
//         code on a terminal. The log line is written before the token is shown: a token that
//         was not recorded is never handed out.
// redeem: forwards the token to the agent (`usb.exception.redeem`), which alone verifies it
//         and records every refusal; the CLI refuses only text that is not BMX1-shaped at
//         all (token-shape.ts), to say at once when a paste was cut short.
// request: asks the agent to record a request (`usb.exception.request`, as the seat user),
//         which its sync module sends to the console; says where the request goes from there.

import { createPrivateKey, type KeyObject } from 'node:crypto';
import { appendFileSync, closeSync, openSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { renderUnicodeCompact } from 'uqr';
import { v7 as uuidv7 } from 'uuid';
import {
  type ErrorCode,
  EXCEPTION_REQUEST_CODES,
  isExceptionRefusal,
} from '../../core/codes/index.js';
import { BaomiError, isBaomiError } from '../../core/errors.js';
import type { Json } from '../../core/events/types.js';
import { normaliseDevice } from '../../core/exceptions/fields.js';
import {
  type ExceptionPayload,
  encodeToken,
  isDeviceId,
  isHostName,
  isUserName,
  MAX_WINDOW_DAYS,
  MAX_WINDOW_MS,
  parseToken,
  privateKeyFingerprint,
  reasonProblem,
  tokenFingerprint,
} from '../../core/exceptions/token.js';
import { tokenShape } from '../../core/exceptions/token-shape.js';
import { parseDuration, parseRfc3339 } from '../../core/policy/units.js';
import type { StatusResult } from '../../core/protocol/messages.js';
import type { ActiveException } from '../../core/usb/types.js';
import type { AgentConnection } from '../../ipc/index.js';
import { osName, readPlaces } from '../../platform/paths.js';
import type { CommandContext } from '../context.js';
import { jsonLine } from '../printable.js';
import { readInput } from '../read-input.js';
import { reachable } from '../source.js';
import { localMoment } from '../time.js';
import { writeKeyPair } from './policy-keygen.js';

export const ISSUANCE_LOG = 'exceptions-issued.log';

export async function keygen(
  { t }: CommandContext,
  name: string,
  o: { out?: string },
): Promise<number> {
  const { keyFile, pubFile } = writeKeyPair(name, o.out);
  process.stdout.write(`${t('cli.exception.keygenDone', { key: keyFile, pub: pubFile })}\n`);
  return 0;
}

export interface IssueOptions {
  device: string;
  user: string;
  for: string;
  from?: string;
  host?: string;
  reason: string;
  key: string;
  out?: string;
  log?: string;
  /** false with --no-qr. */
  qr?: boolean;
}

export async function issue({ t }: CommandContext, o: IssueOptions): Promise<number> {
  const now = Date.now();
  const payload = issuePayload(o, now);
  const keyFile = resolve(o.key);
  const key = readExceptionKey(keyFile);
  const token = encodeToken(payload, key);
  const fingerprint = tokenFingerprint(token);
  const outFile = resolve(o.out ?? `${payload.id}.bmx`);
  const logFile = resolve(o.log ?? join(dirname(keyFile), ISSUANCE_LOG));

  // The token file is claimed first (never overwritten), the issuance recorded next, and
  // only then is the token written and shown.
  let fd: number;
  try {
    fd = openSync(outFile, 'wx', 0o600);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EEXIST')
      throw new BaomiError('EXCEPTION_ISSUE_FILE_EXISTS', { file: outFile }, 2);
    throw new BaomiError('CLI_WRITE_FAILED', { file: outFile, reason: err.code ?? err.message }, 1);
  }
  try {
    const record = issuanceRecord(payload, now, keyFile, key, fingerprint, outFile);
    try {
      appendFileSync(logFile, `${JSON.stringify(record)}\n`, { mode: 0o600 });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new BaomiError(
        'CLI_WRITE_FAILED',
        { file: logFile, reason: err.code ?? err.message },
        1,
      );
    }
    writeSync(fd, `${token}\n`);
  } catch (e) {
    closeSync(fd);
    unlinkSync(outFile);
    throw e;
  }
  closeSync(fd);

  process.stdout.write(`${token}\n`);
  const summary = {
    id: payload.id,
    device: payload.device,
    user: payload.user,
    host: payload.host ?? t('cli.exception.anyHost'),
    from: localMoment(payload.notBefore),
    until: localMoment(payload.notAfter),
  };
  process.stderr.write(`${t('cli.exception.issued', summary)}\n`);
  process.stderr.write(`${t('cli.exception.reason', { reason: payload.reason })}\n`);
  const name = basename(outFile);
  process.stderr.write(
    `${t('cli.exception.written', { file: outFile, log: logFile, user: payload.user, name })}\n`,
  );
  if (o.qr !== false && process.stdout.isTTY) showQr(t, token);
  return 0;
}

/** The payload from the flags, each checked with a message that names the flag. */
export function issuePayload(o: IssueOptions, now: number): ExceptionPayload {
  const device = normaliseDevice(o.device);
  if (!isDeviceId(device))
    throw new BaomiError('EXCEPTION_ISSUE_BAD_DEVICE', { value: o.device }, 2);
  if (!isUserName(o.user)) throw new BaomiError('EXCEPTION_ISSUE_BAD_USER', { value: o.user }, 2);
  if (o.host !== undefined && !isHostName(o.host))
    throw new BaomiError('EXCEPTION_ISSUE_BAD_HOST', { value: o.host }, 2);
  const reason = reasonProblem(o.reason);
  if (reason?.code === 'EXCEPTION_BAD_FIELD')
    throw new BaomiError('EXCEPTION_ISSUE_BAD_REASON', {}, 2);
  if (reason) throw new BaomiError(reason.code, reason.params, 2);
  const span = parseDuration(o.for);
  if (span === null) throw new BaomiError('EXCEPTION_ISSUE_BAD_DURATION', { value: o.for }, 2);
  if (span > MAX_WINDOW_MS)
    throw new BaomiError(
      'EXCEPTION_WINDOW_TOO_LONG',
      { days: Math.ceil(span / 86_400_000), maxDays: MAX_WINDOW_DAYS },
      2,
    );
  const notBefore = o.from === undefined ? now : parseRfc3339(o.from);
  if (notBefore === null)
    throw new BaomiError('EXCEPTION_ISSUE_BAD_FROM', { value: o.from ?? '' }, 2);
  const notAfter = notBefore + span;
  if (notAfter <= now)
    throw new BaomiError('EXCEPTION_ISSUE_ENDED', { notAfter: localMoment(notAfter) }, 2);
  return {
    id: uuidv7(),
    device,
    user: o.user,
    ...(o.host !== undefined ? { host: o.host } : {}),
    notBefore,
    notAfter,
    reason: o.reason,
  };
}

/**
 * The private key, refused when anyone but its owner may read or change it: whoever reads it
 * opens USB ports on every computer that trusts it (Windows has no such mode bits to check).
 */
function readExceptionKey(file: string): KeyObject {
  const pem = readInput(file, 64 * 1024);
  const mode = statSync(file).mode & 0o777;
  if (process.platform !== 'win32' && mode & 0o077)
    throw new BaomiError(
      'EXCEPTION_ISSUE_KEY_READABLE',
      { file, mode: mode.toString(8).padStart(4, '0') },
      2,
    );
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new BaomiError('EXCEPTION_ISSUE_BAD_KEY', { file }, 2);
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new BaomiError('EXCEPTION_ISSUE_BAD_KEY', { file }, 2);
  return key;
}

/** One line of the issuance log: everything about the token but the token. */
function issuanceRecord(
  p: ExceptionPayload,
  now: number,
  keyFile: string,
  key: KeyObject,
  fingerprint: string,
  file: string,
): Record<string, Json> {
  const sudoUser = process.env.SUDO_USER;
  return {
    issuedAt: new Date(now).toISOString(),
    issuer: issuer(),
    ...(sudoUser ? { sudoUser } : {}),
    id: p.id,
    device: p.device,
    user: p.user,
    ...(p.host !== undefined ? { host: p.host } : {}),
    notBefore: new Date(p.notBefore).toISOString(),
    notAfter: new Date(p.notAfter).toISOString(),
    reason: p.reason,
    key: keyFile,
    keyFingerprint: privateKeyFingerprint(key),
    tokenFingerprint: fingerprint,
    file,
  };
}

function issuer(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}

/** The token as a QR code, when the terminal is wide enough to show it whole. */
function showQr(t: CommandContext['t'], token: string): void {
  const qr = renderUnicodeCompact(token, { ecc: 'L', border: 2 });
  const width = Math.max(...qr.split('\n').map((l) => l.length));
  const columns = process.stdout.columns ?? 80;
  if (width > columns) {
    process.stderr.write(`${t('cli.exception.qrSkipped', { width, columns })}\n`);
    return;
  }
  process.stdout.write(`${qr}\n`);
}

export async function redeem(
  { t }: CommandContext,
  tokenArg: string | undefined,
  o: { file?: string; socket?: string; json?: boolean },
): Promise<number> {
  if ((tokenArg === undefined) === (o.file === undefined))
    throw new BaomiError('EXCEPTION_REDEEM_NO_TOKEN', {}, 2);
  const text = tokenArg ?? readInput(o.file!, 64 * 1024).toString('utf8');
  // Only what is no token at all is refused here (token-shape.ts); the agent verifies the
  // rest, and records each refusal.
  const shape = tokenShape(text);
  if (!shape.ok) throw new BaomiError(shape.code, shape.params, 2);
  const conn = await connect(o.socket, 'EXCEPTION_REDEEM_NO_AGENT');
  let exception: ActiveException;
  try {
    ({ exception } = await conn.request('usb.exception.redeem', { token: shape.compact }));
  } catch (e) {
    if (!isBaomiError(e)) throw e;
    if (e.code === 'PROTOCOL_UNKNOWN_TYPE' || e.code === 'PROTOCOL_UNSUPPORTED') {
      // An agent without exceptions cannot judge it: say what is wrong with it here, if
      // anything, else that it stays valid.
      const parsed = parseToken(shape.compact);
      if (!parsed.ok) throw new BaomiError(parsed.code, localTimes(parsed.params), 2);
      throw new BaomiError('EXCEPTION_REDEEM_UNSUPPORTED', {
        socket: conn.socket,
        until: localMoment(parsed.token.payload.notAfter),
      });
    }
    // A refusal is about the token (bad input): exit 2.
    if (isExceptionRefusal(e.code)) throw new BaomiError(e.code, localTimes(e.params), 2);
    throw e;
  } finally {
    conn.close();
  }
  if (o.json) {
    process.stdout.write(`${jsonLine({ exception })}\n`);
    return 0;
  }
  const lines = [
    t('cli.exception.redeemed', {
      device: exception.device,
      user: exception.user,
      from: localMoment(exception.notBefore),
      until: localMoment(exception.notAfter),
    }),
    t('cli.exception.reason', { reason: exception.reason }),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** Refusals carry RFC 3339 UTC times; people read local time with its zone. */
function localTimes(params: Record<string, Json>): Record<string, Json> {
  const out: Record<string, Json> = { ...params };
  for (const k of ['notBefore', 'notAfter', 'newest', 'at']) {
    const v = params[k];
    const ms = typeof v === 'string' ? Date.parse(v) : Number.NaN;
    if (Number.isFinite(ms)) out[k] = localMoment(ms);
  }
  return out;
}

/**
 * The agent to ask: `--socket`, or the places `events` and `status` try, sockets only (a data
 * dir cannot redeem): admin.sock (root, and the owner of a development agent) may redeem for
 * anyone, agent.sock only for the seat user's own tokens.
 */
async function connect(
  socket: string | undefined,
  none: 'EXCEPTION_REDEEM_NO_AGENT' | 'EXCEPTION_REQUEST_NO_AGENT',
): Promise<AgentConnection> {
  if (socket) {
    const conn = await reachable(socket);
    if (typeof conn !== 'string') return conn;
    throw new BaomiError(none, { tried: [{ place: socket, reason: conn }] });
  }
  const places = readPlaces(
    osName(process.platform),
    process.getuid?.() ?? -1,
    process.env,
    homedir(),
  );
  const tried: { place: string; reason: string }[] = [];
  for (const p of places) {
    if (p.kind !== 'socket') continue;
    const conn = await reachable(p.path);
    if (typeof conn !== 'string') return conn;
    tried.push({ place: p.path, reason: conn });
  }
  throw new BaomiError(none, { tried });
}

const REQUEST_REFUSALS: ReadonlySet<string> = new Set<string>([
  ...EXCEPTION_REQUEST_CODES,
  'EXCEPTION_REASON_TOO_LONG',
  'PROTOCOL_SEAT_REQUIRED',
]);

/**
 * `baomi exception request --device ID --reason TEXT`: recorded by the agent as the seat
 * user's request (agent.sock with the seat token; on admin.sock, for whoever is at the
 * console). Where it goes next is said from the agent's sync state.
 */
export async function request(
  { t }: CommandContext,
  o: { device: string; reason: string; socket?: string; json?: boolean },
): Promise<number> {
  const device = normaliseDevice(o.device);
  // Said here at once; the agent checks both again.
  if (!isDeviceId(device))
    throw new BaomiError('EXCEPTION_REQUEST_BAD_DEVICE', { value: o.device }, 2);
  const reason = reasonProblem(o.reason);
  if (reason?.code === 'EXCEPTION_REASON_TOO_LONG')
    throw new BaomiError(reason.code, reason.params, 2);
  if (reason) throw new BaomiError('EXCEPTION_REQUEST_BAD_REASON', {}, 2);
  const conn = await connect(o.socket, 'EXCEPTION_REQUEST_NO_AGENT');
  let requestId: string;
  let sync: StatusResult['sync'];
  try {
    try {
      ({ requestId } = await conn.request('usb.exception.request', { device, reason: o.reason }));
    } catch (e) {
      if (isBaomiError(e) && REQUEST_REFUSALS.has(e.code))
        throw new BaomiError(e.code as ErrorCode, e.params as Record<string, Json>, 2);
      throw e;
    }
    sync = (await conn.request('status', {})).sync;
  } finally {
    conn.close();
  }
  const route = !sync?.console ? 'local' : sync.enrolled === false ? 'notEnrolled' : 'console';
  if (o.json) {
    process.stdout.write(
      `${jsonLine({ requestId, device, route, console: sync?.console ?? null })}\n`,
    );
    return 0;
  }
  const lines = [
    t('cli.exception.requested', { id: requestId, device }),
    t(`cli.exception.requestRoute.${route}`, { console: sync?.console ?? '' }),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
