// USB device control (issue 9; DESIGN.md "Sealing USB", "USB rules"). Under `--enforce` the
// module seals the ports first (every device that arrives from then on waits unauthorized),
// then decides each device present and each one plugged with core's decide() and tells the
// port what to allow; it checks every minute that what it sealed is still sealed and seals
// again when not (`usb.enforcement-lost`). Without --enforce, or where the OS does not let it,
// it decides and records only, and status says why. Work is done one step at a time, in
// order (a queue), so a plug, a pull and a new policy never interleave on one device.
//
// SECURITY, fail closed, and what must not change:
// - Every minute every present device is decided again with the clock as it reads then
//   (an exception that ended while the machine slept, or across a clock set forward, closes
//   its device at that check at the latest), and an exception's end is also watched by a timer
//   that re-reads the wall clock at least every EXPIRY_POLL_MS while one is in force (timers
//   run on a clock that stops during suspend; the wall clock does not). Wake from suspend is
//   not signalled to the agent (no logind hook); these two cover it.
// - A device the OS holds more open than decided (a deauthorize that failed) is
//   `usb.enforcement-lost` for that device at high severity with a notice, never `usb.allowed`,
//   and is tried again at every minute's check until it holds (or leaves).
// - A restart in the same boot (boot.ts) that finds something open the agent had sealed
//   records `usb.enforcement-lost` (why "while-stopped") as it seals again: never silently.
// - Present devices are decided again with the lock state they were plugged in under
//   (usb.whileLocked applies to devices plugged while locked, DESIGN.md "USB rules").
import { v7 as uuidv7 } from 'uuid';
import { BaomiError } from '../../core/errors.js';
import { isDeviceId, reasonProblem } from '../../core/exceptions/token.js';
import { createCoreTranslator } from '../../core/i18n/catalogs.js';
import type { Policy } from '../../core/policy/index.js';
import type { UsbControl, UsbReason } from '../../core/ports/usb.js';
import type { Notice, Request, UsbListResult } from '../../core/protocol/messages.js';
import { isStorageInterface } from '../../core/usb/classify.js';
import { decide, exceptionNames } from '../../core/usb/decide.js';
import { deviceLabel, NoticeBatcher, usbNoticeText } from '../../core/usb/notices.js';
import type { Decision, UsbDevice } from '../../core/usb/types.js';
import type { AgentModule, Asker, ModuleContext } from '../module.js';
import { BootState } from '../usb/boot.js';
import type { ExceptionBook, RedeemAsker, RedeemExtra, RedeemResult } from '../usb/exceptions.js';
import {
  connectedEvent,
  heldOpen,
  removedEvent,
  type VerdictContext,
  verdictEvent,
} from '../usb/record.js';
import { SeenDevices } from '../usb/seen.js';

/**
 * What the module needs of the exception book (src/agent/usb/exceptions.ts); a book without
 * endExpired only stops applying an exception when its window ends (no event, no mark).
 */
export type ExceptionBookLike = Omit<ExceptionBook, 'endExpired'> &
  Partial<Pick<ExceptionBook, 'endExpired'>>;

export interface UsbModuleOptions {
  /** The exception book, made at start (absent: no exceptions can be redeemed). */
  exceptions?: (ctx: ModuleContext) => ExceptionBookLike;
  /** How often sealing is checked and present devices listed again (default a minute). */
  checkEveryMs?: number;
}

/** Until a policy is in force: storage blocked, no rules (the schema's defaults; fail closed). */
const DEFAULT_USB: Policy['usb'] = { storage: 'block', rules: [] };

const ROOT_HUB = /^usb\d+$/;
/** How often an adapter without events scans: enforcing, and only auditing. */
const ENFORCING_SCAN_MS = 500;
const AUDIT_SCAN_MS = 5_000;
/** While an exception is in force, how often the wall clock is read for its end (at most). */
export const EXPIRY_POLL_MS = 5_000;
/** How long `status` waits for a fresh read of the seal before it answers with the last one. */
const FRESH_READ_MS = 1_000;

type Because = VerdictContext['because'];

