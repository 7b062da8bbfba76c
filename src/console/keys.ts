// The console's exception key (DESIGN.md "Exception tokens"): it signs the BMX1 tokens of the
// requests staff approve. `<dataDir>/exception.key` (PKCS#8 PEM, 0600) is made at the first
// start, or `--exception-key FILE` names one made by `baomi exception keygen`. Its public half
// is handed to each agent at enrollment and pinned there (trust/exceptions/console.pub).
//
// SECURITY: the private key never leaves this process (not in logs, not in answers); a key
// file other users can read is refused, not silently used.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BaomiError } from '../core/errors.js';

export interface ExceptionKey {
  privateKey: KeyObject;
  /** SPKI PEM: what agents pin. */
  publicKeyPem: string;
  file: string;
  /** Made by this start (the first start of a data dir). */
  created: boolean;
}

export const EXCEPTION_KEY_FILE = 'exception.key';

/** Loads `file` (which must exist), or `<dataDir>/exception.key`, made when it is missing. */
export function loadExceptionKey(o: { dataDir: string; file?: string }): ExceptionKey {
  const file = o.file ?? join(o.dataDir, EXCEPTION_KEY_FILE);
  let created = false;
  if (o.file === undefined) created = createIfMissing(file);
  let pem: string;
  try {
    checkMode(file);
    pem = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof BaomiError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new BaomiError('CONSOLE_KEY_UNREADABLE', { file, reason: err.code ?? err.message });
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new BaomiError('CONSOLE_KEY_INVALID', { file });
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new BaomiError('CONSOLE_KEY_INVALID', { file });
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' });
  return { privateKey, publicKeyPem: publicKeyPem.toString(), file, created };
}

/** Writes a new key with O_EXCL: two consoles starting on one data dir keep the first. */
function createIfMissing(file: string): boolean {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  try {
    writeFileSync(file, pem, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EEXIST') return false;
    throw new BaomiError('CONSOLE_KEY_UNREADABLE', { file, reason: err.code ?? err.message });
  }
}

/** POSIX only: Windows has no mode bits (its ACLs are set by the installer). */
function checkMode(file: string): void {
  const st = statSync(file);
  if (process.platform === 'win32') return;
  if ((st.mode & 0o077) !== 0)
    throw new BaomiError('CONSOLE_KEY_UNSAFE', {
      file,
      mode: `0${(st.mode & 0o777).toString(8)}`,
    });
}
