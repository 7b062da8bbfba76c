// Rows of the notification tables → notify-types.ts, shared by both engines (and the details
// both engines word the same way).
import type { NotifyCode } from '../../core/codes/notify.js';
import type { DeliveryRow, DeliveryState } from './notify-types.js';
import type { Row } from './rows.js';

const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function toDelivery(r: Row): DeliveryRow {
  return {
    id: Number(r.id),
    alertId: numOrNull(r.alert_id),
    kind: r.kind === 'summary' ? 'summary' : 'alert',
    channel: r.channel,
    rule: r.rule,
    agentId: r.agent_key === '' ? null : r.agent_key,
    state: r.state as DeliveryState,
    namedIn: numOrNull(r.named_in),
    createdAt: Number(r.created_at),
    attempts: Number(r.attempts),
    nextAt: Number(r.next_at),
    lastError: (r.last_error ?? null) as NotifyCode | null,
    lastDetail: r.last_detail ?? null,
    sentAt: numOrNull(r.sent_at),
  };
}

/** lastDetail of a claim taken over from a process that did not finish its send. */
export function interruptedDetail(claimedBy: unknown, runOutAt: number): string {
  return `the claim of ${String(claimedBy ?? 'another process')} ran out at ${new Date(runOutAt).toISOString()}`;
}

/** The dedup key of the `notify.failed` alert a given-up delivery raises. */
export const failedAlertKey = (deliveryId: number): string => `notify-failed:${deliveryId}`;

/** Most held alerts a claimed delivery carries for its message (core MAX_NAMED). */
export { MAX_NAMED } from '../../core/console/notify/message.js';
