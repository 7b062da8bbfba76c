// `baomi policy validate FILE [--trust-dir DIR]`: the schema first; then, with a trust dir,
// the signature against DIR/policy/*.pub. Every problem is printed as FILE:LINE:COL: message,
// in the person's language, saying what to do. Exit 2 when the policy would be refused.
import { join } from 'node:path';
import { createLogger } from '../../agent/log.js';
import { loadTrustedKeys } from '../../agent/policy/trust.js';
import { parsePolicyBytes } from '../../core/policy/parse.js';
import { verifyPolicySignature } from '../../core/policy/signature.js';
import type { ParseResult, PolicyIssue } from '../../core/policy/types.js';
import type { CommandContext } from '../context.js';
import { readInput } from '../read-input.js';

export function validateBytes(bytes: Uint8Array): ParseResult {
  return parsePolicyBytes(bytes);
}

export function printIssues(
  ctx: CommandContext,
  file: string,
  issues: readonly PolicyIssue[],
): void {
  for (const i of issues) {
    const message = ctx.t(i.code, { ...i.params, line: i.line, col: i.col, path: i.path });
    process.stderr.write(
      `${ctx.t('cli.validate.error', { file, line: i.line, col: i.col, message })}\n`,
    );
  }
}

export default async function validate(
  ctx: CommandContext,
  file: string,
  o: { trustDir?: string; json?: boolean },
): Promise<number> {
  const bytes = readInput(file);
  const parsed = validateBytes(bytes);
  if (!parsed.ok) {
    if (o.json)
      process.stdout.write(`${JSON.stringify({ ok: false, file, issues: parsed.issues })}\n`);
    printIssues(ctx, file, parsed.issues);
    return 2;
  }
  const { name, version } = parsed.policy;
  if (!o.trustDir) {
    if (o.json) process.stdout.write(`${JSON.stringify({ ok: true, file, name, version })}\n`);
    else process.stdout.write(`${ctx.t('cli.validate.ok', { file, name, version })}\n`);
    return 0;
  }
  const trusted = loadTrustedKeys(o.trustDir, createLogger(null));
  const sigFile = `${file}.sig`;
  let sigText: Buffer | null = null;
  try {
    sigText = readInput(sigFile, 4096);
  } catch {
    sigText = null;
  }
  const check = verifyPolicySignature(bytes, sigText, trusted);
  if (!check.ok) {
    const params = {
      file,
      sig: sigFile,
      trustDir: o.trustDir,
      keysDir: join(o.trustDir, 'policy'),
    };
    if (o.json)
      process.stdout.write(
        `${JSON.stringify({ ok: false, file, issues: [{ code: check.code, params }] })}\n`,
      );
    process.stderr.write(
      `${ctx.t('cli.validate.errorNoPos', { file: sigFile, message: ctx.t(check.code, params) })}\n`,
    );
    return 2;
  }
  if (o.json)
    process.stdout.write(
      `${JSON.stringify({ ok: true, file, name, version, key: check.keyName })}\n`,
    );
  else
    process.stdout.write(
      `${ctx.t('cli.validate.okSigned', { file, name, version, key: check.keyName })}\n`,
    );
  return 0;
}
