import type { EventInput, Json } from '../events/types.js';

export interface AlertSummary {
  key:
    | 'alert.summary'
    | 'alert.summaryAnyLevel'
    | 'alert.summaryUser'
    | 'alert.summaryAnyLevelUser';
  params: {
    count: number;
    match: string;
    level?: string;
    within: string;
    index: number;
    user?: string;
  };
}

function obj(v: Json | undefined): { [k: string]: Json } {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {};
}

/**
 * The catalogue key and parameters for a one-line human summary of an `alert.raised` event
 * (messages.ts). Reads only `data`, so it works on stored events and on fresh EventInputs.
 */
export function alertSummary(alert: Pick<EventInput, 'data'>): AlertSummary {
  const rule = obj(alert.data.rule);
  const params: AlertSummary['params'] = {
    count: typeof alert.data.count === 'number' ? alert.data.count : 0,
    match: typeof rule.match === 'string' ? rule.match : '',
    within: typeof rule.within === 'string' ? rule.within : '',
    index: typeof rule.index === 'number' ? rule.index : 0,
  };
  // A per-user rule names whom it counted; its group of events without a user (null) reads
  // like a per-host alert.
  const user = typeof alert.data.user === 'string' ? alert.data.user : undefined;
  if (user !== undefined) params.user = user;
  if (typeof rule.level === 'string') {
    params.level = rule.level;
    return { key: user === undefined ? 'alert.summary' : 'alert.summaryUser', params };
  }
  return {
    key: user === undefined ? 'alert.summaryAnyLevel' : 'alert.summaryAnyLevelUser',
    params,
  };
}
