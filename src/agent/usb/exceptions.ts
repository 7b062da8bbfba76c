// The agent's book of temporary USB exceptions (DESIGN.md "Exception tokens"): redeems signed
// tokens (core/exceptions/token.ts) against the keys in `<trustDir>/exceptions/`, never the
// policy keys, and says which exceptions are in force. The usb module asks it for both; the
// decision (core/usb) applies them.
//
// What holds, and where:
// - each redemption and each refusal is an event (`usb.exception`, `usb.exception-refused`),
//   durable before the answer; a refusal records the token's id and fingerprint, never the
//   token (it is a bearer credential);
// - the redeemed exceptions live in the store's state (key STATE_KEY), written in the same
//   transaction as their `usb.exception` event: they survive a restart and an unplug/replug,
//   and an id is redeemed once;
// - a window that ends before the newest event the store holds is refused (the clock was set
//   back), and is not in force either;
// - when an exception's window is seen to end (endExpired: the usb module asks every minute
//   and when the next one is due), `usb.exception-ended` is stored, so the store's newest `ts`
//   passes its notAfter, and its id is marked ended in the state in the same transaction: an
//   ended id is never in force again and never redeemed again, whatever the clock says later;
// - on agent.sock only the seat user may redeem, and only a token naming them; root on
//   admin.sock may redeem for anyone, and so may the console's approval delivered by the sync
//   module (socket 'console': the token names the person who asked, who need not be at the
//   console when it arrives; its signature and host are checked as for any token).
// Keys are read again at every redemption, with the same safety rules as policy keys
// (policy/trust.ts): a key installed later works without a restart.
import type { ExceptionRefusalCode } from '../../core/codes/exceptions.js';
import type { Json, Severity } from '../../core/events/types.js';
import {
  compactToken,
  isoTime,
  keyFingerprint,
  parseToken,
  toActiveException,
  tokenFingerprint,
  verifyToken,
} from '../../core/exceptions/token.js';
import type { Clock } from '../../core/ports/clock.js';
import type { ActiveException } from '../../core/usb/types.js';
import type { Logger } from '../log.js';
import { inspectTrustDir, logTrustReport } from '../policy/trust.js';
import type { EventStore } from '../store/index.js';

/** The store's state key holding the redeemed exceptions (JSON, StoredBook). */
export const STATE_KEY = 'usb.exceptions';

export interface ExceptionBookOptions {
  store: EventStore;
  /** The parent of exceptions/ (and policy/): `--trust-dir`. */
  trustDir: string;
  clock: Pick<Clock, 'now'>;
  log: Logger;
  /** This computer's name (a token naming another host is refused). */
  host: string;
}

/** Who asks (the socket server's Asker fits): agent.sock unless said otherwise. */
export interface RedeemAsker {
  socket?: 'agent' | 'admin' | 'console';
  /** Set only when the request proved it comes from the seat user (seat token). */
  seatUser?: string;
}

/** What the caller knows that the token cannot: whether its device was seen here. */
export interface RedeemExtra {
  /** Whether this computer has seen the device a token names (hash or vid:pid:serial). */
  deviceKnown?: (device: string) => boolean;
  /** Recorded in the event too, success or refusal (the console's `requestId`). */
  record?: Record<string, Json>;
}

export type RedeemResult =
  | { ok: true; exception: ActiveException }
  | { ok: false; code: ExceptionRefusalCode; params: Record<string, Json> };

export interface ExceptionBook {
  /** Verifies, records and keeps the exception; one redemption at a time. */
  redeem(token: string, by?: RedeemAsker, extra?: RedeemExtra): Promise<RedeemResult>;
  /** The exceptions in force at `now` (ms since the epoch). */
  active(now: number): ActiveException[];
  /**
   * Ends every exception whose window is over at `now`: one `usb.exception-ended` each, with
   * its id marked ended in the same transaction. Returns those it ended (none: []).
   */
  endExpired(now: number): Promise<ActiveException[]>;
}

/** One redeemed exception as kept in the state. */
interface Redeemed extends ActiveException {
  redeemedAt: number;
}

/** An exception whose window was seen to end: its id is spent for good. */
interface Ended {
  id: string;
  redeemedAt: number;
  notAfter: number;
  endedAt: number;
}

