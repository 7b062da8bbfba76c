// Security staff on the workstation (issue 14 §5, DESIGN.md "Who is asking"): whoever may open
// admin.sock (root, and the baomi-admin group: the socket's own permissions decide, on Windows
// the pipe's ACL) sees every event on this computer; everyone else their own, on agent.sock. The
// tray does not guess from group names: it asks admin.sock, beside the agent.sock it uses, for
// `status` each time the log is opened, and opens the staff view (viewer.html#all) only when
// that answered. The staff view's calls go to admin.sock and nowhere else: if it stops
// answering, the page says so; it never falls back to showing the person's own events under
// the heading "every event". No escalation: a page can name #all itself, but only someone who
// can open admin.sock gets an answer there.
import type { MessageType, ResultOf } from '../core/protocol/messages.js';
import type { AgentConnection, BodyOf } from '../ipc/index.js';
import type { TrayLog } from './log.js';

/** The staff view: the log viewer at #all (the frame URL Electron gives each call). */
export function staffView(senderUrl: string | null): boolean {
  if (!senderUrl) return false;
  try {
    const u = new URL(senderUrl);
    return u.pathname === '/viewer.html' && u.hash === '#all';
  } catch {
    return false;
  }
}

export type AskOnce = <T extends MessageType>(
  socket: string,
  type: T,
  body: BodyOf<T>,
) => Promise<ResultOf[T]>;

export interface StaffAccess {
  /** Whether admin.sock answers this person now (asked anew each time). */
  check(): Promise<boolean>;
  /** A request on the connection the calling page's view names. */
  ask<T extends MessageType>(
    senderUrl: string | null,
    type: T,
    body: BodyOf<T>,
  ): Promise<ResultOf[T]>;
}

export function staffAccess(o: {
  /** admin.sock beside the agent.sock the tray uses; null: none known (staff view refused). */
  adminSocket: () => string | null;
  /** The tray's own connection (agent.sock, with the seat token). */
  agent: () => AgentConnection;
  /** One request on a fresh connection, no seat token (requestOnce). */
  once: AskOnce;
  /** Whether `socket` answers `status`, quickly (the person is waiting for a window): rejects
   *  when it does not. */
  probe: (socket: string) => Promise<unknown>;
  log: TrayLog;
}): StaffAccess {
  let said: boolean | null = null;
  return {
    async check() {
      const socket = o.adminSocket();
      let ok = false;
      let reason = 'no admin.sock known';
      if (socket) {
        try {
          await o.probe(socket);
          ok = true;
        } catch (e) {
          reason = e instanceof Error ? e.message : String(e);
        }
      }
      // Said once per change: a person who is not staff would fill the log otherwise.
      if (said !== ok)
        o.log.info(ok ? 'staff view: admin.sock answers' : 'own view only', {
          socket,
          ...(ok ? {} : { reason: reason.slice(0, 200) }),
        });
      said = ok;
      return ok;
    },
    async ask(senderUrl, type, body) {
      if (!staffView(senderUrl)) return o.agent().request(type, body);
      const socket = o.adminSocket();
      if (!socket) throw new Error('SOCKET_UNREACHABLE');
      return o.once(socket, type, body);
    },
  };
}
