// The bounds of an exception token, apart from token.ts (which needs node:crypto) so that
// the web UI can show and check them too.

/** In code points. */
export const MAX_REASON_CHARS = 500;
/** A longer need is an approval in the policy (usb.rules), not an exception. */
export const MAX_WINDOW_DAYS = 31;
export const MAX_WINDOW_MS = MAX_WINDOW_DAYS * 86_400_000;
