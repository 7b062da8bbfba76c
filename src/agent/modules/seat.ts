// The seat user: who sits at the console now (platform session port: logind, utmp, WTS, the
// macOS console user). Every event carries it as `user` when it is known (the store stamps
// it at append time); never guessed, and never the actor of a file change, which the OS does
// not tell. A change of seat user is itself an event (`session.changed`).
import type { SeatUser, SessionSourceName } from '../../core/ports/session.js';
import type { AgentModule, ModuleContext } from '../module.js';

export interface SeatModule extends AgentModule {
  /** The seat user's name now, or null when nobody is known to be at the console. */
  current(): string | null;
  /** The seat user now, with what the session source knows of them. */
  seatUser(): SeatUser | null;
  /** Subscribes to seat changes (the seat token follows the seat user). */
  onChange(listener: (user: SeatUser | null) => void): () => void;
}

export function seatModule(): SeatModule {
  let user: SeatUser | null = null;
  let source: SessionSourceName = 'none';
  let watch: { close(): void } | null = null;
  const listeners = new Set<(u: SeatUser | null) => void>();

  const set = (ctx: ModuleContext, next: SeatUser | null, initial: boolean) => {
    const from = user?.name;
    const to = next?.name;
    user = next;
    if (from === to && !initial) return;
    for (const l of listeners) l(next);
    if (from === to) return;
    ctx.log.info({ module: 'seat', from, to, source }, 'seat user');
    ctx.store
      .append({
        type: 'session.changed',
        severity: 'info',
        ...(to ? { user: to } : {}),
        data: { ...(from ? { from } : {}), ...(to ? { to } : {}), source },
      })
      .catch(() => {}); // a failed commit stops the agent (store.onFailure)
  };

  return {
    name: 'seat',
    current: () => user?.name ?? null,
    seatUser: () => user,
    onChange(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    async start(ctx) {
      const session = ctx.platform.session;
      source = session.name;
      let first: SeatUser | null = null;
      try {
        first = await session.current();
      } catch (e) {
        // Unknown is not a guess: the events go without `user` until the source answers.
        ctx.log.warn({ module: 'seat', source, err: String(e) }, 'cannot tell the seat user');
      }
      set(ctx, first, true);
      watch = session.watch((next) => set(ctx, next, false));
    },
    stop() {
      watch?.close();
      watch = null;
      listeners.clear();
    },
    status: () => ({
      seatUser: user ? { name: user.name, source: user.source } : null,
      seatSource: source,
    }),
  };
}
