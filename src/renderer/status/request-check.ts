// The request form's checks and its answer (issue 14 §1), pure: the agent's own rules
// (core/exceptions/fields.ts) said before sending, and where a recorded request goes next.
import { isDeviceId, reasonProblem } from '../../core/exceptions/fields.js';
import type { Translate } from '../../core/i18n/translate.js';
import type { StatusResult } from '../../core/protocol/messages.js';

/** What to say when the form is not fit to send, or null. Pure. */
export function requestProblem(t: Translate, device: string, reason: string): string | null {
  if (!isDeviceId(device)) return t('request.chooseDevice');
  const p = reasonProblem(reason);
  if (p?.code === 'EXCEPTION_REASON_TOO_LONG') return t(p.code, p.params);
  if (p) return t('EXCEPTION_REQUEST_BAD_REASON');
  return null;
}

/** Where a recorded request goes next, from the agent's sync state. Pure. */
export function routeText(t: Translate, sync: StatusResult['sync'] | undefined): string {
  const console = sync?.console ?? '';
  if (!sync?.console) return t('request.route.local');
  return t(sync.enrolled === false ? 'request.route.notEnrolled' : 'request.route.console', {
    console,
  });
}
