// The rows of alert notifications (issue 12 §4; src/console/notify): an outbox of deliveries,
// one per alert and channel (UNIQUE), plus summaries at the end of a quiet period, and the
// quiet windows per rule and agent. ConsoleStore's notification methods (types.ts) use them.
import type { NotifyCode } from '../../core/codes/notify.js';
import type { NotifyAlert } from '../../core/console/notify/message.js';
import type { RouteTarget } from '../../core/console/notify/rules.js';
import type { Json, Severity } from '../../core/events/types.js';

// The alerts here are types.ts AlertRow / AlertInput by their shape (types.ts imports this
// file; importing back would be a cycle).

/** The `notify.failed` alert a given-up delivery raises (an AlertInput). */
export interface RaisedAlert {
  agentId: string | null;
  ts: number;
  type: string;
  severity: Severity;
  seq: number | null;
  data: { [k: string]: Json };
}

/**
 * - `held`: inside a rule's quiet period; waits to be named by the next message (`named`).
 * - `pending`: to be sent at `nextAt` (new, or retried after a failure: `lastError`).
 * - `sending`: claimed by a console process until `nextAt`; a claim that runs out
 *   (the process died mid-send) is taken again and recorded NOTIFY_INTERRUPTED.
 * - `sent`; `failed` (given up after maxAttempts: a `notify.failed` alert says so);
 *   `named` (held, then named in the message `namedIn`); `skipped` (NOTIFY_TOO_OLD).
 */
export type DeliveryState =
  | 'held'
  | 'pending'
  | 'sending'
  | 'sent'
  | 'failed'
  | 'named'
  | 'skipped';

export interface DeliveryRow {
  id: number;
  /** null: a summary naming the deliveries held in a quiet period. */
  alertId: number | null;
  kind: 'alert' | 'summary';
  channel: string;
  rule: string;
  agentId: string | null;
  state: DeliveryState;
  /** `named`: the delivery whose message named this one. */
  namedIn: number | null;
  createdAt: number;
  /** Attempts made (a claim counts as one). */
  attempts: number;
  nextAt: number;
  lastError: NotifyCode | null;
  /** The peer's own words (secrets removed), for staff. */
  lastDetail: string | null;
  sentAt: number | null;
}

/** What enqueueNotifications needs from the configuration (core/console/notify). */
export interface NotifyRouting {
  /** The channels an alert goes to (routeAlert). */
  route(alert: NotifyAlert): RouteTarget[];
  /** A rule's quiet period by name (0 for a rule no longer configured). */
  quietMsOf(rule: string): number;
  maxAgeMs: number;
}

export interface EnqueueResult {
  /** Alerts looked at (each once, ever). */
  alerts: number;
  /** Deliveries made, by state. */
  pending: number;
  held: number;
  skipped: number;
  /** Summaries made for quiet periods that ended. */
  summaries: number;
}

/** A delivery claimed for sending, with what its message shows. */
export interface ClaimedDelivery extends DeliveryRow {
  /** The agent's host as the console holds it (null: no agent). */
  host: string | null;
  /** kind `alert`: the alert as it is now (its stage included). */
  alert: NotifyAlert | null;
  /** The held alerts its message names, oldest first (at most core MAX_NAMED). */
  named: NotifyAlert[];
  namedCount: number;
  /** The claim took over one that ran out: the earlier send's outcome is unknown. */
  interrupted: boolean;
}

export type DeliveryOutcome =
  | {
      sent: true;
      at: number;
      /** Sent, but not to everyone (a mail server refused some recipients): kept as the
       *  row's lastError/lastDetail. */
      partly?: { code: NotifyCode; detail: string };
    }
  | {
      sent: false;
      at: number;
      code: NotifyCode;
      detail: string;
      /** When to try again; null: give up (state `failed`). */
      retryAt: number | null;
      /** Given up: the alert that says so (raised in the same transaction). */
      raise?: RaisedAlert;
    };