interface StoredBook {
  v: 1;
  redeemed: Redeemed[];
  /** Absent in a state an older agent wrote. */
  ended?: Ended[];
}

/**
 * Ended ids kept, newest first. A token's window is short (EXCEPTION_WINDOW_TOO_LONG), so one
 * dropped from here ended long before the newest event and is refused as a clock set back.
 */
export const MAX_ENDED = 5_000;

/** How loudly each refusal is recorded: forgery and a clock set back are for security staff. */
const SEVERITY: Record<ExceptionRefusalCode, Severity> = {
  EXCEPTION_MALFORMED: 'low',
  EXCEPTION_TOO_LONG: 'low',
  EXCEPTION_BAD_FIELD: 'low',
  EXCEPTION_REASON_TOO_LONG: 'low',
  EXCEPTION_WINDOW_TOO_LONG: 'low',
  EXCEPTION_KEY_INVALID: 'low',
  EXCEPTION_EXPIRED: 'low',
  EXCEPTION_NOT_YET_VALID: 'low',
  EXCEPTION_NO_TRUSTED_KEYS: 'medium',
  EXCEPTION_WRONG_HOST: 'medium',
  EXCEPTION_WRONG_USER: 'medium',
  EXCEPTION_NO_SEAT_USER: 'medium',
  EXCEPTION_WRONG_DEVICE: 'medium',
  EXCEPTION_ALREADY_REDEEMED: 'medium',
  EXCEPTION_BAD_SIGNATURE: 'high',
  EXCEPTION_KEYS_UNSAFE: 'high',
  EXCEPTION_CLOCK_BACK: 'high',
  EXCEPTION_DENIED: 'low',
};

