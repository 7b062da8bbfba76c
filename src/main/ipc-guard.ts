// What the renderer may ask the tray's main process (issue 14, "Security"): a fixed list of
// channels, each with the exact shape of its argument, from our own page only. Anything else
// (an unknown channel, a frame from another origin, a wrong shape) is refused with a reason
// the caller logs, and never reaches the agent.
import { z } from 'zod';
import { SEVERITIES } from '../core/events/types.js';
import { LANGS } from '../core/i18n/types.js';
import {
  MAX_EXCEPTION_TOKEN,
  MAX_QUERY_LIMIT,
  MAX_REQUEST_DEVICE,
  MAX_REQUEST_REASON,
} from '../core/protocol/messages.js';

/** The custom protocol the tray's pages load from (never file://). */
export const APP_ORIGIN = 'baomi://app';

/** What every page is served with over baomi:// (each also carries a stricter one in a meta
 *  tag, naming its script by hash; both apply). */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const ms = z.int().min(0).max(Number.MAX_SAFE_INTEGER);
const filter = z.strictObject({
  types: z.array(z.string().min(1).max(64)).max(32).optional(),
  minSeverity: z.enum(SEVERITIES).optional(),
  level: z.string().min(1).max(16).optional(),
  since: ms.optional(),
  until: ms.optional(),
  text: z.string().max(256).optional(),
  afterSeq: ms.optional(),
  beforeSeq: ms.optional(),
  // The agent's own cap: the viewer pages newest first in pages of this size.
  limit: z.int().min(1).max(MAX_QUERY_LIMIT).optional(),
  order: z.enum(['asc', 'desc']).optional(),
});

/** Channel → the schema of its one argument (z.undefined(): none). */
export const CHANNELS = {
  'baomi:status': z.undefined(),
  'baomi:events': filter,
  'baomi:verify': z.undefined(),
  'baomi:exception-request': z.strictObject({
    device: z.string().min(1).max(MAX_REQUEST_DEVICE),
    reason: z.string().min(1).max(MAX_REQUEST_REASON),
  }),
  'baomi:exception-redeem': z.strictObject({ token: z.string().min(1).max(MAX_EXCEPTION_TOKEN) }),
  'baomi:language': z.enum(LANGS),
  'baomi:pledge': z.undefined(),
  'baomi:pledge-acknowledge': z.strictObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
} as const;

export type Channel = keyof typeof CHANNELS;
export type ArgOf<C extends Channel> = z.infer<(typeof CHANNELS)[C]>;

export type GuardResult =
  | { ok: true; channel: Channel; arg: unknown }
  | { ok: false; reason: 'unknown-channel' | 'foreign-sender' | 'bad-argument'; detail: string };

const isChannel = (c: string): c is Channel => Object.hasOwn(CHANNELS, c);

/**
 * `senderUrl`: the URL of the frame that sent it (Electron's `event.senderFrame.url`; null when
 * the frame is gone). `args`: everything after the event; exactly one argument or none.
 */
export function guardInvoke(
  channel: string,
  senderUrl: string | null,
  args: unknown[],
): GuardResult {
  if (!isChannel(channel)) return { ok: false, reason: 'unknown-channel', detail: clip(channel) };
  if (!isOwnPage(senderUrl))
    return { ok: false, reason: 'foreign-sender', detail: clip(senderUrl ?? '(no frame)') };
  if (args.length > 1)
    return { ok: false, reason: 'bad-argument', detail: `${args.length} arguments` };
  const parsed = CHANNELS[channel].safeParse(args[0]);
  if (!parsed.success)
    return {
      ok: false,
      reason: 'bad-argument',
      detail: clip(parsed.error.issues[0]?.message ?? ''),
    };
  return { ok: true, channel, arg: parsed.data };
}

/** Our pages only: baomi://app/…, exactly (no look-alike host, no userinfo). */
export function isOwnPage(url: string | null): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === 'baomi:' && u.host === 'app' && !u.username && !u.password;
  } catch {
    return false;
  }
}

/** What is logged of a refused call: short, one line, no control characters. */
function clip(s: string): string {
  return s.replace(/[\p{Cc}\p{Cf}]/gu, '?').slice(0, 120);
}
