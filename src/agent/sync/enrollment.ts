// What `baomi enroll` leaves in the data dir and the sync module reads (issue 11):
// `<dataDir>/enrollment.json` (who this agent is at which console, and the pinned CA) and
// `<dataDir>/agent.key` (its Ed25519 private key, PKCS#8 PEM). Both mode 0600 in a 0700 data
// dir: the key is this agent's identity, the exception secret derives short codes.
//
// enrollment.json is written last, so its presence means enrolled: the sync module checks for
// it at every round (an agent enrolled while it runs starts sending without a restart).
import { createPrivateKey, type KeyObject } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

export const ENROLLMENT_FILE = 'enrollment.json';
export const AGENT_KEY_FILE = 'agent.key';

export interface Enrollment {
  v: 1;
  /** The console's base URL, as given to `baomi enroll --console`. */
  console: string;
  agentId: string;
  group: string;
  /** 32 random bytes, base64url (wire.ts EnrollResponse.exceptionSecret). */
  exceptionSecret: string;
  /** PEM of the certificate `--ca` pinned: HTTPS to the console trusts it alone. */
  ca?: string;
  /** ms since the epoch. */
  enrolledAt: number;
}

export type EnrollmentRead =
  | { state: 'absent' }
  | { state: 'ok'; enrollment: Enrollment; key: KeyObject; stamp: string }
  | { state: 'unreadable'; file: string; reason: string };

export function enrollmentFile(dataDir: string): string {
  return join(dataDir, ENROLLMENT_FILE);
}

export function agentKeyFile(dataDir: string): string {
  return join(dataDir, AGENT_KEY_FILE);
}

/** A stamp that changes when either file changes (re-read only then). */
export function enrollmentStamp(dataDir: string): string | null {
  const parts: string[] = [];
  for (const f of [enrollmentFile(dataDir), agentKeyFile(dataDir)]) {
    const st = statSync(f, { throwIfNoEntry: false, bigint: true });
    if (!st) return f === enrollmentFile(dataDir) ? null : 'no-key';
    parts.push(`${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`);
  }
  return parts.join('|');
}

/** Reads and checks both files; 'absent' when enrollment.json does not exist. */
export function readEnrollment(dataDir: string): EnrollmentRead {
  const stamp = enrollmentStamp(dataDir);
  if (stamp === null) return { state: 'absent' };
  const file = enrollmentFile(dataDir);
  let enrollment: Enrollment;
  try {
    enrollment = parseEnrollment(readFileSync(file, 'utf8'));
  } catch (e) {
    return { state: 'unreadable', file, reason: reasonOf(e) };
  }
  const keyFile = agentKeyFile(dataDir);
  try {
    const key = createPrivateKey(readFileSync(keyFile, 'utf8'));
    if (key.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 key');
    return { state: 'ok', enrollment, key, stamp };
  } catch (e) {
    return { state: 'unreadable', file: keyFile, reason: reasonOf(e) };
  }
}

/** enrollment.json's text → Enrollment; throws with a reason on anything else. */
export function parseEnrollment(text: string): Enrollment {
  const o = JSON.parse(text) as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || o.v !== 1) throw new Error('not version 1');
  const str = (k: string) => {
    const v = o[k];
    if (typeof v !== 'string' || v === '') throw new Error(`"${k}" missing`);
    return v;
  };
  const url = str('console');
  if (!URL.canParse(url)) throw new Error('"console" is not a URL');
  if (o.ca !== undefined && typeof o.ca !== 'string') throw new Error('"ca" is not PEM text');
  if (!Number.isSafeInteger(o.enrolledAt)) throw new Error('"enrolledAt" missing');
  return {
    v: 1,
    console: url,
    agentId: str('agentId'),
    group: str('group'),
    exceptionSecret: str('exceptionSecret'),
    ...(typeof o.ca === 'string' ? { ca: o.ca } : {}),
    enrolledAt: o.enrolledAt as number,
  };
}

/**
 * Writes `text` to `file` readable by its owner only: a temporary file beside it (0600 from
 * its creation, fsync'd), then renamed over it, so a reader sees the old or the new, whole.
 */
export function writePrivateFile(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  chmodSync(tmp, 0o600); // whatever the umask or an older file of that name said
  renameSync(tmp, file);
}

function reasonOf(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ?? err.message ?? String(e);
}
