import type { CommandContext } from '../context.js';
import { jsonLine } from '../printable.js';
import { openSource, type SourceOptions } from '../source.js';
import { describeBreaks } from '../verify-text.js';

/** Exit 0 when the chain is intact (and reaches chain.head), 1 when anything does not hold. */
export default async function verify(
  { t }: CommandContext,
  o: SourceOptions & { json?: boolean },
): Promise<number> {
  const source = await openSource(o, true);
  try {
    const r = await source.verify();
    if (o.json) process.stdout.write(`${jsonLine(r)}\n`);
    else if (r.ok && r.firstSeq === null) process.stdout.write(`${t('cli.verify.empty')}\n`);
    else if (r.ok) {
      process.stdout.write(
        `${t('cli.verify.ok', { checked: r.checked, first: r.firstSeq, last: r.lastSeq })}\n`,
      );
      if (r.tail === 'unchecked') process.stderr.write(`${t('cli.verify.tailUnchecked')}\n`);
    } else process.stderr.write(`${describeBreaks(t, r).join('\n')}\n`);
    return r.ok ? 0 : 1;
  } finally {
    source.close();
  }
}
