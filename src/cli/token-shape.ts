// What `baomi exception redeem` refuses before asking the agent: only text that is not an
// exception token at all (DESIGN.md "Exception tokens": only the agent verifies; the CLI
// forwards). A token with the right shape is forwarded however wrong it is inside (an altered
// payload, a cut signature, a bad field), so that the agent refuses it with the real reason
// and records the attempt (usb.exception-refused): a tampered token is something security
// staff want to see, and a refusal the CLI made alone would leave no trace.

import type { Json } from '../core/events/types.js';
import {
  compactToken,
  MAX_TOKEN_CHARS,
  MAX_TOKEN_INPUT,
  TOKEN_PREFIX,
} from '../core/exceptions/token.js';
import { MAX_EXCEPTION_TOKEN } from '../core/protocol/messages.js';

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
