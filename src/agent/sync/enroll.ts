// `baomi enroll`'s work (the command in src/cli/commands/enroll.ts prints): make this agent's
// Ed25519 key pair, present the public half and the enrollment token to the console, and keep
// what it answers: the private key and enrollment.json in the data dir (0600, dir 0700), the
// console's exception key pinned in `<trustDir>/exceptions/console.pub`.
//
// SECURITY, in order:
// - http:// only to this computer: elsewhere the token and every event would cross the
//   network in clear, and anyone on the path could pose as the console;
// - `--ca FILE`: that certificate is the only trust anchor for the console, now and for every
//   later sync (kept in enrollment.json);
// - everything is checked before anything is written; enrollment.json is written last, so a
//   half-done enrollment never looks like an enrollment;
// - a different exception key already pinned is never replaced silently (that key decides
//   who may open USB ports here): refused unless --replace-exception-key.
import { createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BaomiError } from '../../core/errors.js';
import { keyFingerprint } from '../../core/exceptions/token.js';
import { ENROLL_PATH, WIRE_VERSION } from '../../core/sync/agent-wire.js';
import type { EnrollRequest } from '../../core/sync/wire.js';
import {
  agentKeyFile,
  type Enrollment,
  enrollmentFile,
  parseEnrollment,
  writePrivateFile,
} from './enrollment.js';
import { postBytes, type Transport, TransportError } from './http.js';
import { parseEnrollResponse, parseWireError } from './response.js';

/** The file the console's exception key is pinned in, under `<trustDir>/exceptions/`. */
export const CONSOLE_KEY_NAME = 'console.pub';

export interface EnrollOptions {
  console: string;
  token: string;
  /** PEM text of the certificate to pin (read from --ca by the caller). */
  ca?: { file: string; pem: string };
  dataDir: string;
  trustDir: string;
  force?: boolean;
  replaceExceptionKey?: boolean;
  host: string;
  os: EnrollRequest['os'];
  agentVersion: string;
  now: number;
  transport?: Transport;
}

export interface EnrollResult {
  enrollment: Enrollment;
  enrollmentFile: string;
  keyFile: string;
  exceptionKeyFile: string;
  /** What happened to the pinned exception key. */
  exceptionKey: 'pinned' | 'unchanged' | 'replaced';
}

/** The console's base URL, checked: https anywhere, http only on this computer. */
export function consoleUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new BaomiError('ENROLL_BAD_URL', { url: text }, 2);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new BaomiError('ENROLL_BAD_URL', { url: text }, 2);
  if (url.username || url.password || url.search || url.hash)
    throw new BaomiError('ENROLL_BAD_URL', { url: text }, 2);
  if (url.protocol === 'http:' && !isLoopback(url.hostname))
    throw new BaomiError('ENROLL_INSECURE_URL', { host: url.hostname }, 2);
  return url;
}

/** localhost, 127.0.0.0/8 and ::1: this computer, where no one else is on the path. */
export function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** A route under the console's base URL (which may carry a path prefix). */
export function routeUrl(base: URL | string, route: string): URL {
  const b = new URL(base);
  b.pathname = `${b.pathname.replace(/\/+$/, '')}${route}`;
  return b;
}

/** The certificate file given as --ca: PEM, at least one certificate that parses. */
export function readCa(file: string): { file: string; pem: string } {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new BaomiError('ENROLL_BAD_CA', { file, reason: err.code ?? err.message }, 2);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----'))
    throw new BaomiError('ENROLL_BAD_CA', { file, reason: 'no PEM certificate in it' }, 2);
  try {
    new X509Certificate(pem);
  } catch (e) {
    throw new BaomiError('ENROLL_BAD_CA', { file, reason: (e as Error).message }, 2);
  }
  return { file, pem };
}

