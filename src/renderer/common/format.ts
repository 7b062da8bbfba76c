// Times in the reader's zone and language, counts with grouped digits, and an agent's refusal
// as one sentence (issue 14 §5). Pure but for Intl; a formatter per language is kept, since
// making one costs more than formatting a hundred rows.
import type { Translate } from '../../core/i18n/translate.js';
import type { Lang } from '../../core/i18n/types.js';

const times = new Map<Lang, Intl.DateTimeFormat>();

export function when(ms: number, lang: Lang): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  let f = times.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(lang, {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    times.set(lang, f);
  }
  return f.format(d);
}

export function count(n: number, lang: Lang): string {
  return new Intl.NumberFormat(lang).format(n);
}

/**
 * Why a call to the agent failed, in the reader's words: the tray rejects with the agent's code
 * in the message (Electron wraps it: "Error invoking remote method …: Error: PROTOCOL_…"), which
 * core's catalogues word; a message with no known code is shown as it is.
 */
export function reasonOf(t: Translate, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // The tray's main process refused the call before it reached the agent (ipc-guard.ts).
  if (/\bREFUSED:/.test(message)) return t('error.refused');
  const codes = message.match(/[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+/g) ?? [];
  for (const code of codes.reverse()) {
    const text = t(code);
    if (text !== code) return text;
  }
  return message;
}
