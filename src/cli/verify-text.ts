// What a broken chain means, in the reader's language. The walk's `detail` is an English
// technical line (hashes, the next stored seq); it stays in `verify --json` for the record,
// and people read a sentence built from the kind and the seq here. A kind this CLI does not
// know (a newer agent) is shown with the walk's own detail.
import type { Translate } from '../core/i18n/translate.js';
import type { VerifyResult } from '../core/protocol/messages.js';

const KNOWN = new Set(['hash', 'gap', 'link', 'missing-prefix']);

export function describeBreak(t: Translate, r: Extract<VerifyResult, { ok: false }>): string {
  if (!KNOWN.has(r.kind))
    return t('cli.verify.broken', { seq: r.brokenAt, kind: r.kind, detail: r.detail });
  const values = { seq: r.brokenAt, prev: r.brokenAt - 1, last: r.brokenAt - 1 };
  return t('cli.verify.broken', {
    seq: r.brokenAt,
    kind: t(`cli.verify.kind.${r.kind}`),
    detail: t(`cli.verify.why.${r.kind}`, values),
  });
}
