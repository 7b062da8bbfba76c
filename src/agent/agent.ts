// The agent service as a table of contents (STYLE.md 10), in the start order DESIGN.md fixes:
// take the data-dir lock → claim the sockets (answering `starting`) → open the store → start
// the modules in order; stop in reverse. A failed start stops what started, through the same
// path, and records `agent.stopped` `start-failed`. An agent that cannot record does not run:
// a store failure is fatal (exit 1 with one line).
import { mkdirSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { BaomiError, isBaomiError } from '../core/errors.js';
import type { Platform } from '../core/ports/index.js';
import type { SeatUser } from '../core/ports/session.js';
import type { Notice, StatusResult } from '../core/protocol/messages.js';
import { ADMIN_GROUP, groupId } from '../platform/index.js';
import { acquireLock } from './lock.js';
import { createLogger, type Logger } from './log.js';
import type { AgentConfig, AgentModule } from './module.js';
import { alertsModule } from './modules/alerts.js';
import { chainModule } from './modules/chain.js';
import { foldersModule } from './modules/folders.js';
import { idleModule } from './modules/idle.js';
import { logModule, ownEventsOnly } from './modules/log.js';
import { type PolicyModule, policyModule } from './modules/policy.js';
import { retentionModule } from './modules/retention.js';
import { seatModule } from './modules/seat.js';
import { syncModule } from './modules/sync.js';
import { usbModule } from './modules/usb.js';
import { moduleSet } from './modules.js';
import type { InForce } from './policy/manager.js';
import { createSeatTokens } from './socket/seat-token.js';
import { claimSocketServers, type SocketServers } from './socket/server.js';
import { assembleStatus, STATUS_KEY } from './status.js';
import { type EventStore, openStore } from './store/index.js';
import { createExceptionBook } from './usb/exceptions.js';
import { VERSION } from './version.js';

export interface AgentOptions extends AgentConfig {
  platform: Platform;
  /** The store failed to commit: the caller must stop the process (exit 1). */
  onFatal?: (error: unknown) => void;
  /** Diagnostic log file; default `<dataDir>/agent.log`. */
  logFile?: string;
  /** Where the seat user's token goes; default their runtime dir (DESIGN.md "Who is asking"). */
  seatTokenDir?: (user: { name: string; uid?: number }) => string;
}

export interface RunningAgent {
  store: EventStore;
  /** The policy in force now (null: none yet). */
  inForce(): InForce | null;
  status(): StatusResult;
  log: Logger;
  logFile: string;
  stop(reason: string): Promise<void>;
}

/** Events after which `status` may say something else. */
const STATUS_EVENTS =
  /^(policy\.applied|policy\.rejected|session\.|watch\.|scan\.completed|store\.chain-checked|usb\.)/;

/** The modules, in start order (stopped in reverse). */
function agentModules() {
  const seat = seatModule();
  const policy: PolicyModule = policyModule();
  const idle = idleModule();
  const usb = usbModule({
    exceptions: (ctx) =>
      createExceptionBook({
        store: ctx.store,
        trustDir: ctx.config.trustDir,
        clock: ctx.platform.clock,
        log: ctx.log,
        host: hostname(),
      }),
  });
  // The console's policies go to the policy module's judge, its approvals through the usb
  // module's redeem: the sync module reaches the two through these functions alone.
  const sync = syncModule({
    offerPolicy: (bytes, signature, from) =>
      policy.manager
        ? policy.manager.offer(bytes, signature, 'console', from)
        : Promise.resolve('failed'),
    // No "device seen here" check (`deviceKnown`): an approval answers a request made on this
    // computer, often for a stick not plugged in yet. The book still checks the signature
    // against trust/exceptions/, the host, the window, and that each id is redeemed once.
    redeem: (token, record) => usb.redeem(token, { socket: 'console' }, { record }),
  });
  const modules: AgentModule[] = [
    seat, // first: every later event carries the seat user
    chainModule(), // the chain as found (chain.head compared before anything else is recorded)
    policy, // restores the last good policy, judges the file, hands it to the rest
    alertsModule(), // before the modules whose events it counts
    usb, // seals the ports before the slower folder scans start
    idle,
    retentionModule(),
    foldersModule(),
    sync,
    logModule(),
  ];
  return { seat, idle, modules };
}

export async function startAgent(o: AgentOptions): Promise<RunningAgent> {
  const { platform } = o;
  mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
  const lock = acquireLock(o.dataDir);
  const logFile = o.logFile ?? join(o.dataDir, 'agent.log');
  const log = createLogger(logFile);
  for (const lack of platform.lacks) log.warn({ module: 'platform' }, lack);
  // And what the adapters find missing later (a notify-send that fails, no xscreensaver on
  // the display), once each, as they find it: otherwise it would be said to nobody.
  const stopLacks = platform.onLack?.((lack) => log.warn({ module: 'platform' }, lack));

  // Who asks on agent.sock: the seat user proves it with the token only they can read.
  const seats = createSeatTokens({
    ...(o.seatTokenDir ? { dirFor: o.seatTokenDir } : {}),
    onError: (err) => log.warn({ module: 'seat', err: String(err) }, 'no seat token written'),
  });
  // Claimed before anything else; until serve() every request is answered AGENT_STARTING.
  let sockets: SocketServers;
  try {
    // admin.sock for root and, where the group exists, baomi-admin (security staff on this
    // computer: the tray's staff view, `baomi events` without sudo). Windows: the pipe's ACL.
    const adminGroup =
      process.platform !== 'win32' && process.getuid?.() === 0 ? groupId(ADMIN_GROUP) : null;
    if (adminGroup !== null)
      log.info(
        { module: 'socket', group: ADMIN_GROUP, gid: adminGroup },
        'admin.sock open to group',
      );
    sockets = await claimSocketServers(o.sockets, {
      resolveSeat: (t) => seats.resolve(t),
      ...(adminGroup !== null ? { adminGroup } : {}),
    });
  } catch (e) {
    // Nothing was started; the refusal still goes on record (the store opens for that alone).
    try {
      const store = openStore({ dataDir: o.dataDir, host: hostname() });
      await store.append({
        type: 'agent.stopped',
        severity: 'info',
        data: { reason: 'start-failed', ...(isBaomiError(e) ? { code: e.code } : {}) },
      });
      store.close();
    } catch {
      // the store's own failure is not the one to report
    }
    stopLacks?.();
    lock.release();
    throw e;
  }

  const { seat, idle, modules } = agentModules();
  let store: EventStore;
  let headErrorSaid = false;
  try {
    store = openStore({
      dataDir: o.dataDir,
      host: hostname(),
      now: () => platform.clock.now(),
      // Every event carries who was at the console at that moment, when known.
      user: () => seat.current() ?? undefined,
      onHeadError: (e) => {
        // Said once per run: the head lags, so a cut end of the log could go unseen.
        if (headErrorSaid) return;
        headErrorSaid = true;
        log.error({ module: 'store', err: String(e) }, 'cannot write chain.head');
      },
    });
  } catch (e) {
    await sockets.close();
    seats.stop();
    stopLacks?.();
    lock.release();
    throw e;
  }
  // An agent that cannot record must not go on enforcing silently.
  store.onFailure((error) => {
    log.fatal({ module: 'store', err: String(error) }, 'cannot write the event store; stopping');
    o.onFatal?.(error);
  });
  const started = store.append({
    type: 'agent.started',
    severity: 'info',
    data: {
      version: VERSION,
      pid: process.pid,
      uid: userInfo().uid,
      dataDir: o.dataDir,
      policyFile: o.policyFile,
      trustDemo: o.trustDemo,
    },
  });

  const set = moduleSet(modules, log);
  const notices = noticeHub();
  const status = () => assembleStatus(set.status(), store.counts(), true);
  const keepStatus = () => {
    // For `baomi status --data-dir` when no agent answers: the modules' slices. The counts
    // are not kept: whoever reads the data dir counts its rows then (statusFromStore).
    store.setState(STATUS_KEY, JSON.stringify(set.status()));
  };
  const closeAll = async (reason: string) => {
    await sockets.close();
    seats.stop();
    // Before the modules stop: a stopped module has no slice, and the data dir would then
    // say "no policy in force" about an agent that stopped with one (issue 8, status).
    try {
      keepStatus();
    } catch {
      // the store is failing: agent.stopped below says what it can
    }
    await set.stop();
    try {
      await store.append({ type: 'agent.stopped', severity: 'info', data: { reason } });
    } finally {
      // Even when the store is failing: nothing half-open is left (the socket files went
      // first, the lock last, so a new agent can start).
      try {
        store.close();
      } finally {
        stopLacks?.();
        lock.release();
      }
    }
  };

  try {
    await started; // an agent that cannot record its own start does not start
    log.info({ module: 'agent', version: VERSION, dataDir: o.dataDir }, 'agent started');
    await set.start({
      config: o,
      store,
      platform,
      log,
      seatUser: () => seat.current(),
      seat: () => seat.seatUser(),
      sessionLocked: () => idle.locked(),
      notice: (n) => notices.emit(n),
    });
  } catch (e) {
    log.error({ module: 'agent', err: String(e) }, 'start failed');
    await closeAll('start-failed');
    throw e;
  }
  // The seat token follows the seat user; agent.sock subscribers re-read theirs.
  const tokenUser = (u: SeatUser | null) =>
    u ? { name: u.name, ...(u.uid !== undefined ? { uid: u.uid } : {}) } : null;
  seats.set(tokenUser(seat.seatUser()));
  seat.onChange((u) => {
    seats.set(tokenUser(u));
    sockets.seatChanged();
  });
  sockets.serve(
    (req, asker) => {
      // Read fresh where a module can (the USB seal): a status is not a minute old.
      if (req.type === 'status') return set.refresh().then(status);
      const handle = set.handler(req.type);
      if (!handle) throw new BaomiError('PROTOCOL_UNSUPPORTED', { type: req.type }, 1);
      return handle(req, asker);
    },
    {
      page: (afterSeq, limit, asker) => {
        const only = ownEventsOnly(asker);
        return store.query({ afterSeq, limit, order: 'asc', ...(only ? { user: only } : {}) });
      },
      onEvents: (listener) => store.onCommitted(listener),
      onNotice: (listener) => notices.on(listener),
    },
  );
  keepStatus();
  // The stored answer follows what status reports: policy, seat user, folder states.
  let keepQueued = false;
  store.onCommitted((events) => {
    if (keepQueued || !events.some((e) => STATUS_EVENTS.test(e.type))) return;
    keepQueued = true;
    setImmediate(() => {
      keepQueued = false;
      if (!stopping) keepStatus();
    });
  });

  let stopping: Promise<void> | null = null;
  return {
    store,
    inForce: () => set.inForce,
    status,
    log,
    logFile,
    stop(reason: string) {
      stopping ??= closeAll(reason).then(() =>
        log.info({ module: 'agent', reason }, 'agent stopped'),
      );
      return stopping;
    },
  };
}

/** Notices for the person at the console, to every subscriber (the tray) that listens. */
function noticeHub() {
  const listeners = new Set<(n: Notice) => void>();
  return {
    on(l: (n: Notice) => void) {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
    emit(n: Notice) {
      for (const l of listeners) l(n);
    },
  };
}
