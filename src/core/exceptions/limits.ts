// The bounds of an exception token, apart from token.ts (which needs node:crypto) so that
// the web UI and the tray's pages can show and check them too.

/** In code points. */
export const MAX_REASON_CHARS = 500;
/** A longer need is an approval in the policy (usb.rules), not an exception. */
export const MAX_WINDOW_DAYS = 31;
export const MAX_WINDOW_MS = MAX_WINDOW_DAYS * 86_400_000;

export const TOKEN_PREFIX = 'BMX1';
/**
 * The longest compact token: fits one QR code (version 40, level L holds 2,953 bytes) and the
 * socket's limit (MAX_EXCEPTION_TOKEN). 500 reason characters in Chinese fit.
 */
export const MAX_TOKEN_CHARS = 2900;
/** Pasted text longer than this is not looked at (whitespace included). */
export const MAX_TOKEN_INPUT = 16 * 1024;
