// `notify:` of the console's configuration (issue 12 §4): who is told about which alerts.
import * as z from 'zod';
import { duration, name, severity, typePatterns } from './common.js';

export const webhookChannelSchema = z.strictObject({
  name,
  kind: z.literal('webhook'),
  /** https:// (or http:// to a loopback receiver). */
  url: z.url({ protocol: /^https?$/ }),
  /** File holding the HMAC-SHA256 key the body is signed with (never in this file). */
  secretFile: z.string().min(1),
  timeout: duration.default(10_000),
});

export const emailChannelSchema = z.strictObject({
  name,
  kind: z.literal('email'),
  /** smtp://[USER@]HOST:PORT (STARTTLS when offered) or smtps://[USER@]HOST:PORT. */
  smtp: z.url({ protocol: /^smtps?$/ }),
  /** File holding the SMTP password, when the server wants one. */
  passwordFile: z.string().min(1).optional(),
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
  /** An alert matches when its severity is at least minSeverity or its type is in types. */
  minSeverity: severity.optional(),
  types: typePatterns.optional(),
  /** Channel names (all channels when absent). */
  channels: z.array(name).min(1).optional(),
  /** After a message for this rule (and agent), further matches wait this long and are
   *  summed up in the next message. */
  quietPeriod: duration.default(900_000),
});

export const notifySchema = z
  .strictObject({
    channels: z.array(channelSchema).default([]),
    /** Absent: one rule, `default` (high and critical, silent agents, broken chains, USB
     *  enforcement lost) to every channel. */
    rules: z.array(notifyRuleSchema).optional(),
  })
  .default({ channels: [] });

export type Channel = z.output<typeof channelSchema>;
export type NotifyRule = z.output<typeof notifyRuleSchema>;
export type NotifyConfig = z.output<typeof notifySchema>;
