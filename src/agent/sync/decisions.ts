// Staff decisions on exception requests, as the console delivers them in every sync answer
// until the agent's event about each reaches it (core/sync/wire.ts WireDecision). Applied
// once each: a decision whose requestId already has a `usb.exception` or
// `usb.exception-refused` event here is skipped (the console sends it again until it has
// ingested that event).
//
// - approved: the token goes through the same path as `baomi exception redeem` (the usb
//   module's redeem: the exception book verifies it against the pinned exception keys and
//   records `usb.exception`, or `usb.exception-refused` with the reason), with the requestId
//   recorded in either event; present devices are decided again at once;
// - denied: `usb.exception-refused` with code EXCEPTION_DENIED, the note and who decided.
// Either way the person is told (a notice).
import type { Json } from '../../core/events/types.js';
import type { Notice } from '../../core/protocol/messages.js';
import type { WireDecision } from '../../core/sync/wire.js';
import { EXCEPTION_NOTICE_CODES } from '../../core/usb/exception-notices.js';
import type { Logger } from '../log.js';
import type { EventStore } from '../store/index.js';
import type { RedeemResult } from '../usb/exceptions.js';

export interface DecisionDeps {
  store: EventStore;
  log: Logger;
  /** The usb module's redeem (`baomi exception redeem`'s path), recording `record` too. */
  redeem: (token: string, record: Record<string, Json>) => Promise<RedeemResult>;
  notice(n: Notice): void;
}

export type DecisionOutcome = 'skipped' | 'redeemed' | 'unusable' | 'denied';

/** Whether this request's outcome is already recorded here. */
export function decisionApplied(store: EventStore, requestId: string): boolean {
  return store
    .query({ types: ['usb.exception', 'usb.exception-refused'], text: requestId, limit: 50 })
    .some((e) => e.data.requestId === requestId);
}

/** The request as this agent recorded it (who asked, for which device), if still stored. */
function requestOf(store: EventStore, requestId: string) {
  const e = store
    .query({ types: ['usb.exception-requested'], text: requestId, order: 'desc', limit: 10 })
    .find((x) => x.data.requestId === requestId);
  if (!e) return null;
  const device = typeof e.data.device === 'string' ? e.data.device : '';
  const label = typeof e.data.deviceLabel === 'string' ? e.data.deviceLabel : undefined;
  return { user: e.user, device, label };
}

export async function applyDecision(
  d: WireDecision,
  deps: DecisionDeps,
  now: () => number,
): Promise<DecisionOutcome> {
  const { store, log } = deps;
  if (decisionApplied(store, d.requestId)) return 'skipped';
  const asked = requestOf(store, d.requestId);
  const decided: Record<string, Json> = {
    requestId: d.requestId,
    decidedBy: d.decidedBy,
    decidedAt: d.decidedAt,
  };
  const shown = asked ? (asked.label ?? asked.device) : '';
  if (d.approved && d.token !== undefined) {
    const r = await deps.redeem(d.token, decided);
    if (r.ok) {
      log.info({ module: 'sync', requestId: d.requestId }, 'approved exception in force');
      deps.notice({
        code: EXCEPTION_NOTICE_CODES.approved,
        params: {
          device: shown || r.exception.device,
          until: new Date(r.exception.notAfter).toISOString(),
          note: d.note,
          decidedBy: d.decidedBy,
        },
      });
      return 'redeemed';
    }
    log.warn(
      { module: 'sync', requestId: d.requestId, code: r.code },
      'approved exception could not be used',
    );
    deps.notice({
      code: EXCEPTION_NOTICE_CODES.unusable,
      params: { device: shown, code: r.code, params: r.params },
    });
    return 'unusable';
  }
  await store.append({
    type: 'usb.exception-refused',
    severity: 'low',
    ...(asked?.user ? { user: asked.user } : {}),
    data: {
      ...decided,
      code: 'EXCEPTION_DENIED',
      params: { note: d.note, decidedBy: d.decidedBy },
      note: d.note,
      ...(asked ? { device: asked.device } : {}),
      socket: 'console',
      receivedAt: now(),
    },
  });
  log.info({ module: 'sync', requestId: d.requestId }, 'exception request denied');
  deps.notice({
    code: EXCEPTION_NOTICE_CODES.denied,
    params: { device: shown, note: d.note, decidedBy: d.decidedBy },
  });
  return 'denied';
}
