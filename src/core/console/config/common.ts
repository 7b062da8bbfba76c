// Pieces the sections of the console's configuration file share (config/index.ts).
import * as z from 'zod';
import { SEVERITIES } from '../../events/types.js';
import { parseDuration } from '../../policy/units.js';

/** "15m" → 900000; the units of the policy (s, m, h, d). */
export const duration = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === null) {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is not a duration: a whole number with s, m, h or d, e.g. 15m or 90d`,
    });
    return z.NEVER;
  }
  return ms;
});

/** A sink's or a channel's name: lower case, digits, `.`, `_`, `-` (it names leases and rows). */
export const name = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'a name: a-z, 0-9, . _ - (at most 64, lower case)');

export const severity = z.enum(SEVERITIES);

/**
 * Event or alert types: exact (`usb.blocked`) or a prefix ending in `.*` (`usb.*`), or `*`.
 * core/console/config/match.ts typeMatches reads them.
 */
export const typePatterns = z
  .array(z.string().regex(/^(\*|[a-z0-9_-]+(\.[a-z0-9_-]+)*(\.\*)?)$/, 'a type or a prefix.*'))
  .min(1);
