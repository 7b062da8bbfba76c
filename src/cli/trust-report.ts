// What the CLI says about a trust dir before it uses it. Its own small file: `baomi agent`
// imports it, and must not load the policy parser (zod, yaml) into the resident process.
import type { TrustDirReport } from '../agent/policy/trust.js';
import type { CommandContext } from './context.js';

/** Keys found but not trusted, and a trust dir that is really its policy/ folder: named. */
export function printTrustProblems(
  ctx: CommandContext,
  trustDir: string,
  report: TrustDirReport,
): void {
  for (const k of report.ignored) {
    process.stderr.write(
      `baomi: ${ctx.t(`cli.trust.keyIgnored.${k.writableBy}`, { file: k.file, mode: k.mode, folder: k.folder?.path ?? '', folderMode: k.folder?.mode ?? '' })}\n`,
    );
  }
  if (report.policyDirItself) {
    process.stderr.write(
      `baomi: ${ctx.t('cli.trust.policyDirItself', { dir: trustDir, parent: report.policyDirItself.parent })}\n`,
    );
  }
}
