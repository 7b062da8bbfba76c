// What the tray icon says (issue 14): the state core/status/protection.ts reads from the agent's
// `status` answer, in words for the icon's tooltip and menu.
import type { Translate } from '../core/i18n/translate.js';
import {
  type ProtectionReason,
  type ProtectionState,
  type ProtectionView,
  protectionView,
  STATE_KEY,
} from '../core/status/protection.js';

export type TrayState = ProtectionState;
export type TrayReason = ProtectionReason;
export type TrayView = ProtectionView;
export const trayView = protectionView;

/** The view in words: a title, then one line per reason (dates in the viewer's zone). */
export function viewText(t: Translate, lang: string, view: TrayView): string[] {
  const date = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
  return [
    t(STATE_KEY[view.state], { count: view.waiting }),
    ...view.reasons.map((r) => {
      const p = { ...r.params };
      if (typeof p.since === 'number') p.since = date.format(p.since);
      return t(r.key, p);
    }),
  ];
}

/**
 * The icon's tooltip: the title and the first reason. Windows cuts a tray tooltip at 127
 * characters, so a long one (a folder path) ends in an ellipsis instead of mid-word.
 */
export function tooltip(lines: string[], max = 127): string {
  const text = lines.slice(0, 2).join('\n');
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}
