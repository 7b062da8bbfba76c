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
}

/** One redeemed exception as kept in the state. */
interface Redeemed extends ActiveException {
  redeemedAt: number;
}

interface StoredBook {
  v: 1;
  redeemed: Redeemed[];
}

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
  const book = new Map<string, Redeemed>(load(store, log).map((r) => [r.id, r]));
  let queue: Promise<unknown> = Promise.resolve();

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
    const before = book.get(p.id);
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
    // Entries whose window has ended are dropped: their ids can never be redeemed again
    // anyway. The `usb.exception` below is stored at `now` (the store reads the same clock),
    // so from then on a replay is refused as expired, or as a clock set back.
    const horizon = Math.max(newest, now);
    const kept = [...book.values()].filter((r) => r.notAfter > horizon);
    const stored: StoredBook = { v: 1, redeemed: [...kept, entry] };
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
      { state: { [STATE_KEY]: JSON.stringify(stored) } },
    );
    book.clear();
    for (const r of stored.redeemed) book.set(r.id, r);
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

  return {
    redeem(text, asker = {}, extra = {}) {
      // One at a time: two redemptions of one token must not both find it unused.
      const run = () => redeemNow(text, asker, extra);
      const result = queue.then(run, run);
      queue = result.catch(() => {});
      return result;
    },
    active(now) {
      const newest = store.newestTs();
      return [...book.values()]
        .filter((r) => r.notBefore <= now && now < r.notAfter && r.notAfter > newest)
        .map(toActive);
    },
  };
}

/**
 * The redeemed exceptions from the state; when the state is missing (an older agent) or
 * unreadable, rebuilt from the `usb.exception` events, which the hash chain covers.
 */
function load(store: EventStore, log: Logger): Redeemed[] {
  const raw = store.getState(STATE_KEY);
  if (raw !== undefined) {
    try {
      const parsed = JSON.parse(raw) as StoredBook;
      if (parsed.v === 1 && Array.isArray(parsed.redeemed)) {
        const kept = parsed.redeemed.flatMap(redeemed);
        if (kept.length === parsed.redeemed.length) return kept;
      }
    } catch {
      // rebuilt below
    }
    log.error({ module: 'usb', key: STATE_KEY }, 'exception state unreadable; rebuilt from events');
  }
  return store
    .query({ types: ['usb.exception'] })
    .flatMap((e) => redeemed({ ...e.data, redeemedAt: e.ts }));
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
