import type { CommandContext } from '../context.js';
import { openSource, type SourceOptions } from '../source.js';
import { describeBreak } from '../verify-text.js';

/** Exit 0 when the chain is intact, 1 when a link is broken. */
export default async function verify(
  { t }: CommandContext,
  o: SourceOptions & { json?: boolean },
): Promise<number> {
  const source = await openSource(o, true);
  try {
    const r = await source.verify();
    if (o.json) process.stdout.write(`${JSON.stringify(r)}\n`);
    else if (r.ok && r.firstSeq === null) process.stdout.write(`${t('cli.verify.empty')}\n`);
    else if (r.ok)
      process.stdout.write(
        `${t('cli.verify.ok', { checked: r.checked, first: r.firstSeq, last: r.lastSeq })}\n`,
      );
    else process.stderr.write(`${describeBreak(t, r)}\n`);
    return r.ok ? 0 : 1;
  } finally {
    source.close();
  }
}
