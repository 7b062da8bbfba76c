// The request form's checks and its answer (issue 14 §1), pure: the agent's own rules
// (core/exceptions/fields.ts) said before sending, and where a recorded request goes next.
import { isDeviceId, reasonProblem } from '../../core/exceptions/fields.js';
import type { Translate } from '../../core/i18n/translate.js';
import type { StatusResult } from '../../core/protocol/messages.js';

/** Words to say, worded when shown (a language switch rewords what is on screen). */
export interface Said {
  key: string;
  params?: Record<string, unknown>;
}

/** What is wrong with the form before it is sent, or null. Pure. */
export function requestProblem(device: string, reason: string): Said | null {
  if (!isDeviceId(device)) return { key: 'request.chooseDevice' };
  const p = reasonProblem(reason);
  if (p?.code === 'EXCEPTION_REASON_TOO_LONG') return { key: p.code, params: p.params };
  if (p) return { key: 'EXCEPTION_REQUEST_BAD_REASON' };
  return null;
}

/**
 * Where a recorded request goes next, from the agent's status (null: not known, the last
 * status went unanswered: nothing is said rather than a guess). Pure.
 */
export function routeText(t: Translate, status: StatusResult | null): string | null {
  if (!status) return null;
  const sync = status.sync;
  const console = sync?.console ?? '';
  if (!sync?.console) return t('request.route.local');
  return t(sync.enrolled === false ? 'request.route.notEnrolled' : 'request.route.console', {
    console,
  });
}
