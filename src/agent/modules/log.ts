// The event log as seen over the sockets: queries and the chain check. On agent.sock (any
// local user) only the seat user's own events, and only to a request that proved it comes
// from the seat user (its seat token); everyone else sees nothing. admin.sock sees all.
import { sanitizeFilter } from '../../core/protocol/messages.js';
import type { AgentModule, Asker, ModuleContext } from '../module.js';

/** A user name no event can carry (user names never contain NUL): matches nothing. */
export const NOBODY = '\u0000nobody';

export function ownEventsOnly(asker: Asker): string | undefined {
  if (asker.socket === 'admin') return undefined;
  return asker.seatUser ?? NOBODY;
}

export function logModule(): AgentModule {
  let ctx: ModuleContext | null = null;
  const store = () => {
    if (!ctx) throw new Error('log module not started');
    return ctx.store;
  };
  return {
    name: 'log',
    start(c) {
      ctx = c;
    },
    stop() {
      ctx = null;
    },
    requests: {
      'events.query': (req, asker) => {
        if (req.type !== 'events.query') throw new Error('unreachable');
        const filter = sanitizeFilter(req.filter);
        const only = ownEventsOnly(asker);
        if (only !== undefined) filter.user = only;
        return { events: store().query(filter) };
      },
      // In slices: a million events take seconds to walk, and the agent keeps deciding and
      // recording meanwhile (README "Performance").
      verify: () => store().verifyInSlices(),
    },
  };
}
