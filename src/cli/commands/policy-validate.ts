// `baomi policy validate FILE [--trust-dir DIR]`: the schema first; then, with a trust dir,
// the signature against DIR/policy/*.pub. Every problem is printed as FILE:LINE:COL: message,
// in the person's language, saying what to do. Exit 2 when the policy would be refused.
import { join } from 'node:path';
import { readCapped } from '../../agent/policy/read.js';
import { inspectTrustDir } from '../../agent/policy/trust.js';
import { VERSION } from '../../agent/version.js';
import { BaomiError } from '../../core/errors.js';
import { policyTimeProblem } from '../../core/policy/judge.js';
import { locatePolicyPath, parsePolicyBytes } from '../../core/policy/parse.js';
import { verifyPolicySignature } from '../../core/policy/signature.js';
import type { ParseResult, PolicyIssue, TrustedKey } from '../../core/policy/types.js';
import { parseRfc3339 } from '../../core/policy/units.js';
import type { CommandContext } from '../context.js';
import { jsonLine } from '../printable.js';
import { readInput } from '../read-input.js';
import { withReason } from '../reason-words.js';
import { printTrustProblems } from '../trust-report.js';

/**
 * The schema, then the validity window at `now` (ms since the epoch) by the agent's own rule:
 * a policy every agent would refuse today is refused here too, pointing at issued/expires.
 */
export function validateBytes(bytes: Uint8Array, now: number): ParseResult {
  // Read as an agent of this version would: a policy for a newer agent says so.
  const parsed = parsePolicyBytes(bytes, { agentVersion: VERSION });
  if (!parsed.ok) return parsed;
  const time = policyTimeProblem(parsed.policy, now);
  if (!time) return parsed;
  const at = locatePolicyPath(bytes, time.key);
  return { ok: false, issues: [{ code: time.code, ...at, path: time.key, params: time.params }] };
}

/** `--at TIME` (RFC 3339, with its zone) or the clock. */
export function checkMoment(at: string | undefined): number {
  if (at === undefined) return Date.now();
  const ms = parseRfc3339(at);
  if (ms === null) throw new BaomiError('CLI_BAD_AT', { value: at }, 2);
  return ms;
}

export function printIssues(
  ctx: CommandContext,
  file: string,
  issues: readonly PolicyIssue[],
  kind: 'error' | 'warning' = 'error',
): void {
  for (const i of issues) {
    const message = ctx.t(i.code, { ...i.params, line: i.line, col: i.col, path: i.path });
    process.stderr.write(
      `${ctx.t(`cli.validate.${kind}`, { file, line: i.line, col: i.col, message })}\n`,
    );
  }
}

type SigCheck =
  | { ok: true; keyName: string }
  | { ok: false; code: string; params?: Record<string, string> };

/**
 * FILE.sig read as the agent reads it (at most 4 KiB: a longer file is malformed there too),
 * except that what only this command's user cannot see is said as such: a signature the
 * agent (root) may read but this account cannot is not "no signature", and an empty file is
 * named, not taken for a missing one.
 */
function signatureCheck(bytes: Buffer, sigFile: string, trusted: TrustedKey[]): SigCheck {
  const sig = readCapped(sigFile, 4096);
  if (!sig.ok && sig.code !== 'POLICY_FILE_MISSING')
    return { ok: false, code: 'CLI_READ_FAILED', params: { file: sigFile, reason: sig.reason } };
  if (sig.ok && sig.bytes.toString('utf8').trim() === '')
    return { ok: false, code: 'CLI_SIG_EMPTY' };
  return verifyPolicySignature(bytes, sig.ok ? sig.bytes : null, trusted);
}

export default async function validate(
  ctx: CommandContext,
  file: string,
  o: { trustDir?: string; json?: boolean; at?: string },
): Promise<number> {
  const now = checkMoment(o.at);
  const bytes = readInput(file);
  const parsed = validateBytes(bytes, now);
  if (!parsed.ok) {
    if (o.json) process.stdout.write(`${jsonLine({ ok: false, file, issues: parsed.issues })}\n`);
    printIssues(ctx, file, parsed.issues);
    return 2;
  }
  const { name, version } = parsed.policy;
  // Keys newer than the minAgentVersion the policy names: agents it admits would refuse them.
  printIssues(ctx, file, parsed.warnings, 'warning');
  const warnings = parsed.warnings.length > 0 ? { warnings: parsed.warnings } : {};
  const atIso = new Date(now).toISOString().replace('.000Z', 'Z');
  // The moment it was checked against, when it is not now: "valid" means valid then.
  const at = o.at === undefined ? '' : ctx.t('cli.validate.at', { at: atIso });
  const atJson = o.at === undefined ? {} : { at: atIso };
  if (!o.trustDir) {
    if (o.json)
      process.stdout.write(
        `${jsonLine({ ok: true, file, name, version, ...atJson, ...warnings })}\n`,
      );
    else process.stdout.write(`${ctx.t('cli.validate.ok', { file, name, version, at })}\n`);
    return 0;
  }
  const trust = inspectTrustDir(o.trustDir);
  printTrustProblems(ctx, o.trustDir, trust);
  const trusted = trust.keys;
  const sigFile = `${file}.sig`;
  const check = signatureCheck(bytes, sigFile, trusted);
  if (!check.ok) {
    const params = {
      file,
      sig: sigFile,
      trustDir: o.trustDir,
      keysDir: join(o.trustDir, 'policy'),
      ...check.params,
    };
    if (o.json)
      process.stdout.write(
        `${jsonLine({ ok: false, file, issues: [{ code: check.code, params }] })}\n`,
      );
    // Keys were there but none could be trusted: each was named above with its fix, so "no
    // key is installed" would read as a contradiction.
    const ignored = check.code === 'POLICY_SIG_NO_TRUSTED_KEYS' ? trust.ignored.length : 0;
    const message =
      ignored > 0
        ? ctx.t('cli.validate.noUsableKey', { count: ignored, keysDir: params.keysDir })
        : ctx.t(check.code, withReason(ctx.t, params));
    process.stderr.write(`${ctx.t('cli.validate.errorNoPos', { file: sigFile, message })}\n`);
    return 2;
  }
  if (o.json)
    process.stdout.write(
      `${jsonLine({ ok: true, file, name, version, key: check.keyName, ...atJson, ...warnings })}\n`,
    );
  else
    process.stdout.write(
      `${ctx.t('cli.validate.okSigned', { file, name, version, key: check.keyName, at })}\n`,
    );
  return 0;
}
