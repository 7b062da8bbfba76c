// What `baomi verify` says, in the reader's language. The walk's `detail` lines are English
// technical lines (hashes, the next stored seq); they stay in `verify --json` for the record,
// and people read sentences built from each break's kind and params (core/events/messages.ts).
import { describeChainBreak } from '../core/events/messages.js';
import type { Translate } from '../core/i18n/translate.js';
import type { VerifyResult } from '../core/protocol/messages.js';

type Broken = Extract<VerifyResult, { ok: false }>;

/** Every break, one a line, after a line that says what to do. */
export function describeBreaks(t: Translate, r: Broken): string[] {
  // An agent without chain.head answers with the first break only.
  const breaks = r.breaks ?? [
    { kind: r.kind, seq: r.brokenAt, params: { seq: r.brokenAt }, detail: r.detail },
  ];
  const count = breaks.length + (r.moreBreaks ?? 0);
  return [
    t('cli.verify.broken', { count, checked: r.read ?? r.checked }),
    ...breaks.map((b) => `  ${describeChainBreak(t, b)}`),
    ...(r.moreBreaks ? [`  ${t('chain.more', { count: r.moreBreaks })}`] : []),
  ];
}
