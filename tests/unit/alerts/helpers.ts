import type { BaomiEvent, EventType } from '../../../src/core/events/types.js';

let seq = 0;

export function ev(
  type: EventType,
  opts: { level?: string; path?: string; ts?: number; user?: string } = {},
): BaomiEvent {
  seq++;
  const e: BaomiEvent = {
    id: `id-${seq}`,
    seq,
    ts: opts.ts ?? seq,
    type,
    severity: 'info',
    host: 'h',
    data: opts.path === undefined ? {} : { path: opts.path },
    prevHash: '0'.repeat(64),
    hash: 'f'.repeat(64),
  };
  if (opts.level !== undefined) e.level = opts.level;
  if (opts.user !== undefined) e.user = opts.user;
  return e;
}
