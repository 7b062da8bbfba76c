// `baomi policy status`: "why was my policy refused?" The policy in force and the last refusal
// recorded since it applied, from the same `status` answer `baomi status` reads (the running
// agent, or a data dir read-only), rendered by the one source for refusal text.

import { policyRejectionProblems } from '../../core/policy/rejection.js';
import type { CommandContext } from '../context.js';
import { jsonLine } from '../printable.js';
import { openSource, type SourceOptions } from '../source.js';
import { rejectionData, rejectionLine } from './status.js';

export default async function policyStatus(
  { t, lang }: CommandContext,
  o: SourceOptions & { json?: boolean },
): Promise<number> {
  const source = await openSource(o);
  try {
    const s = await source.status();
    const rejected = s.policyRejected ?? null;
    if (o.json) {
      process.stdout.write(`${jsonLine({ policy: s.policy, policyRejected: rejected })}\n`);
      return 0;
    }
    const lines = [
      s.policy ? t('cli.status.policy', s.policy) : t('cli.status.noPolicy'),
      rejected ? rejectionLine(t, lang, rejected) : t('cli.policyStatus.noRejection'),
    ];
    if (rejected) {
      // Every problem the event kept, so IT fixes them in one go (the first is above).
      const { lines: problems, more } = policyRejectionProblems(lang, rejectionData(rejected));
      for (const text of problems.slice(1)) lines.push(t('cli.policyStatus.problem', { text }));
      if (more > 0)
        lines.push(t('cli.policyStatus.moreProblems', { count: more, file: rejected.file }));
      if (rejected.file) lines.push(t('cli.policyStatus.file', { file: rejected.file }));
      lines.push(t('cli.policyStatus.hint'));
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    source.close();
  }
}
