// `baomi policy sign --key NAME.key FILE`: writes FILE.sig, the base64 Ed25519 signature over
// FILE's exact bytes. The policy is validated first, against the clock too (or --at): signing
// a policy every agent would refuse only hides the mistake until it is deployed.
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { BaomiError } from '../../core/errors.js';
import { signPolicy } from '../../core/policy/signature.js';
import type { CommandContext } from '../context.js';
import { readInput } from '../read-input.js';
import { checkMoment, printIssues, validateBytes } from './policy-validate.js';

export default async function sign(
  ctx: CommandContext,
  file: string,
  o: { key: string; at?: string },
): Promise<number> {
  const now = checkMoment(o.at);
  const bytes = readInput(file);
  const keyPem = readInput(o.key).toString('utf8');
  const result = validateBytes(bytes, now);
  if (!result.ok) {
    printIssues(ctx, file, result.issues);
    return 2;
  }
  printIssues(ctx, file, result.warnings, 'warning');
  const sig = signPolicy(bytes, keyPem); // POLICY_KEY_INVALID (exit 2) for anything but Ed25519
  const sigFile = `${file}.sig`;
  // Written beside it and renamed over it: a symlink at FILE.sig is replaced, never followed
  // (root signing in a shared folder must not overwrite whatever someone pointed it at).
  const temp = `${sigFile}.${randomBytes(8).toString('hex')}.tmp`;
  let made = false;
  try {
    writeFileSync(temp, sig, { flag: 'wx', mode: 0o644 });
    made = true;
    renameSync(temp, sigFile);
  } catch (e) {
    if (made) rmSync(temp, { force: true }); // never a file this run did not create
    const err = e as NodeJS.ErrnoException;
    throw new BaomiError('CLI_WRITE_FAILED', { file: sigFile, reason: err.code ?? err.message }, 1);
  }
  process.stdout.write(`${ctx.t('cli.sign.done', { sig: sigFile })}\n`);
  return 0;
}
