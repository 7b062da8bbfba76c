// Alert notifications (issue 12 §4): a step the console's `notify` lease holder runs every
// `notify.every` (lease-loop.ts). Each step
//   1. plans: the alerts no step has looked at yet are routed by the rules (core rules.ts)
//      and planned against the quiet periods (core plan.ts), in one store transaction;
//   2. claims the deliveries that are due (new ones, retries, and claims that ran out because
//      a process died mid-send), each counting an attempt;
//   3. sends them, all at once, each within its channel's timeout;
//   4. records each outcome: sent; failed and retried after a back-off (retryAfter, doubling,
//      at most an hour); or, after maxAttempts, given up with a `notify.failed` alert, which
//      the rules send over the other channels (never back to the one that failed).
// Every outcome is a row (notify_deliveries) and a log line naming the channel and the
// delivery, never the URL, the key or the password (errors.ts scrub).
//
// Why at most once per channel with several consoles: the store keeps one delivery per
// (alert, channel), and a delivery is only sent by the process whose conditional UPDATE moved
// it to `sending`; a claim lasts twice the longest timeout and a minute more, longer than any
// step (sends run in parallel, each bounded by its timeout). The one case that sends twice is
// a process that dies after the peer took the message and before the row said so: after the
// claim runs out it is sent again (NOTIFY_INTERRUPTED), because a lost alert is worse than a
// repeated one; the delivery id (webhook `delivery`, mail Message-ID) lets a reader see it is
// the same message. A finish the store could not record (the database away) is kept here and
// recorded first at the next step, so a short outage does not cause that resend either.
import type { FastifyBaseLogger } from 'fastify';
import type { Channel, NotifyConfig } from '../../core/console/config/notify.js';
import { type MessageInput, renderMessage } from '../../core/console/notify/message.js';
import {
  effectiveRules,
  NOTIFY_FAILED,
  retryDelayMs,
  routeAlert,
} from '../../core/console/notify/rules.js';
import type {
  ClaimedDelivery,
  DeliveryOutcome,
  NotifyRouting,
  RaisedAlert,
} from '../store/notify-types.js';
import type { ConsoleStore } from '../store/types.js';
import { sendEmail } from './email.js';
import { DeliveryError, scrub } from './errors.js';
import { readSecret, secretFileOf } from './secrets.js';
import { sendWebhook } from './webhook.js';

/** Alerts planned and deliveries claimed per step (a step asks for another when it was full). */
export const NOTIFY_BATCH = 20;

export interface NotifierOptions {
  store: ConsoleStore;
  config: NotifyConfig;
  /** This process (Deps.instanceId): the holder of its claims. */
  holder: string;
  now: () => number;
  log: FastifyBaseLogger;
}

export class Notifier {
  readonly routing: NotifyRouting;
  readonly claimMs: number;
  private readonly channels: Map<string, Channel>;
  /** Outcomes the store could not record yet (the database away): recorded first next time. */
  private readonly unrecorded = new Map<number, DeliveryOutcome>();

  constructor(private readonly o: NotifierOptions) {
    const rules = effectiveRules(o.config);
    const quiet = new Map(rules.map((r) => [r.name, r.quietPeriod]));
    this.channels = new Map(o.config.channels.map((c) => [c.name, c]));
    this.routing = {
      route: (alert) => routeAlert(alert, rules, o.config.channels),
      quietMsOf: (rule) => quiet.get(rule) ?? 0,
      maxAgeMs: o.config.maxAge,
    };
    const longest = Math.max(0, ...o.config.channels.map((c) => c.timeout));
    this.claimMs = 2 * longest + 60_000;
  }

  /** One step (LeaseLoop calls it in the lease holder); true when more work is waiting. */
  async step(): Promise<boolean> {
    await this.recordLeftovers();
    const planned = await this.o.store.enqueueNotifications(
      this.o.now(),
      this.routing,
      NOTIFY_BATCH,
    );
    if (planned.skipped > 0)
      this.o.log.warn(
        { worker: 'notify', skipped: planned.skipped },
        'alerts older than notify.maxAge were recorded as not sent (NOTIFY_TOO_OLD)',
      );
    if (planned.pending + planned.held + planned.summaries > 0)
      this.o.log.debug({ worker: 'notify', ...planned }, 'notifications planned');
    const claimed = await this.o.store.claimDeliveries(
      this.o.holder,
      this.o.now(),
      this.claimMs,
      NOTIFY_BATCH,
    );
    const outcomes = await Promise.all(claimed.map((d) => this.deliver(d)));
    await this.recordAll(claimed.map((d, i) => [d.id, outcomes[i]!]));
    return planned.alerts === NOTIFY_BATCH || claimed.length === NOTIFY_BATCH;
  }

  private async recordLeftovers(): Promise<void> {
    const left = [...this.unrecorded];
    this.unrecorded.clear();
    await this.recordAll(left);
  }

