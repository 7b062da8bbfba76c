// Where no idle source is known (yet): idle time and lock state are unknown, and locking
// fails with a reason. The idle module says so once; status says `idleSource: none`.
import type { IdlePort } from '../../core/ports/idle.js';

export const noIdle: IdlePort = {
  sources: [],
  locker: { lock: async () => ({ ok: false, via: 'none', error: 'no lock command on this OS' }) },
};
