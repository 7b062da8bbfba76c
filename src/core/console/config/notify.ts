// `notify:` of the console's configuration (issue 12 §4): who is told about which alerts.
// What the notifier does with it: src/console/notify/ (and the README, "Alert notifications").
import * as z from 'zod';
import { duration, name, severity, typePatterns } from './common.js';

/**
 * A loopback host as URL.hostname gives it: `localhost`, 127.0.0.0/8, `[::1]`. Plain http:// is
 * allowed to these only: an alert's content (host names, who was at the console) and its
 * signature must not cross a network in clear.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  if (h === 'localhost' || h === '[::1]') return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (m === null) return false;
  return m.slice(1).every((x) => Number(x) <= 255);
}

function parsedUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

export const webhookChannelSchema = z.strictObject({
  name,
  kind: z.literal('webhook'),
  /** https:// (or http:// to a loopback receiver); no user:password@ (the key signs instead). */
  url: z
    .url({ protocol: /^https?$/ })
    .refine(
      (u) => {
        const p = parsedUrl(u);
        return p !== null && (p.protocol === 'https:' || isLoopbackHost(p.hostname));
      },
      { message: 'https://, or http:// to this computer only (localhost, 127.0.0.1, [::1])' },
    )
    .refine(
      (u) => {
        const p = parsedUrl(u);
        return p !== null && p.username === '' && p.password === '';
      },
      { message: 'no user or password in the URL: the body is signed with secretFile' },
    ),
  /** File holding the HMAC-SHA256 key the body is signed with (never in this file); at least
   *  16 bytes after surrounding whitespace is trimmed, readable by the console's user only. */
  secretFile: z.string().min(1),
  timeout: duration.default(10_000),
});

export const emailChannelSchema = z.strictObject({
  name,
  kind: z.literal('email'),
  /** smtp://[USER@]HOST[:PORT] (STARTTLS when offered; default port 587) or
   *  smtps://[USER@]HOST[:PORT] (TLS from the start; default 465). No password in the URL. */
  smtp: z.url({ protocol: /^smtps?$/ }).refine(
    (u) => {
      const p = parsedUrl(u);
      return p !== null && p.password === '';
    },
    { message: 'no password in the URL: put it in passwordFile' },
  ),
  /** File holding the SMTP password, when the server wants one. Over smtp:// to another
   *  computer the password is only sent after STARTTLS (TLS is then required). */
  passwordFile: z.string().min(1).optional(),
  /** STARTTLS must succeed before anything is sent (always so with a password, off loopback). */
  requireTLS: z.boolean().default(false),
  /** The mail server's CA certificate (PEM file); absent: the system's CAs. */
  ca: z.string().min(1).optional(),
  from: z.email(),
  to: z.array(z.email()).min(1),
  timeout: duration.default(30_000),
});

export const channelSchema = z.discriminatedUnion('kind', [
  webhookChannelSchema,
  emailChannelSchema,
]);

export const notifyRuleSchema = z.strictObject({
  name,
  /** An alert matches when its severity is at least minSeverity or its type is in types
   *  (neither given: every alert matches). */
  minSeverity: severity.optional(),
  types: typePatterns.optional(),
  /** Channel names (all channels when absent). */
  channels: z.array(name).min(1).optional(),
  /** After a message for this rule (and agent), further matches wait this long and are
   *  named in the next message (or in a summary when the period ends). 0s: no quiet period. */
  quietPeriod: z.union([z.literal(0), duration]).default(900_000),
});

export const notifySchema = z
  .strictObject({
    channels: z.array(channelSchema).default([]),
    /** Absent: one rule, `default` (high and critical, silent agents, broken chains, USB
     *  enforcement lost) to every channel. */
    rules: z.array(notifyRuleSchema).optional(),
    /** A delivery that fails is tried again after retryAfter, then twice as long each time
     *  (at most an hour apart), maxAttempts times in all; then it is given up and a
     *  `notify.failed` alert is raised (sent over the other channels). */
    maxAttempts: z.int().min(1).max(100).default(10),
    retryAfter: duration.default(30_000),
    /** An alert older than this when the notifier first sees it (raised while no channel was
     *  configured) is recorded as not sent (NOTIFY_TOO_OLD) instead of sent late. */
    maxAge: duration.default(86_400_000),
    /** How often the notifier looks for new alerts and due deliveries. */
    every: duration.default(5_000),
  })
  .prefault({});

export type Channel = z.output<typeof channelSchema>;
export type WebhookChannel = z.output<typeof webhookChannelSchema>;
export type EmailChannel = z.output<typeof emailChannelSchema>;
export type NotifyRule = z.output<typeof notifyRuleSchema>;
export type NotifyConfig = z.output<typeof notifySchema>;

/** The rule in force when `notify.rules` is absent (issue 12 §4). */
export const DEFAULT_NOTIFY_RULE: NotifyRule = {
  name: 'default',
  minSeverity: 'high',
  types: ['agent.silent', 'sync.chain-broken', 'usb.enforcement-lost'],
  quietPeriod: 900_000,
};
