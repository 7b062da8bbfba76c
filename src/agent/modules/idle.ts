// Idle screen-lock reminders (issue 10): reads the seat user's idle time and lock state from
// the first idle source that answers (the tray's reports while a tray reports), feeds core's
// reminder machine and exposure meter, and acts: a notice (tray and OS notifier) with the
// OS's lock shortcut, the session locked with the OS's own command when the policy says so.
// Records idle.reminded (delivered or not, and why not), idle.locked, session.locked and
// session.unlocked (whoever did it), idle.exposure (per user and local day). Polls only when a
// threshold could next be crossed (the machine's nextCheckAt), so an idle agent sleeps.
import { userInfo } from 'node:os';
import { createCoreTranslator } from '../../core/i18n/catalogs.js';
import { createExposureMeter, type ExposureMeter } from '../../core/idle/exposure.js';
import { idleNoticeText, lockedNotice, remindNotice } from '../../core/idle/notices.js';
import { createReminder, type IdleAction, type Reminder } from '../../core/idle/reminder.js';
import type { IdleObservation, IdlePolicy } from '../../core/idle/stretch.js';
import type { IdleReading, IdleSource } from '../../core/ports/idle.js';
import type { SeatUser } from '../../core/ports/session.js';
import type {
  IdleReport,
  IdleSource as IdleSourceName,
  Notice,
  Request,
} from '../../core/protocol/messages.js';
import type { AgentModule, Asker, ModuleContext } from '../module.js';

/** The policy schema's defaults (tests/unit/agent/idle-module.test.ts holds them to it). */
export const DEFAULT_IDLE: IdlePolicy = {
  remindAfter: 180_000,
  repeat: 120_000,
  lockAfter: 300_000,
  lock: false,
};

/** A tray report counts for this long (the tray reports every 30 s and at each lock change). */
export const TRAY_FRESH_MS = 90_000;
/** Never read more often than this (a threshold due "now" again and again). */
const MIN_SLEEP_MS = 1_000;
/** With nothing to predict (locked, nobody there, idle time unknown): read this often. */
const SLOW_POLL_MS = 60_000;

export interface IdleModule extends AgentModule {
  /** The session is locked (true), unlocked (false), unknown (null): for usb.whileLocked. */
  locked(): boolean | null;
}

export interface IdleModuleOptions {
  /** 'YYYY-MM-DD' of a moment in this machine's zone (tests pass their own). */
  localDate?: (ms: number) => string;
  /** The seat user when no session source knows one (default: this process's own user, when not root). */
  selfSeat?: () => SeatUser | null;
}

function localDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/**
 * An agent run by an ordinary user (development) reminds that user, in their own session. The
 * system's agent has no seat of its own: root, or on Windows the service's SYSTEM account
 * (which has no uid to tell it by: with no one signed in it would remind SYSTEM).
 */
export function ownSeat(
  os: NodeJS.Platform = process.platform,
  given?: { username: string; uid: number; homedir: string },
): SeatUser | null {
  // Root first, before userInfo (which throws for a uid with no passwd entry: a container).
  if (given === undefined && process.getuid?.() === 0) return null;
  const u = given ?? userInfo();
  if (u.uid === 0) return null;
  if (
    os === 'win32' &&
    (u.username.toUpperCase() === 'SYSTEM' ||
      /[\\/]system32[\\/]config[\\/]systemprofile$/i.test(u.homedir))
  )
    return null;
  return {
    name: u.username,
    uid: u.uid,
    ...(process.env.DISPLAY ? { display: process.env.DISPLAY } : {}),
    ...(process.env.DBUS_SESSION_BUS_ADDRESS
      ? { dbusAddress: process.env.DBUS_SESSION_BUS_ADDRESS }
      : {}),
    source: 'none',
  };
}

