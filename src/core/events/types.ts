// The event contract (DESIGN.md "Contracts"). Add types, never rename them: consoles,
// reports and outside tests key on these strings.

export const EVENT_TYPES = [
  'agent.started',
  'agent.stopped',
  'policy.applied',
  'policy.rejected',
  'policy.acknowledged',
  'file.created',
  'file.modified',
  'file.deleted',
  'file.renamed',
  'watch.overflow',
  'watch.limit',
  'scan.completed',
  'usb.connected',
  'usb.allowed',
  'usb.blocked',
  'usb.read-only',
  'usb.removed',
  'usb.exception',
  'idle.reminded',
  'idle.locked',
  'session.locked',
  'session.unlocked',
  'idle.exposure',
  'alert.raised',
  'store.pruned',
  'sync.gap',
  'sync.chain-broken',
  // Added with folder watching (issue 3):
  'file.hashed', // SHA-256 of a file, computed after its file.* event was already durable
  'watch.folder-missing', // a classified folder of the policy does not exist (or was deleted)
  'watch.folder-found', // it appeared (again) and is watched
  // Added with the module contract (issue 7); the USB ones are reserved by DESIGN.md:
  'watch.folder-failed', // a classified folder the agent cannot watch, for a reason other than "missing"
  'session.changed', // the seat user (who is at the console) changed: data {from?, to?, source}
  'store.chain-checked',
  'usb.exception-requested',
  'usb.exception-refused',
  'usb.enforcement-lost',
  // Added with the USB fixes: a redeemed exception's window was seen to end (data: id, device,
  // user, notAfter); stored so the newest event passes notAfter, and the id is marked ended.
  'usb.exception-ended',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function isEventType(s: string): s is EventType {
  return (EVENT_TYPES as readonly string[]).includes(s);
}

export function isSeverity(s: string): s is Severity {
  return (SEVERITIES as readonly string[]).includes(s);
}

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** JSON value as stored in `data`: no undefined, no functions. */
export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** What a producer hands to the store: the store assigns id, seq, ts (if absent), host, hashes. */
export interface EventInput {
  type: EventType;
  severity: Severity;
  level?: string;
  user?: string;
  /** ms since the epoch; the store fills it in from its clock when absent. */
  ts?: number;
  data: { [k: string]: Json };
}

/** A stored, chained event. Absent fields are left out, never null. */
export interface BaomiEvent {
  id: string;
  seq: number;
  ts: number;
  type: EventType;
  severity: Severity;
  level?: string;
  user?: string;
  host: string;
  data: { [k: string]: Json };
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);
