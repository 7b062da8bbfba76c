// An event in plain words for the person it is about (issue 14 §5: "what is recorded about
// them, in plain words"): one sentence per type from text.ts, filled with the values the event
// carries (a path, a device, a policy's name). A type this viewer does not know still shows as
// "Recorded: <type>", never as nothing. Values come from files and devices: hostile, always
// rendered as text by Preact.
import type { BaomiEvent } from '../../core/events/types.js';
import type { Translate } from '../../core/i18n/translate.js';
import { viewerMessages } from './text.js';

const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;

/** `vendor:product "name"`, or the exception's device id, or "?". */
export function deviceOf(d: Record<string, unknown>): string {
  const vendor = str(d.vendor);
  const product = str(d.product);
  if (vendor !== undefined || product !== undefined) {
    const name = str(d.productName);
    return `${vendor ?? '?'}:${product ?? '?'}${name !== undefined ? ` "${name}"` : ''}`;
  }
  return str(d.device) ?? '?';
}

const KNOWN = new Set(
  Object.keys(viewerMessages.en)
    .filter((k) => k.startsWith('what.') && k !== 'what.other')
    .map((k) => k.slice(5)),
);

export function plainWords(t: Translate, e: BaomiEvent): string {
  const d = (e.data ?? {}) as Record<string, unknown>;
  if (!KNOWN.has(e.type)) return t('what.other', { type: e.type });
  return t(`what.${e.type}`, {
    path: str(d.path) ?? str(d.root) ?? '?',
    oldPath: str(d.oldPath) ?? '?',
    device: deviceOf(d),
    name: str(d.name) ?? '?',
    version: str(d.version) ?? '?',
    minutes: str(d.minutes) ?? '?',
  });
}