/** The usb module, with what the sync module asks of it (agent.ts wires them). */
export interface UsbModule extends AgentModule {
  /**
   * Redeems a token as `baomi exception redeem` does (the same path: the book verifies and
   * records, devices present are decided again). The sync module delivers the console's
   * approvals through it (asker socket 'console').
   */
  redeem(token: string, asker: RedeemAsker, extra?: RedeemExtra): Promise<RedeemResult>;
  /** A label for a device id (hash or vid:pid:serial) this computer has seen, if any. */
  labelOf(device: string): string | undefined;
}

interface Present {
  device: UsbDevice;
  decision: Decision;
  applied?: Decision['verdict'];
  /** The session was locked when it was decided first (usb.whileLocked). */
  locked: boolean;
  /** The OS holds it more open than decided (heldOpen): retried every minute. */
  lost?: boolean;
}

export function usbModule(o: UsbModuleOptions = {}): UsbModule {
  const checkEveryMs = o.checkEveryMs ?? 60_000;
  let ctx: ModuleContext | null = null;
  let control: UsbControl | null = null;
  let usb: Policy['usb'] = DEFAULT_USB;
  /** --enforce given and the OS lets us. */
  let canEnforce = false;
  /** Sealed, read back. */
  let sealed = false;
  /** Not sealed, but the adapter acts after arrival (macOS ejects): decisions are applied. */
  let reactive = false;
  let reason: UsbReason | undefined = 'USB_NOT_ENFORCING';
  let book: ExceptionBookLike | null = null;
  let seen: SeenDevices | null = null;
  const present = new Map<string, Present>();
  const batcher = new NoticeBatcher();
  let watch: { close(): void } | null = null;
  let unsubscribe: (() => void) | null = null;
  let timers: { cancel(): void }[] = [];
  let noticeTimer: { cancel(): void } | null = null;
  let queue: Promise<void> = Promise.resolve();
  let stopped = false;
  let scannedOnce = false;
  /** Root hubs seen so far: one of them found open when a controller appears was re-opened. */
  const hubsSeen = new Set<string>();
  /** The last time something the agent sealed was found open (status: `usb.lastLost`). */
  let lastLost: { at: number; open: string[]; resealed: boolean } | null = null;
  /** When the seal was last read (status: `usb.checkedAt`; a stopped agent's value is this old). */
  let checkedAt: number | null = null;
  let boot: BootState | null = null;
  /** A seal check queued and not started yet (requests asking at once share it). */
  let checkQueued: Promise<void> | null = null;

  const c = () => {
    if (!ctx) throw new Error('usb module not started');
    return ctx;
  };
  /** Runs one step after the ones before it; a failing step is logged, never stops the queue. */
  const enqueue = (what: string, step: () => Promise<void>): Promise<void> => {
    const next = queue.then(async () => {
      if (stopped) return;
      try {
        await step();
      } catch (e) {
        ctx?.log.error({ module: 'usb', step: what, err: String(e) }, 'usb step failed');
      }
    });
    queue = next;
    return next;
  };
  const append = (input: Parameters<ModuleContext['store']['append']>[0]) =>
    c()
      .store.append(input)
      .catch(() => {}); // a failed commit stops the agent (store.onFailure)

  /** Status claims enforcement only when sealed (checked); reactive adapters still act. */
  const enforcing = () => canEnforce && sealed;
  // Decisions are applied whenever this agent may enforce: a hub that cannot be sealed (a
  // Thunderbolt domain with security "none") takes `enforcing` away from status, never the
  // blocking of what policy blocks nor the keyboard someone plugs in.
  const acting = () => canEnforce;

  // From the idle module's lock source; unknown counts as not locked (whileLocked then does
  // not apply: usb.storage and the rules still do).
  const lockedNow = () => c().sessionLocked?.() === true;
  /** The decision's context now; `locked`: as when the device was plugged, if it is present. */
  const context = (locked = lockedNow()) => {
    const now = c().platform.clock.now();
    return { now, user: c().seatUser(), locked, exceptions: book?.active(now) ?? [] };
  };

  /**
   * Decides a device and, when enforcing, makes the OS hold it; records the verdict (or, when
   * the OS holds it more open than decided, that enforcement failed for it).
   */
  const settle = async (device: UsbDevice, because: Because, locked = lockedNow()) => {
    const cx = c();
    const was = present.get(device.id);
    let decision = decide(device, usb, context(locked));
    let result: Awaited<ReturnType<UsbControl['apply']>> | undefined;
    if (acting() && control) {
      // An allowed device whose vendor-specific interfaces have no names yet (unauthorized
      // devices show none) may be an Android phone offering MTP: authorize the device with
      // every interface held back, read the names, decide again, then open what is allowed.
      if (decision.verdict !== 'block' && needsNames(device)) {
        const holding: Decision = {
          ...decision,
          interfaces: decision.interfaces.map((i) => ({ ...i, verdict: 'block' })),
        };
        const first = await control.apply(device, holding);
        if (!first.gone && !first.error) {
          const again = (await control.list()).find((d) => d.id === device.id);
          if (again) {
            device = boot?.settle(again, false) ?? again;
            decision = decide(device, usb, context(locked));
          }
        }
      }
      result = await control.apply(device, decision);
    }
    const applied = result?.applied;
    const lost = result !== undefined && heldOpen(decision, result);
    if (result?.gone) {
      present.delete(device.id);
    } else {
      present.set(device.id, {
        device,
        decision,
        ...(applied ? { applied } : {}),
        locked,
        ...(lost ? { lost } : {}),
      });
    }
    seen?.seen(device, decision, cx.platform.clock.now(), cx.seatUser(), applied);
    if (lost) {
      lastLost = { at: cx.platform.clock.now(), open: [device.id], resealed: false };
      // Said once per device: a retry that fails again is logged, not recorded every minute.
      if (because === 'retry' && was?.lost) {
        cx.log.warn(
          {
            module: 'usb',
            device: device.id,
            verdict: decision.verdict,
            applied,
            err: result?.error,
          },
          'USB device still not held as decided',
        );
        return;
      }
    }
    const event = await cx.store
      .append(
        verdictEvent(device, decision, {
          enforcing: acting(),
          because,
          ...(result ? { result } : {}),
        }),
      )
      .catch(() => null);
    const held = applied ?? decision.verdict;
    // The person hears of every device refused: plugged now, present at start, or closed by a
    // new policy (a burst of them is one notice); and of one that could not be held back. Not
    // when nothing was enforced (no --enforce): a notice must not say "blocked" about a device
    // that works.
    const kind = lost
      ? 'failed'
      : held === 'block'
        ? 'blocked'
        : held === 'read-only'
          ? 'read-only'
          : null;
    if (acting() && kind !== null)
      queueNotice({
        kind,
        device: deviceLabel(device),
        rule: decision.rule,
        ...(event ? { seq: event.seq } : {}),
      });
  };

  const plugged = async (found: UsbDevice, atStart: boolean) => {
    if (ROOT_HUB.test(found.id)) {
      // A controller that appears later (a dock) brings an open root hub: seal it now.
      if (canEnforce && !atStart) await reseal('new-controller', found.id);
      hubsSeen.add(found.id);
      return;
    }
    if (present.has(found.id) && !atStart) return;
    // A type-MMC card the kernel says nothing about is built in only when present at the
    // first scan since boot (boot.ts; core/usb/mmc.ts).
    const device = boot?.settle(found, atStart) ?? found;
    await append(connectedEvent(device, atStart));
    await settle(device, atStart ? 'present' : 'plugged');
  };

  const removed = async (id: string) => {
    const was = present.get(id);
    present.delete(id);
    if (!was) return;
    boot?.gone(was.device);
    seen?.gone(was.device, c().platform.clock.now());
    await append(removedEvent(was.device));
  };

  /** Lists what is present: new devices are decided, vanished ones recorded as removed. */
  const rescan = async (atStart: boolean) => {
    if (!control) return;
    const now = await control.list();
    const ids = new Set(now.map((d) => d.id));
    for (const id of [...present.keys()]) if (!ids.has(id)) await removed(id);
    for (const d of now) {
      // Another device in the same port between two looks: the old one left, this one came.
      const was = present.get(d.id);
      if (was && !sameDevice(was.device, d)) await removed(d.id);
      if (!present.has(d.id)) await plugged(d, atStart);
    }
    if (atStart) boot?.firstScanDone();
    scannedOnce = true;
    armExpiry();
  };

  /**
   * When the next exception in force ends, it is ended (the book records usb.exception-ended)
   * and its device decided again (closed). The wall clock is read again at least every
   * EXPIRY_POLL_MS: a timer's delay runs on a clock that stops while the machine sleeps, and
   * the wall clock may be set forward.
   */
  let expiryTimer: { cancel(): void } | null = null;
  const armExpiry = () => {
    if (!ctx || !book || stopped) return;
    const clock = ctx.platform.clock;
    const now = clock.now();
    const ends = book
      .active(now)
      .map((e) => e.notAfter)
      .filter((t) => t > now);
    expiryTimer?.cancel();
    expiryTimer = null;
    if (ends.length === 0) return;
    const at = Math.min(...ends);
    expiryTimer = clock.after(Math.min(at - now + 1, EXPIRY_POLL_MS), () => {
      expiryTimer = null;
      if (clock.now() < at) armExpiry();
      else void enqueue('expired', () => closeExpired('expired'));
    });
  };

  /** Ends the exceptions whose window is over (recorded, marked), then decides again. */
  const closeExpired = async (because: 'expired' | 'check') => {
    if (book?.endExpired) await book.endExpired(c().platform.clock.now());
    await redecide(because);
  };

  /** The minute's check: tries again each device the OS did not hold as decided. */
  const retryLost = async () => {
    for (const p of [...present.values()])
      if (p.lost && present.get(p.device.id) === p) await settle(p.device, 'retry', p.locked);
  };

  /** What could not be sealed when last tried (a Thunderbolt domain with security "none"). */
  let stillOpen = '';

  /**
   * Seals again and records that something was open. What reads open again right after
   * sealing cannot be sealed by software: said once (and in status), not every minute. When a
   * controller appears, its own new hub is expected to be open (the adapter may have sealed it
   * already), and so is any other hub not seen before (a controller brings two: USB 2 and 3);
   * a hub seen before that reads open was re-opened by someone, as at a check.
   */
  const reseal = async (why: 'check' | 'new-controller', newHub?: string) => {
    if (!control || !canEnforce) return;
    const before = await control.sealState();
    if (before.reactive) return; // nothing to seal on this OS; said at start
    if (before.sealed && why === 'check') {
      sealed = true;
      checkedAt = c().platform.clock.now();
      reason = undefined;
      stillOpen = '';
      return;
    }
    const after = await control.seal();
    sealed = after.sealed;
    checkedAt = c().platform.clock.now();
    reason = after.sealed ? undefined : (after.reason ?? 'USB_SEAL_OPEN');
    boot?.sealed(checkedAt, after.open);
    const openNow = after.sealed ? '' : [...after.open].sort().join(',');
    const reopened = before.open.filter(
      (o) => !after.open.includes(o) && (why === 'check' || (o !== newHub && hubsSeen.has(o))),
    );
    const newlyStuck = openNow !== '' && openNow !== stillOpen;
    stillOpen = openNow;
    if (reopened.length > 0 || newlyStuck) {
      const open = why === 'check' ? before.open : [...new Set([...reopened, ...after.open])];
      lastLost = { at: c().platform.clock.now(), open, resealed: after.sealed };
      await append({
        type: 'usb.enforcement-lost',
        severity: 'high',
        data: {
          open,
          resealed: after.sealed,
          ...(after.sealed ? {} : { stillOpen: after.open, reason: reason ?? 'USB_SEAL_OPEN' }),
          why,
        },
      });
    } else if (why === 'new-controller')
      c().log.info({ module: 'usb', open: before.open }, 'new USB controller sealed');
  };

  /**
   * Checks the seal now, in turn with everything else (`baomi usb list` asks: what it says
   * about enforcement is read back, not remembered from the last minute's check).
   */
  const checkNow = (): Promise<void> => {
    if (!canEnforce) return Promise.resolve();
    checkQueued ??= enqueue('check', async () => {
      checkQueued = null;
      await reseal('check');
    });
    return checkQueued;
  };

  /**
   * The policy, the exceptions, the seat user or the time changed: decide every present device
   * again (with the lock state it was plugged in under) and apply what differs. At the minute's
   * check (`check`), a device that loses its exception says `expired`.
   */
  const redecide = async (because: 'policy' | 'exception' | 'session' | 'expired' | 'check') => {
    for (const p of [...present.values()]) {
      if (present.get(p.device.id) !== p) continue; // decided again meanwhile
      const next = decide(p.device, usb, context(p.locked));
      if (sameDecision(next, p.decision)) continue;
      const ended = p.decision.rule.by === 'exception' && next.rule.by !== 'exception';
      await settle(p.device, because === 'check' && ended ? 'expired' : because, p.locked);
    }
    armExpiry();
  };

  /**
   * Reads the seal back for status, writing nothing (bounded: FRESH_READ_MS, then the last
   * value stands). Something open that was sealed is left to the check, queued now, which
   * seals it again and records it.
   */
  const readFresh = async () => {
    if (!control || !canEnforce || stopped || !ctx) return;
    const clock = ctx.platform.clock;
    const state = await within(clock, FRESH_READ_MS, control.sealState());
    if (state === null || state.reactive || stopped) return;
    checkedAt = clock.now();
    sealed = state.sealed;
    reason = state.sealed ? undefined : (state.reason ?? 'USB_SEAL_OPEN');
    const known = new Set(stillOpen.split(',').filter(Boolean));
    if (state.open.some((o) => !known.has(o))) void checkNow();
  };

  /** Held until the burst is over (a dock's ten devices: one notice), then shown. */
  const queueNotice = (n: Parameters<NoticeBatcher['add']>[0]) => {
    const cx = c();
    batcher.add(n, cx.platform.clock.now());
    if (noticeTimer) return;
    const tick = () => {
      noticeTimer = null;
      for (const notice of batcher.due(cx.platform.clock.now())) show(notice);
      arm();
    };
    const arm = () => {
      const at = batcher.nextDue();
      if (at === null) return;
      noticeTimer = cx.platform.clock.after(Math.max(at - cx.platform.clock.now(), 0), tick);
    };
    arm();
  };

  /** To the tray (subscribers) and, for whoever has no tray, the OS's notifier. */
  const show = (notice: Notice) => {
    const cx = c();
    cx.notice(notice);
    const { title, body } = usbNoticeText(createCoreTranslator(cx.config.lang ?? 'en'), notice);
    void cx.platform.session
      .current()
      .then((to) =>
        cx.platform.notifier.notify({ code: notice.code, title, body, urgency: 'normal' }, to),
      )
      .catch((e) => cx.log.warn({ module: 'usb', err: String(e) }, 'notice not shown'));
  };

  /** Whether this computer has seen the device a token or a request names. */
  const known = (device: string) =>
    (seen?.list() ?? []).some((e) => exceptionNames(device, e.device));

  const redeem = async (
    token: string,
    asker: RedeemAsker,
    extra: RedeemExtra = {},
  ): Promise<RedeemResult> => {
    if (!book) throw new BaomiError('PROTOCOL_UNSUPPORTED', { type: 'usb.exception.redeem' }, 1);
    const r = await book.redeem(token, asker, extra);
    // A stick already plugged is opened now, not at its next plug.
    if (r.ok) await enqueue('exception', () => redecide('exception'));
    return r;
  };

  const labelOf = (device: string): string | undefined => {
    const e = (seen?.list() ?? []).find((x) => exceptionNames(device, x.device));
    return e ? deviceLabel(e.device) : undefined;
  };

  /**
   * An employee asks for an exception: checked like a token's fields, recorded with the seat
   * user as `usb.exception-requested` (the sync module sends it to the console with the
   * other events; without a console it stays in the log). On admin.sock (root) the request
   * is the seat user's, and there must be one.
   */
  const request = async (device: string, reason: string, asker: Asker): Promise<string> => {
    const cx = c();
    const shown = device.slice(0, 80);
    if (!isDeviceId(device))
      throw new BaomiError('EXCEPTION_REQUEST_BAD_DEVICE', { value: shown }, 2);
    const problem = reasonProblem(reason);
    if (problem?.code === 'EXCEPTION_REASON_TOO_LONG')
      throw new BaomiError(problem.code, problem.params, 2);
    if (problem) throw new BaomiError('EXCEPTION_REQUEST_BAD_REASON', {}, 2);
    const user = asker.seatUser ?? (asker.socket === 'admin' ? cx.seatUser() : null);
    if (!user) throw new BaomiError('EXCEPTION_REQUEST_NO_SEAT_USER', {}, 2);
    const requestId = uuidv7();
    const label = labelOf(device);
    await cx.store.append({
      type: 'usb.exception-requested',
      severity: 'low',
      user,
      data: { requestId, device, ...(label !== undefined ? { deviceLabel: label } : {}), reason },
    });
    cx.log.info({ module: 'usb', requestId, device, user }, 'exception requested');
    return requestId;
  };

  return {
    name: 'usb',
    redeem,
    labelOf,
    async start(context0) {
      ctx = context0;
      control = context0.platform.usb;
      seen = new SeenDevices(context0.store);
      boot = new BootState(context0.store, context0.platform.kernel.bootId());
      book = o.exceptions ? o.exceptions(context0) : null;
      const problem = context0.config.enforce
        ? await control.enforceProblem()
        : ('USB_NOT_ENFORCING' as const);
      canEnforce = problem === null;
      reason = problem ?? undefined;
      if (canEnforce) {
        // Sealed before anything else is looked at: from here no new device gets a driver
        // until it is decided. Read first: what this agent had sealed earlier in this boot
        // and reads open now was opened while it was stopped, and is said so (after sealing:
        // recording first would hold the port open for one more commit).
        const before = boot.earlier ? await control.sealState() : null;
        const state = await control.seal({ earlierThisBoot: boot.earlier !== null });
        const now = context0.platform.clock.now();
        checkedAt = now;
        sealed = state.sealed;
        reactive = state.reactive === true;
        reason = state.sealed ? undefined : (state.reason ?? 'USB_SEAL_OPEN');
        stillOpen = state.sealed ? '' : [...state.open].sort().join(',');
        const earlier = boot.earlier;
        const reopened =
          before && earlier && !reactive
            ? before.open.filter((x) => !earlier.stillOpen.includes(x))
            : [];
        if (!reactive) boot.sealed(now, state.open);
        if (reopened.length > 0) {
          const resealed = reopened.every((x) => !state.open.includes(x));
          lastLost = { at: now, open: reopened, resealed };
          await append({
            type: 'usb.enforcement-lost',
            severity: 'high',
            data: {
              open: reopened,
              resealed,
              ...(resealed ? {} : { stillOpen: state.open, reason: reason ?? 'USB_SEAL_OPEN' }),
              why: 'while-stopped',
              sealedAt: earlier?.at ?? now,
            },
          });
        } else if (!state.sealed && !reactive) {
          lastLost = { at: context0.platform.clock.now(), open: state.open, resealed: false };
          await append({
            type: 'usb.enforcement-lost',
            severity: 'high',
            data: {
              open: state.open,
              resealed: false,
              stillOpen: state.open,
              reason: reason ?? 'USB_SEAL_OPEN',
              why: 'start',
            },
          });
        }
      } else if (context0.config.enforce) {
        // Said once: enforcement was asked for and is not possible here; devices are audited.
        context0.log.warn({ module: 'usb', reason }, 'USB enforcement unavailable; auditing only');
      }
      // Enforcing, an allowed device waits for the next scan (where the OS gives no events);
      // auditing, nothing waits on it, and an idle agent should sleep.
      const scanEveryMs = acting() ? ENFORCING_SCAN_MS : AUDIT_SCAN_MS;
      watch = control.watch(
        {
          added: (d) => void enqueue('added', () => plugged(d, false)),
          removed: (id) => void enqueue('removed', () => removed(id)),
          error: (err) => {
            context0.log.warn(
              { module: 'usb', err: String(err) },
              'USB detection failed; scanning',
            );
            void enqueue('rescan', () => rescan(false));
          },
        },
        { scanEveryMs },
      );
      // Exceptions are per person: when someone else sits down, theirs apply, not the last one's.
      unsubscribe = context0.store.onCommitted((events) => {
        if (scannedOnce && events.some((e) => e.type === 'session.changed'))
          void enqueue('session', () => redecide('session'));
      });
      timers.push(
        context0.platform.clock.every(checkEveryMs, () => {
          void enqueue('check', async () => {
            await reseal('check');
            await rescan(false);
            // Every device again with the clock as it reads now: an exception whose window
            // ended while the machine slept or the clock jumped closes its device here.
            await closeExpired('check');
            await retryLost();
            seen?.save();
          });
        }),
      );
      // The devices present now are decided once the policy in force has been applied (the
      // module runner applies it right after start), not with the defaults first.
      void enqueue('start', async () => {
        await new Promise<void>((r) => setImmediate(r));
        // Exceptions that ended while the agent was stopped are ended (recorded) first.
        if (book?.endExpired) await book.endExpired(context0.platform.clock.now());
        await rescan(true);
        seen?.save();
      });
    },
    apply(p) {
      usb = p.policy.usb;
      if (ctx && scannedOnce) void enqueue('policy', () => redecide('policy'));
    },
    async stop() {
      watch?.close();
      watch = null;
      unsubscribe?.();
      unsubscribe = null;
      for (const t of timers) t.cancel();
      timers = [];
      noticeTimer?.cancel();
      noticeTimer = null;
      expiryTimer?.cancel();
      expiryTimer = null;
      await queue;
      stopped = true;
      try {
        seen?.save();
      } catch {
        // the store is closing or failing: the list is only history
      }
      // Nothing is unsealed: a stopped agent keeps new devices waiting (fail closed).
    },
    status: () => {
      const failed = [...present.values()].filter((p) => p.lost).map((p) => p.device.id);
      return {
        usb: {
          enforcing: enforcing(),
          ...(enforcing() ? {} : { reason: reason ?? 'USB_SEAL_OPEN' }),
          detection: control?.detection ?? 'none',
          present: present.size,
          blocked: [...present.values()].filter(
            (p) => (p.applied ?? p.decision.verdict) === 'block',
          ).length,
          ...(failed.length > 0 ? { failed } : {}),
          ...(lastLost ? { lastLost } : {}),
          // When the seal was last read: `status --data-dir` of a stopped agent shows this.
          ...(checkedAt !== null ? { checkedAt } : {}),
        },
      };
    },
    refresh: readFresh,
    requests: {
      'usb.list': async (): Promise<UsbListResult> => {
        await checkNow();
        return {
          enforcing: enforcing(),
          ...(enforcing() ? {} : { reason: reason ?? 'USB_SEAL_OPEN' }),
          devices: seen?.list() ?? [],
        };
      },
      'usb.exception.redeem': async (req: Request, asker: Asker) => {
        if (req.type !== 'usb.exception.redeem') throw new Error('wrong request');
        if (!book) throw new BaomiError('PROTOCOL_UNSUPPORTED', { type: req.type }, 1);
        // A token for a device this computer has not seen is refused (plug it in first).
        const r = await redeem(req.token, asker, { deviceKnown: known });
        if (!r.ok) throw new BaomiError(r.code, r.params, 2);
        return { exception: r.exception };
      },
      'usb.exception.request': async (req: Request, asker: Asker) => {
        if (req.type !== 'usb.exception.request') throw new Error('wrong request');
        return { requestId: await request(req.device, req.reason, asker) };
      },
    },
  };
}

