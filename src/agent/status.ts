// The `status` answer, assembled from the modules' slices (DESIGN.md "Decisions"). The
// running agent keeps the last assembled answer in the store (STATUS_KEY), so a data dir
// opened read-only (evidence, an agent that is not running) answers the same way.
import type { StatusResult } from '../core/protocol/messages.js';
import { hashesPending } from './modules/folders.js';
import { SUMMARY_KEY } from './policy/manager.js';
import type { EventStore } from './store/index.js';

export const STATUS_KEY = 'agent.status';

/** What status says about a capability no module provides (yet). */
const DEFAULTS: Omit<StatusResult, 'running' | 'events'> = {
  policy: null,
  folders: 0,
  watched: [],
  seatUser: null,
  seatSource: 'none',
  idleSource: 'none',
  usb: { enforcing: false, reason: 'USB_NO_MODULE' },
};

export function assembleStatus(
  slices: Record<string, unknown>,
  events: StatusResult['events'],
  running: boolean,
): StatusResult {
  return { ...DEFAULTS, ...slices, events, running } as StatusResult;
}

export function statusFromStore(store: EventStore): StatusResult {
  const raw = store.getState(STATUS_KEY);
  if (raw) {
    const slices = JSON.parse(raw) as Record<string, unknown>;
    // Counted now, not when the answer was kept: hashes commit without touching it.
    if (Array.isArray(slices.watched))
      slices.hashesPending = hashesPending(store, slices.watched as { path: string }[]);
    return assembleStatus(slices, store.counts(), false);
  }
  // A database written before the module contract: only the policy summary was kept.
  const old = store.getState(SUMMARY_KEY);
  const s = old ? (JSON.parse(old) as { name: string; version: number; folders: number }) : null;
  return assembleStatus(
    s ? { policy: { name: s.name, version: s.version }, folders: s.folders } : {},
    store.counts(),
    false,
  );
}
