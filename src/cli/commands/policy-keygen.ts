// `baomi policy keygen NAME [--out DIR]`: NAME.key (PKCS#8 PEM, 0600) and NAME.pub (SPKI
// PEM). Never overwrites: losing a signing key to a typo would strand a fleet. `baomi
// exception keygen` makes its keys the same way (writeKeyPair).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BaomiError } from '../../core/errors.js';
import { generateKeyPair } from '../../core/policy/signature.js';
import type { CommandContext } from '../context.js';

export default async function keygen(
  { t }: CommandContext,
  name: string,
  o: { out?: string },
): Promise<number> {
  const { keyFile, pubFile } = writeKeyPair(name, o.out);
  process.stdout.write(`${t('cli.keygen.done', { key: keyFile, pub: pubFile })}\n`);
  return 0;
}

/** Writes a new Ed25519 pair NAME.key (0600) and NAME.pub into `out` (default: here). */
export function writeKeyPair(name: string, out = '.'): { keyFile: string; pubFile: string } {
  if (!/^[\w.-]{1,100}$/.test(name) || name.startsWith('.'))
    throw new BaomiError('CLI_BAD_KEY_NAME', { name }, 2);
  const dir = resolve(out);
  // A folder named for keys that is not there yet is created, closed to others: it will hold
  // a private key. (An existing folder keeps its mode: it is the person's choice.)
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    // A file (or a file on the way) where the folder should be: bad usage, said as such.
    if (err.code === 'EEXIST' || err.code === 'ENOTDIR')
      throw new BaomiError('CLI_OUT_NOT_FOLDER', { dir }, 2);
    throw new BaomiError('CLI_WRITE_FAILED', { file: dir, reason: err.code ?? err.message }, 1);
  }
  const keyFile = join(dir, `${name}.key`);
  const pubFile = join(dir, `${name}.pub`);
  const { privateKeyPem, publicKeyPem } = generateKeyPair();
  // 'wx' fails if the file exists: the check and the create are one step.
  writeNew(keyFile, privateKeyPem, 0o600);
  try {
    writeNew(pubFile, publicKeyPem, 0o644);
  } catch (e) {
    // Do not leave a private key whose public half was never written.
    rmSync(keyFile, { force: true });
    throw e;
  }
  return { keyFile, pubFile };
}

function writeNew(file: string, text: string, mode: number): void {
  try {
    writeFileSync(file, text, { flag: 'wx', mode });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EEXIST') throw new BaomiError('CLI_FILE_EXISTS', { file }, 2);
    throw new BaomiError('CLI_WRITE_FAILED', { file, reason: err.code ?? err.message }, 1);
  }
}