export function createExceptionBook(o: ExceptionBookOptions): ExceptionBook {
  const { store, log } = o;
  const loaded = load(store, log);
  const book = new Map<string, Redeemed>(loaded.redeemed.map((r) => [r.id, r]));
  const ended = new Map<string, Ended>(loaded.ended.map((e) => [e.id, e]));
  let queue: Promise<unknown> = Promise.resolve();
  /** One at a time: redemptions and endings change the same state. */
  const serial = <T>(run: () => Promise<T>): Promise<T> => {
    const result = queue.then(run, run);
    queue = result.catch(() => {});
    return result;
  };
  /** The state as it will be with `redeemed` in force and `more` ended too. */
  const stateWith = (redeemed: Redeemed[], more: Ended[]): string => {
    const all = new Map(ended);
    for (const e of more) all.set(e.id, e);
    const newest = [...all.values()].sort((a, b) => b.endedAt - a.endedAt).slice(0, MAX_ENDED);
    const s: StoredBook = { v: 1, redeemed, ended: newest };
    return JSON.stringify(s);
  };
  const adopt = (raw: string) => {
    const s = JSON.parse(raw) as Required<StoredBook>;
    book.clear();
    for (const r of s.redeemed) book.set(r.id, r);
    ended.clear();
    for (const e of s.ended) ended.set(e.id, e);
  };

  const refuse = async (
    text: string,
    code: ExceptionRefusalCode,
    params: Record<string, Json>,
    by: 'agent' | 'admin' | 'console',
    record: Record<string, Json> = {},
  ): Promise<RedeemResult> => {
    const parsed = parseToken(text);
    const id = parsed.ok ? parsed.token.payload.id : undefined;
    const fingerprint = tokenFingerprint(compactToken(text));
    await store.append({
      type: 'usb.exception-refused',
      severity: SEVERITY[code],
      data: { ...record, code, params, ...(id ? { id } : {}), fingerprint, socket: by },
    });
    log.warn({ module: 'usb', code, params, id, fingerprint, socket: by }, 'exception refused');
    return { ok: false, code, params };
  };

  const redeemNow = async (
    text: string,
    asker: RedeemAsker,
    extra: RedeemExtra,
  ): Promise<RedeemResult> => {
    const by = asker.socket ?? 'agent';
    const record = extra.record ?? {};
    const now = o.clock.now();
    const trust = logTrustReport(o.trustDir, inspectTrustDir(o.trustDir, 'exceptions'), log, 'usb');
    const seatOnly = by === 'agent';
    const v = verifyToken(text, trust.keys, {
      now,
      host: o.host,
      ...(seatOnly && asker.seatUser !== undefined ? { user: asker.seatUser } : {}),
    });
    if (!v.ok) {
      // A signature no trusted key made, while keys were ignored as unsafe: say so (IT may
      // have installed the right key with the wrong owner or mode).
      const unsafe =
        (v.code === 'EXCEPTION_BAD_SIGNATURE' || v.code === 'EXCEPTION_NO_TRUSTED_KEYS') &&
        trust.ignored.length > 0;
      return unsafe
        ? refuse(text, 'EXCEPTION_KEYS_UNSAFE', { count: trust.ignored.length }, by, record)
        : refuse(text, v.code, v.params, by, record);
    }
    const p = v.token.payload;
    if (seatOnly && asker.seatUser === undefined)
      return refuse(text, 'EXCEPTION_NO_SEAT_USER', { user: p.user }, by, record);
    const before = book.get(p.id) ?? ended.get(p.id);
    if (before)
      return refuse(
        text,
        'EXCEPTION_ALREADY_REDEEMED',
        { at: isoTime(before.redeemedAt), notAfter: isoTime(before.notAfter) },
        by,
        record,
      );
    // A token for a device this computer has not seen is refused (and not used up): plug the
    // device in first, so a token sent to the wrong person or machine is said at once.
    if (extra.deviceKnown && !extra.deviceKnown(p.device))
      return refuse(text, 'EXCEPTION_WRONG_DEVICE', { device: p.device }, by, record);
    const newest = store.newestTs();
    if (p.notAfter <= newest)
      return refuse(
        text,
        'EXCEPTION_CLOCK_BACK',
        { notAfter: isoTime(p.notAfter), newest: isoTime(newest) },
        by,
        record,
      );
    const exception = toActiveException(p);
    const entry: Redeemed = { ...exception, redeemedAt: now };
    // Entries whose window has ended move to the ended ids (endExpired had not seen them yet):
    // they can never be redeemed or be in force again. The `usb.exception` below is stored at
    // `now` (the store reads the same clock), so from then on a replay is refused as expired,
    // or as a clock set back.
    const horizon = Math.max(newest, now);
    const kept = [...book.values()].filter((r) => r.notAfter > horizon);
    const over = [...book.values()]
      .filter((r) => r.notAfter <= horizon)
      .map((r) => endedOf(r, now));
    const state = stateWith([...kept, entry], over);
    const key = trust.keys.find((k) => k.name === v.keyName);
    const fingerprint = tokenFingerprint(v.token.compact);
    await store.append(
      {
        type: 'usb.exception',
        severity: 'medium',
        data: {
          ...record,
          id: p.id,
          device: p.device,
          user: p.user,
          ...(p.host !== undefined ? { host: p.host } : {}),
          notBefore: p.notBefore,
          notAfter: p.notAfter,
          reason: p.reason,
          key: v.keyName,
          keyFingerprint: (key && keyFingerprint(key.publicKeyPem)) ?? '',
          fingerprint,
          socket: by,
        },
      },
      { state: { [STATE_KEY]: state } },
    );
    adopt(state);
    log.info(
      {
        module: 'usb',
        id: p.id,
        device: p.device,
        user: p.user,
        notAfter: p.notAfter,
        key: v.keyName,
      },
      'exception redeemed',
    );
    return { ok: true, exception };
  };

  const endNow = async (now: number): Promise<ActiveException[]> => {
    const out: ActiveException[] = [];
    for (const r of [...book.values()].sort((a, b) => a.notAfter - b.notAfter)) {
      if (r.notAfter > now || ended.has(r.id)) continue;
      const state = stateWith(
        [...book.values()].filter((x) => x.id !== r.id),
        [endedOf(r, now)],
      );
      // Stored at `now` >= notAfter: from here the newest event is past the window, so a
      // clock set back cannot bring it into force; the ended mark holds whatever the clock.
      await store.append(
        {
          type: 'usb.exception-ended',
          severity: 'info',
          data: {
            id: r.id,
            device: r.device,
            user: r.user,
            notBefore: r.notBefore,
            notAfter: r.notAfter,
            redeemedAt: r.redeemedAt,
          },
        },
        { state: { [STATE_KEY]: state } },
      );
      adopt(state);
      log.info({ module: 'usb', id: r.id, device: r.device, user: r.user }, 'exception ended');
      out.push(toActive(r));
    }
    return out;
  };

  return {
    redeem(text, asker = {}, extra = {}) {
      // One at a time: two redemptions of one token must not both find it unused.
      return serial(() => redeemNow(text, asker, extra));
    },
    active(now) {
      const newest = store.newestTs();
      return [...book.values()]
        .filter(
          (r) => !ended.has(r.id) && r.notBefore <= now && now < r.notAfter && r.notAfter > newest,
        )
        .map(toActive);
    },
    endExpired(now) {
      return serial(() => endNow(now));
    },
  };
}