export function idleModule(o: IdleModuleOptions = {}): IdleModule {
  const dateOf = o.localDate ?? localDate;
  const selfSeat = o.selfSeat ?? ownSeat;
  let ctx: ModuleContext | null = null;
  let policy: IdlePolicy = DEFAULT_IDLE;
  const reminder: Reminder = createReminder(policy);
  const meter: ExposureMeter = createExposureMeter(policy, dateOf);
  /** The source in use for the current seat user, and those that did not answer. */
  let source: IdleSource | null = null;
  let sourceUser: string | null = null;
  const said = new Set<string>();
  let tray: { report: IdleReport; receivedAt: number; user: string } | null = null;
  let lastLocked: boolean | null = null;
  let lockWatch: { close(): void } | null = null;
  let timer: { cancel(): void } | null = null;
  let dayTimer: { cancel(): void } | null = null;
  let unsubscribe: (() => void) | null = null;
  let running = false;
  let busy: Promise<void> = Promise.resolve();
  let lastLockError: string | null = null;

  const c = () => {
    if (!ctx) throw new Error('idle module not started');
    return ctx;
  };
  const append = (input: Parameters<ModuleContext['store']['append']>[0]) =>
    c()
      .store.append(input)
      .catch(() => null); // a failed commit stops the agent (store.onFailure)
  const sayOnce = (line: string) => {
    if (said.has(line)) return;
    said.add(line);
    c().log.warn({ module: 'idle' }, line);
  };

  const seat = (): SeatUser | null => c().seat() ?? selfSeat();

  /** The first source that answers for this user (kept while it keeps answering). */
  const pickSource = async (
    user: SeatUser,
  ): Promise<{ source: IdleSource | null; reading: IdleReading }> => {
    const sources = c().platform.idle.sources;
    const ordered =
      source && sourceUser === user.name
        ? [source, ...sources.filter((s) => s !== source)]
        : sources;
    for (const s of ordered) {
      const reading = await s.read(user);
      if (reading.idleMs !== null) {
        if (s !== source || sourceUser !== user.name) {
          source = s;
          sourceUser = user.name;
          watchLock(user);
          c().log.info({ module: 'idle', source: s.name, user: user.name }, 'idle source');
        }
        return { source: s, reading };
      }
      sayOnce(`idle: source ${s.name} gives no idle time for ${user.name}; trying the next`);
    }
    if (sources.length === 0)
      sayOnce('idle: this machine has no idle source; reminders are off until a tray reports');
    source = null;
    sourceUser = null;
    return { source: null, reading: { idleMs: null, locked: null } };
  };

  const watchLock = (user: SeatUser) => {
    lockWatch?.close();
    lockWatch = source?.watchLock?.(user, () => void check()) ?? null;
  };

  /** One reading: the tray's while it reports, else the source's. */
  const observe = async (): Promise<IdleObservation> => {
    const at0 = c().platform.clock.now();
    const user = seat();
    if (!user) return { at: at0, user: null, idleMs: null, locked: null };
    if (tray && tray.user === user.name && at0 - tray.receivedAt < TRAY_FRESH_MS) {
      const idleMs = tray.report.idleMs + Math.max(0, at0 - tray.receivedAt);
      return { at: at0, user: user.name, idleMs, locked: tray.report.locked ?? null };
    }
    const { reading } = await pickSource(user);
    return { at: c().platform.clock.now(), user: user.name, ...reading };
  };

  /** Reads, acts, records, and sleeps until the next moment worth a reading. */
  const check = (): Promise<void> => {
    busy = busy.then(async () => {
      if (!running) return;
      timer?.cancel();
      timer = null;
      try {
        const obs = await observe();
        await lockChange(obs);
        meter.add(obs);
        for (const r of meter.due(obs.at)) await exposure(r);
        for (const a of reminder.observe(obs)) await act(a);
      } catch (e) {
        c().log.error({ module: 'idle', err: String(e) }, 'idle check failed');
      }
      schedule();
    });
    return busy;
  };

  const schedule = () => {
    if (!running) return;
    const now = c().platform.clock.now();
    const next = reminder.nextCheckAt() ?? now + SLOW_POLL_MS;
    timer = c().platform.clock.after(Math.max(next - now, MIN_SLEEP_MS), () => void check());
  };

  /** session.locked / session.unlocked when the lock state changes (whoever did it). */
  const lockChange = async (obs: IdleObservation) => {
    if (obs.locked === null || obs.locked === lastLocked) return;
    const was = lastLocked;
    lastLocked = obs.locked;
    if (was === null) return; // the first reading: a state, not a change
    await append({
      type: obs.locked ? 'session.locked' : 'session.unlocked',
      severity: 'info',
      ...(obs.user ? { user: obs.user } : {}),
      data: { source: source?.name ?? (tray ? 'tray' : 'none') },
    });
  };

  const exposure = (r: { user: string; date: string; minutes: number; final: boolean }) =>
    append({
      type: 'idle.exposure',
      severity: 'info',
      user: r.user,
      data: { date: r.date, minutes: r.minutes, final: r.final },
    });

  const act = async (a: IdleAction) => {
    const cx = c();
    const user = seat();
    if (!user || user.name !== a.user) return;
    // The desktop decides the Linux shortcut; known for the agent's own session only.
    const desktop = user.source === 'none' ? (process.env.XDG_CURRENT_DESKTOP ?? null) : null;
    if (a.type === 'remind') {
      const notice = remindNotice(a, cx.platform.os, desktop);
      const shown = await show(notice, user);
      await append({
        type: 'idle.reminded',
        severity: 'low',
        user: a.user,
        data: {
          idleMs: a.idleMs,
          n: a.n,
          delivered: shown.delivered,
          ...(shown.why ? { why: shown.why } : {}),
          via: shown.via,
        },
      });
      return;
    }
    const r = await cx.platform.idle.locker.lock(user);
    if (r.ok) {
      lastLockError = null;
      await append({
        type: 'idle.locked',
        severity: 'low',
        user: a.user,
        data: { idleMs: a.idleMs, via: r.via },
      });
      await show(lockedNotice(a, cx.platform.os, desktop), user);
    } else {
      lastLockError = `${r.via}: ${r.error ?? 'failed'}`;
      sayOnce(`idle: cannot lock the session (${lastLockError}); reminders go on`);
    }
  };

  /** To the tray (subscribers) and the OS notifier; says whether and how it was delivered. */
  const show = async (
    notice: Notice,
    user: SeatUser,
  ): Promise<{ delivered: boolean; via: string; why?: string }> => {
    const cx = c();
    cx.notice(notice);
    const trayUp = tray !== null && cx.platform.clock.now() - tray.receivedAt < TRAY_FRESH_MS;
    // With the tray running (it reports idle time), the tray shows the notice instead: the
    // person gets it once, not from the tray and the OS notifier both.
    if (trayUp) return { delivered: true, via: 'tray' };
    const { title, body } = idleNoticeText(createCoreTranslator(cx.config.lang ?? 'en'), notice);
    try {
      const ok = await cx.platform.notifier.notify(
        { code: notice.code, title, body, urgency: 'normal' },
        user,
      );
      if (ok) return { delivered: true, via: cx.platform.notifier.name };
      return trayUp
        ? { delivered: true, via: 'tray' }
        : { delivered: false, via: cx.platform.notifier.name, why: 'no-notifier' };
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      return trayUp
        ? { delivered: true, via: 'tray' }
        : { delivered: false, via: cx.platform.notifier.name, why: why.slice(0, 200) };
    }
  };

  const armDay = () => {
    const cx = c();
    const now = cx.platform.clock.now();
    dayTimer = cx.platform.clock.after(Math.max(meter.nextDueAt(now) - now, MIN_SLEEP_MS), () => {
      void check().then(() => {
        if (running) armDay();
      });
    });
  };

  const mod: IdleModule = {
    name: 'idle',
    locked: () => lastLocked,
    start(context) {
      ctx = context;
      running = true;
      // Another person at the console: their session, their source, a new stretch.
      unsubscribe = context.store.onCommitted((events) => {
        if (events.some((e) => e.type === 'session.changed')) {
          source = null;
          sourceUser = null;
          lastLocked = null;
          void check();
        }
      });
      void check();
      armDay();
    },
    apply(p) {
      policy = p.policy.idle;
      reminder.setPolicy(policy);
      meter.setPolicy(policy);
      if (running) void check();
    },
    async stop() {
      running = false;
      timer?.cancel();
      dayTimer?.cancel();
      lockWatch?.close();
      unsubscribe?.();
      await busy;
      // The day so far, so the console has it even if the agent does not come back today.
      try {
        const cx = c();
        for (const r of meter.flush(cx.platform.clock.now())) await exposure(r);
      } catch {
        // the store is failing: agent.stopped says what it can
      }
    },
    status: () => {
      const trayUp =
        tray !== null && ctx !== null && ctx.platform.clock.now() - tray.receivedAt < TRAY_FRESH_MS;
      const name: IdleSourceName = trayUp ? 'tray' : (source?.name ?? 'none');
      return {
        idleSource: name,
        idle: {
          ...reminder.state(),
          ...(lastLocked !== null ? { locked: lastLocked } : {}),
          ...(lastLockError ? { lockError: lastLockError } : {}),
        },
      };
    },
    requests: {
      'idle.report': (req: Request, asker: Asker) => {
        if (req.type !== 'idle.report') throw new Error('wrong request');
        const user = asker.seatUser ?? seat()?.name;
        if (!user) return {};
        tray = {
          report: {
            idleMs: req.idleMs,
            at: req.at,
            ...(req.locked !== undefined ? { locked: req.locked } : {}),
          },
          receivedAt: c().platform.clock.now(),
          user,
        };
        void check();
        return {};
      },
    },
  };
  return mod;
}
