// Why a delivery failed, as the store records it (core/codes/notify.ts): a code, and the
// peer's or the library's own words with every secret taken out.
import type { NotifyCode } from '../../core/codes/notify.js';
import { shown } from '../../core/console/notify/message.js';

export class DeliveryError extends Error {
  constructor(
    readonly code: NotifyCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

const DETAIL_MAX = 300;

/**
 * `text` without any of `secrets` (each replaced by [redacted]), on one line (shown()), cut
 * to 300 characters. Every detail that is stored or logged passes through here.
 */
export function scrub(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) {
    if (s === undefined || s.length < 4) continue;
    out = out.split(s).join('[redacted]');
  }
  return shown(out, DETAIL_MAX);
}