export async function enroll(o: EnrollOptions): Promise<EnrollResult> {
  const url = consoleUrl(o.console);
  if (o.ca && url.protocol !== 'https:')
    throw new BaomiError(
      'ENROLL_BAD_CA',
      { file: o.ca.file, reason: 'a certificate is pinned for https:// only' },
      2,
    );
  const enrollmentPath = enrollmentFile(o.dataDir);
  if (existsSync(enrollmentPath) && !o.force) {
    let before: { console: string; agentId: string; at: string } = {
      console: '?',
      agentId: '?',
      at: '?',
    };
    try {
      const e = parseEnrollment(readFileSync(enrollmentPath, 'utf8'));
      before = { console: e.console, agentId: e.agentId, at: new Date(e.enrolledAt).toISOString() };
    } catch {
      // unreadable: still enrolled as far as the sync module is concerned; --force replaces it
    }
    throw new BaomiError('ENROLL_ALREADY', before, 2);
  }

  const pair = generateKeyPairSync('ed25519');
  const privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const request: EnrollRequest = {
    v: WIRE_VERSION,
    token: o.token,
    host: o.host,
    os: o.os,
    agentVersion: o.agentVersion,
    publicKey: publicPem,
  };
  const send = o.transport ?? postBytes;
  let answer: Awaited<ReturnType<Transport>>;
  try {
    answer = await send(
      routeUrl(url, ENROLL_PATH),
      Buffer.from(JSON.stringify(request)),
      {},
      {
        ...(o.ca ? { ca: o.ca.pem } : {}),
        timeoutMs: 30_000,
        maxResponseBytes: 64 * 1024,
      },
    );
  } catch (e) {
    const reason = e instanceof TransportError ? e.reason : String(e);
    throw new BaomiError('ENROLL_UNREACHABLE', { url: url.href, reason }, 1);
  }
  if (answer.status === 401 || answer.status === 403) {
    const err = parseWireError(answer.body);
    throw new BaomiError(
      'ENROLL_REFUSED',
      { status: answer.status, message: err.message ?? err.error ?? '' },
      1,
    );
  }
  if (answer.status < 200 || answer.status > 299) {
    const err = parseWireError(answer.body);
    throw new BaomiError(
      'ENROLL_FAILED',
      { status: answer.status, message: err.message ?? err.error ?? '' },
      1,
    );
  }
  const parsed = parseEnrollResponse(answer.body);
  if (!parsed.ok)
    throw new BaomiError('ENROLL_BAD_RESPONSE', { url: url.href, reason: parsed.reason }, 1);
  const r = parsed.value;
  let given: string;
  try {
    const k = createPublicKey(r.exceptionKey);
    if (k.asymmetricKeyType !== 'ed25519') throw new Error('not Ed25519');
    given = keyFingerprint(r.exceptionKey) ?? '';
    if (!given) throw new Error('unreadable');
  } catch (e) {
    throw new BaomiError(
      'ENROLL_BAD_RESPONSE',
      { url: url.href, reason: `exceptionKey: ${(e as Error).message}` },
      1,
    );
  }

  // The exception key: checked before anything is written.
  const exceptionsDir = join(o.trustDir, 'exceptions');
  const exceptionKeyFile = join(exceptionsDir, CONSOLE_KEY_NAME);
  let exceptionKey: EnrollResult['exceptionKey'] = 'pinned';
  if (existsSync(exceptionKeyFile)) {
    let existing: string | null = null;
    try {
      existing = keyFingerprint(readFileSync(exceptionKeyFile, 'utf8'));
    } catch {
      // unreadable counts as different
    }
    if (existing === given) exceptionKey = 'unchanged';
    else if (!o.replaceExceptionKey)
      throw new BaomiError(
        'ENROLL_KEY_CONFLICT',
        { file: exceptionKeyFile, existing: existing ?? '?', given, agentId: r.agentId },
        1,
      );
    else exceptionKey = 'replaced';
  }

  const enrollment: Enrollment = {
    v: 1,
    console: url.href.replace(/\/+$/, ''),
    agentId: r.agentId,
    group: r.group,
    exceptionSecret: r.exceptionSecret,
    ...(o.ca ? { ca: o.ca.pem } : {}),
    enrolledAt: o.now,
  };
  const keyFile = agentKeyFile(o.dataDir);
  const write = (file: string, f: () => void) => {
    try {
      f();
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new BaomiError('ENROLL_WRITE_FAILED', { file, reason: err.code ?? err.message }, 1);
    }
  };
  write(o.dataDir, () => {
    mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
    // The secret and the key live here: root's (or the agent user's) alone.
    chmodSync(o.dataDir, 0o700);
  });
  write(keyFile, () => writePrivateFile(keyFile, privatePem));
  if (exceptionKey !== 'unchanged')
    write(exceptionKeyFile, () => {
      // 0755 folders and a 0644 file owned by whoever enrolls (root on a workstation): the
      // trust rules (policy/trust.ts) accept nothing others could replace.
      mkdirSync(exceptionsDir, { recursive: true, mode: 0o755 });
      writePrivateFile(exceptionKeyFile, r.exceptionKey);
      chmodSync(exceptionKeyFile, 0o644);
    });
  write(enrollmentPath, () =>
    writePrivateFile(enrollmentPath, `${JSON.stringify(enrollment, null, 2)}\n`),
  );
  return { enrollment, enrollmentFile: enrollmentPath, keyFile, exceptionKeyFile, exceptionKey };
}