function endedOf(r: Redeemed, at: number): Ended {
  return { id: r.id, redeemedAt: r.redeemedAt, notAfter: r.notAfter, endedAt: at };
}

/**
 * The redeemed and ended exceptions from the state; when the state is missing (an older
 * agent) or unreadable, rebuilt from the `usb.exception` and `usb.exception-ended` events,
 * which the hash chain covers.
 */
function load(store: EventStore, log: Logger): { redeemed: Redeemed[]; ended: Ended[] } {
  const raw = store.getState(STATE_KEY);
  if (raw !== undefined) {
    try {
      const parsed = JSON.parse(raw) as StoredBook;
      if (parsed.v === 1 && Array.isArray(parsed.redeemed)) {
        const kept = parsed.redeemed.flatMap(redeemed);
        const was = parsed.ended ?? [];
        const ends = Array.isArray(was) ? was.flatMap(endedEntry) : [];
        if (
          kept.length === parsed.redeemed.length &&
          Array.isArray(was) &&
          ends.length === was.length
        )
          return { redeemed: kept, ended: ends };
      }
    } catch {
      // rebuilt below
    }
    log.error({ module: 'usb', key: STATE_KEY }, 'exception state unreadable; rebuilt from events');
  }
  const ends = store
    .query({ types: ['usb.exception-ended'] })
    .flatMap((e) => endedEntry({ ...e.data, endedAt: e.ts }));
  const spent = new Set(ends.map((e) => e.id));
  return {
    redeemed: store
      .query({ types: ['usb.exception'] })
      .flatMap((e) => redeemed({ ...e.data, redeemedAt: e.ts }))
      .filter((r) => !spent.has(r.id)),
    ended: ends,
  };
}

/** A well-formed ended entry, with nothing but its own fields; [] otherwise. */
function endedEntry(r: unknown): Ended[] {
  if (typeof r !== 'object' || r === null) return [];
  const { id, redeemedAt, notAfter, endedAt } = r as Record<string, unknown>;
  if (typeof id !== 'string') return [];
  if (![redeemedAt, notAfter, endedAt].every((n) => Number.isSafeInteger(n))) return [];
  return [
    {
      id,
      redeemedAt: redeemedAt as number,
      notAfter: notAfter as number,
      endedAt: endedAt as number,
    },
  ];
}

/** A well-formed entry, with nothing but its own fields; [] otherwise. */
function redeemed(r: unknown): Redeemed[] {
  if (typeof r !== 'object' || r === null) return [];
  const e = r as Record<string, unknown>;
  const { id, device, user, reason, notBefore, notAfter, redeemedAt } = e;
  if (typeof id !== 'string' || typeof device !== 'string' || typeof user !== 'string') return [];
  if (typeof reason !== 'string') return [];
  if (![notBefore, notAfter, redeemedAt].every((n) => Number.isSafeInteger(n))) return [];
  return [
    {
      id,
      device,
      user,
      reason,
      notBefore: notBefore as number,
      notAfter: notAfter as number,
      redeemedAt: redeemedAt as number,
    },
  ];
}

function toActive(r: Redeemed): ActiveException {
  return {
    id: r.id,
    device: r.device,
    user: r.user,
    notBefore: r.notBefore,
    notAfter: r.notAfter,
    reason: r.reason,
  };
}
