// The key/value `state` table. Plain functions over a Db so they can also run as an
// append's effect (e.g. record a policy atomically with its `policy.applied` event).
import type { Db, StoredPolicy } from './types.js';

export const ACKED_SEQ_KEY = 'sync.ackedSeq';
const POLICY_KEYS = {
  bytes: 'policy.bytes',
  signature: 'policy.signature',
  version: 'policy.version',
  sha256: 'policy.sha256',
} as const;

type Value = string | number | Buffer | null;

export function readState(db: Db, key: string): Value | undefined {
  const row = db.prepare('SELECT value FROM state WHERE key = ?').get(key) as
    | { value: Value }
    | undefined;
  return row?.value;
}

export function writeState(db: Db, key: string, value: Value): void {
  db.prepare(
    'INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(key, value);
}

export function readAckedSeq(db: Db): number {
  const v = readState(db, ACKED_SEQ_KEY);
  return typeof v === 'number' ? v : 0;
}

export function readPolicy(db: Db): StoredPolicy | undefined {
  const bytes = readState(db, POLICY_KEYS.bytes);
  const signature = readState(db, POLICY_KEYS.signature);
  const version = readState(db, POLICY_KEYS.version);
  const sha256 = readState(db, POLICY_KEYS.sha256);
  if (!Buffer.isBuffer(bytes) || !Buffer.isBuffer(signature)) return undefined;
  if (typeof version !== 'number' || typeof sha256 !== 'string') return undefined;
  return { bytes, signature, version, sha256 };
}

/** Writes the four keys in one transaction (nested as a savepoint when inside one). */
export function writePolicy(db: Db, p: StoredPolicy): void {
  db.transaction(() => {
    writeState(db, POLICY_KEYS.bytes, p.bytes);
    writeState(db, POLICY_KEYS.signature, p.signature);
    writeState(db, POLICY_KEYS.version, p.version);
    writeState(db, POLICY_KEYS.sha256, p.sha256);
  })();
}