  /** Records every outcome; those that fail are kept for the next step, then it throws. */
  private async recordAll(list: readonly (readonly [number, DeliveryOutcome])[]): Promise<void> {
    let failure: unknown = null;
    for (const [id, outcome] of list)
      try {
        await this.record(id, outcome);
      } catch (err) {
        failure ??= err;
      }
    if (failure !== null) throw failure;
  }

  private async record(id: number, outcome: DeliveryOutcome): Promise<void> {
    let kept: boolean;
    try {
      kept = await this.o.store.finishDelivery(id, this.o.holder, outcome);
    } catch (err) {
      this.unrecorded.set(id, outcome);
      throw err;
    }
    if (!kept)
      this.o.log.warn(
        { worker: 'notify', delivery: id },
        'the claim on this delivery ran out before its outcome was recorded; another console process took it',
      );
  }

  /** Sends one delivery; never throws: every failure becomes the outcome to record. */
  private async deliver(d: ClaimedDelivery): Promise<DeliveryOutcome> {
    const line = {
      worker: 'notify',
      delivery: d.id,
      channel: d.channel,
      rule: d.rule,
      alert: d.alertId,
      attempt: d.attempts,
    };
    if (d.interrupted)
      this.o.log.warn(
        { ...line, detail: d.lastDetail },
        'sending again a notification whose earlier send was interrupted (NOTIFY_INTERRUPTED)',
      );
    const channel = this.channels.get(d.channel);
    let secret: string | undefined;
    try {
      if (!channel) throw new DeliveryError('NOTIFY_NO_CHANNEL', 'not in notify.channels');
      secret = readSecret(channel);
      const refused = await this.send(channel, secret, d);
      if (refused === null) {
        this.o.log.info(line, 'notification sent');
        return { sent: true, at: this.o.now() };
      }
      const detail = scrub(refused, [secret]);
      this.o.log.warn(
        { ...line, code: 'NOTIFY_SMTP_REFUSED', detail },
        'notification sent, but the mail server refused some recipients',
      );
      return {
        sent: true,
        at: this.o.now(),
        partly: { code: 'NOTIFY_SMTP_REFUSED', detail },
      };
    } catch (e) {
      const err =
        e instanceof DeliveryError
          ? e
          : new DeliveryError('NOTIFY_UNREACHABLE', e instanceof Error ? e.message : String(e));
      const detail = scrub(err.detail, [
        secret,
        channel?.kind === 'webhook' ? channel.url : undefined,
        channel ? secretFileContent(channel) : undefined,
      ]);
      const at = this.o.now();
      // A channel no longer configured cannot be sent over by retrying.
      const delay =
        err.code === 'NOTIFY_NO_CHANNEL'
          ? null
          : retryDelayMs(d.attempts, this.o.config.retryAfter, this.o.config.maxAttempts);
      if (delay !== null) {
        this.o.log.warn(
          { ...line, code: err.code, detail, retryAt: new Date(at + delay).toISOString() },
          'notification failed; it will be tried again',
        );
        return { sent: false, at, code: err.code, detail, retryAt: at + delay };
      }
      this.o.log.error(
        { ...line, code: err.code, detail },
        'notification given up after its last attempt',
      );
      return {
        sent: false,
        at,
        code: err.code,
        detail,
        retryAt: null,
        ...(d.alert?.type === NOTIFY_FAILED ? {} : { raise: failedAlert(d, err.code, detail, at) }),
      };
    }
  }

  /** Sends; null, or (mail) the recipients the server refused while taking it for others. */
  private async send(
    channel: Channel,
    secret: string | undefined,
    d: ClaimedDelivery,
  ): Promise<string | null> {
    const now = this.o.now();
    const input: MessageInput = {
      kind: d.kind,
      deliveryId: d.id,
      channel: d.channel,
      rule: d.rule,
      agentId: d.agentId,
      host: d.host,
      alert: d.alert,
      named: d.named,
      namedCount: d.namedCount,
      now,
    };
    const message = renderMessage(input);
    if (channel.kind === 'webhook') {
      await sendWebhook({ channel, key: secret!, payload: message.json, now });
      return null;
    }
    return sendEmail({ channel, password: secret, message, deliveryId: d.id, now });
  }
}

/** A secret as read now, to take out of error text too (a rotated one included). */
function secretFileContent(c: Channel): string | undefined {
  if (secretFileOf(c) === undefined) return undefined;
  try {
    return readSecret(c);
  } catch {
    return undefined;
  }
}

/** The alert a given-up delivery raises (store finishDelivery, same transaction). */
function failedAlert(d: ClaimedDelivery, code: string, detail: string, at: number): RaisedAlert {
  return {
    agentId: d.agentId,
    ts: at,
    type: NOTIFY_FAILED,
    severity: 'high',
    seq: null,
    data: {
      deliveryId: d.id,
      channel: d.channel,
      rule: d.rule,
      alertId: d.alertId,
      kind: d.kind,
      named: d.namedCount,
      attempts: d.attempts,
      code,
      detail,
    },
  };
}
