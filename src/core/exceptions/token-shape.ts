// What `baomi exception redeem` and the tray's redeem form refuse before asking the agent: only text that is not an
// exception token at all (DESIGN.md "Exception tokens": only the agent verifies; the CLI
// forwards). A token with the right shape is forwarded however wrong it is inside (an altered
// payload, a cut signature, a bad field), so that the agent refuses it with the real reason
// and records the attempt (usb.exception-refused): a tampered token is something security
// staff want to see, and a refusal the CLI made alone would leave no trace.

import type { Json } from '../events/types.js';
import { MAX_EXCEPTION_TOKEN } from '../protocol/messages.js';
import { MAX_TOKEN_CHARS, MAX_TOKEN_INPUT, TOKEN_PREFIX } from './limits.js';

/** What email and chat insert into long words. */
const NOISE = /[\s\u00ad\u200b-\u200d\u2060\ufeff]/gu;

/** What email and chat added, taken away: the token as it was issued (or junk). */
export function compactToken(text: string): string {
  const squeezed = text.replace(NOISE, '');
  return squeezed.startsWith('<') && squeezed.endsWith('>') ? squeezed.slice(1, -1) : squeezed;
}

export type TokenShape =
  | { ok: true; compact: string }
  | { ok: false; code: 'EXCEPTION_MALFORMED' | 'EXCEPTION_TOO_LONG'; params: Record<string, Json> };

/**
 * The token to forward (without what email and chat added: compactToken), or why the text
 * is no token: longer than anything the socket carries, or not "BMX1." followed by two more
 * dot-separated parts.
 */
export function tokenShape(text: string): TokenShape {
  if (text.length > MAX_TOKEN_INPUT)
    return {
      ok: false,
      code: 'EXCEPTION_TOO_LONG',
      params: { length: text.length, max: MAX_TOKEN_CHARS },
    };
  const compact = compactToken(text);
  if (compact.length > MAX_EXCEPTION_TOKEN)
    return {
      ok: false,
      code: 'EXCEPTION_TOO_LONG',
      params: { length: compact.length, max: MAX_TOKEN_CHARS },
    };
  const parts = compact.split('.');
  if (parts.length !== 3 || parts[0] !== TOKEN_PREFIX)
    return { ok: false, code: 'EXCEPTION_MALFORMED', params: { part: 'shape' } };
  return { ok: true, compact };
}
