// The `status` answer, from the running agent or from a database opened read-only.
import type { StatusResult } from '../core/protocol/messages.js';
import { SUMMARY_KEY } from './policy/manager.js';
import type { EventStore } from './store/index.js';

export function statusFromStore(store: EventStore): StatusResult {
  const raw = store.getState(SUMMARY_KEY);
  const summary = raw
    ? (JSON.parse(raw) as { name: string; version: number; folders: number })
    : null;
  return {
    policy: summary ? { name: summary.name, version: summary.version } : null,
    folders: summary?.folders ?? 0,
    events: store.counts(),
    idleSource: 'none',
    usb: { enforcing: false },
  };
}
