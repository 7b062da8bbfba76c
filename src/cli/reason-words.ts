// A system error code in `reason` (ENOENT, EISDIR…) becomes words in the person's language:
// "Cannot read x: ENOENT" tells nobody what to do.
import type { Translate } from '../core/i18n/translate.js';

export function reasonWords(t: Translate, reason: string): string {
  if (!/^E[A-Z]+$/.test(reason)) return reason;
  const key = `cli.reason.${reason}`;
  const words = t(key);
  return words === key ? t('cli.reason.other', { code: reason }) : words;
}

/** `params` with its `reason` in words, and each place in `tried` (CLI_NO_AGENT) with its. */
export function withReason<P extends Record<string, unknown>>(t: Translate, params: P): P {
  const out: Record<string, unknown> = { ...params };
  if (typeof params.reason === 'string') out.reason = reasonWords(t, params.reason);
  if (Array.isArray(params.tried))
    out.tried = (params.tried as { place: string; reason: string }[])
      .map((p) => t('cli.triedPlace', { place: p.place, reason: reasonWords(t, p.reason) }))
      .join(t('cli.listSeparator'));
  return out as P;
}