/** What `p` resolves to within `ms`, else null (a rejection is null too). */
async function within<T>(
  clock: { after(ms: number, fn: () => void): { cancel(): void } },
  ms: number,
  p: Promise<T>,
): Promise<T | null> {
  let timer: { cancel(): void } | undefined;
  const late = new Promise<null>((r) => {
    timer = clock.after(ms, () => r(null));
  });
  try {
    return await Promise.race([p.catch(() => null), late]);
  } finally {
    timer?.cancel();
  }
}

/** The same device as before (a swap in one port between scans is not). */
function sameDevice(a: UsbDevice, b: UsbDevice): boolean {
  if (a.hash !== undefined && b.hash !== undefined) return a.hash === b.hash;
  return a.vendor === b.vendor && a.product === b.product && a.serial === b.serial;
}

/** Vendor-specific interfaces without names: the device might be an MTP phone (USB only). */
function needsNames(d: UsbDevice): boolean {
  return (
    d.bus === 'usb' &&
    d.interfaces.some((i) => i.class === 'ff' && i.name === undefined && !isStorageInterface(i))
  );
}

function sameDecision(a: Decision, b: Decision): boolean {
  return (
    a.verdict === b.verdict &&
    a.interfaces.length === b.interfaces.length &&
    a.interfaces.every((i, k) => i.verdict === b.interfaces[k]?.verdict)
  );
}
