// The contract every part of the agent implements (DESIGN.md "Layers"). agent.ts starts the
// modules in order after the lock, the sockets and the store, applies each policy in force
// to every module, answers socket requests through the module that serves them, assembles
// `status` from the modules' slices, and stops them in reverse order. A new capability (USB,
// idle, sync) is one more module and a port: nothing else in the agent changes.
import type { Lang } from '../core/i18n/types.js';
import type { Platform } from '../core/ports/index.js';
import type { SeatUser } from '../core/ports/session.js';
import type { Notice, Request, RequestType } from '../core/protocol/messages.js';
import type { Logger } from './log.js';
import type { InForce } from './policy/manager.js';
import type { EventStore } from './store/index.js';

export interface AgentConfig {
  policyFile: string;
  dataDir: string;
  trustDir: string;
  sockets: { agent: string; admin: string };
  trustDemo: boolean;
  lang: Lang;
  /**
   * Seal USB ports and block what policy blocks (`baomi agent --enforce`, which the systemd
   * unit passes). Without it the usb module decides and records only (DESIGN.md "Sealing USB").
   */
  enforce?: boolean;
}

/** Who asked on a socket: the socket it came through, and the seat user when the request
 *  carried a valid seat token (DESIGN.md "Who is asking on agent.sock"). */
export interface Asker {
  socket: 'agent' | 'admin';
  /** Set only when the request proved it comes from the seat user. */
  seatUser?: string;
}

/** What a module gets at start: everything shared, nothing of another module's state. */
export interface ModuleContext {
  config: AgentConfig;
  store: EventStore;
  platform: Platform;
  log: Logger;
  /** Applies a policy to every module (the policy module calls this). */
  applyPolicy(p: InForce): void;
  /** The seat user now (null: nobody known at the console). */
  seatUser(): string | null;
  /** The seat user with what the session source knows of them (uid, display, D-Bus). */
  seat(): SeatUser | null;
  /** The seat user's session is locked (true), unlocked (false), unknown (null): the idle module. */
  sessionLocked(): boolean | null;
  /** A notice for the person at the console (a code and its params; translated where shown). */
  notice(n: Notice): void;
  /**
   * Every started module's `status` slice, merged as `baomi status` shows them: how a module
   * reads another's state (the sync module's heartbeat: idle source, USB enforcement) without
   * importing it. Read-only; a module must not call it from its own `status()`.
   */
  statusSlices(): Record<string, unknown>;
}

export type RequestHandler = (req: Request, asker: Asker) => unknown | Promise<unknown>;

export interface AgentModule {
  readonly name: string;
  /** Starts the module. Throwing fails the agent's start; modules started before are stopped. */
  start(ctx: ModuleContext): Promise<void> | void;
  /** A policy is in force (on start with the restored one, then on every change). */
  apply?(p: InForce): void;
  /** Stops the module; called once, in reverse start order, also after a failed start. */
  stop(): Promise<void> | void;
  /** This module's slice of `baomi status` (merged into one object). */
  status?(): Record<string, unknown>;
  /**
   * Brings the slice up to date before `status` answers a client (a few cheap reads, bounded
   * in time: the usb module reads the seal back). Never throws; a slow read leaves the last.
   */
  refresh?(): Promise<void>;
  /** The socket requests this module answers (each type is served by exactly one module). */
  requests?: Partial<Record<RequestType, RequestHandler>>;
}
