// The main process's side of the preload's named methods: one ipcMain handler per channel of
// ipc-guard.ts, each behind the guard. A refused call is logged and answered with an error
// the renderer can show; its handler is never called, so nothing reaches the agent.
import type * as electron from 'electron';
import { type ArgOf, CHANNELS, type Channel, guardInvoke } from './ipc-guard.js';
import type { TrayLog } from './log.js';

type ElectronModule = typeof electron;

/** `senderUrl`: the calling frame's URL (a page of ours: the guard checked it), which names
 *  the view (staff.ts: #all goes to admin.sock). */
export type Handlers = {
  [C in Channel]: (arg: ArgOf<C>, senderUrl: string | null) => Promise<unknown>;
};

export function registerIpc(e: ElectronModule, handlers: Handlers, log: TrayLog): () => void {
  const channels = Object.keys(CHANNELS) as Channel[];
  for (const channel of channels) {
    e.ipcMain.handle(channel, async (event, ...args: unknown[]) => {
      const from = event.senderFrame?.url ?? null;
      const g = guardInvoke(channel, from, args);
      if (!g.ok) {
        log.warn('renderer call refused', { channel, reason: g.reason, detail: g.detail });
        throw new Error(`REFUSED:${g.reason}`);
      }
      return (handlers[channel] as (arg: unknown, from: string | null) => Promise<unknown>)(
        g.arg,
        from,
      );
    });
  }
  return () => {
    for (const channel of channels) e.ipcMain.removeHandler(channel);
  };
}
