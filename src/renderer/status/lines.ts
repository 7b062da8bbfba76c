// The status window's state in words: what the tray's icon says (core/status/protection.ts), then
// one line per reason, a failing console's date in this computer's zone. Pure.
import type { Translate } from '../../core/i18n/translate.js';
import type { StatusResult } from '../../core/protocol/messages.js';
import { protectionView, STATE_KEY } from '../../core/status/protection.js';
import { count, when } from '../common/format.js';

/** The state and its reasons, one line each (a failing console's date in local time). */
export function protectionLines(t: Translate, status: StatusResult | null): string[] {
  const view = protectionView(status);
  return [
    t(STATE_KEY[view.state], { count: count(view.waiting) }),
    ...view.reasons.map((r) => {
      const p = { ...r.params };
      if (typeof p.since === 'number') p.since = when(p.since);
      return t(r.key, p);
    }),
  ];
}
