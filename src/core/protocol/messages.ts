// Messages between the agent and its local clients (CLI, tray) over agent.sock / admin.sock.
// Framing: one JSON object per line (UTF-8, '\n'), at most MAX_LINE_BYTES per line.
// Node cannot see who connects to a unix socket, so file permissions decide who may ask
// what: agent.sock is open to any local user, admin.sock to root only (DESIGN.md); a request
// on agent.sock made as the seat user carries the seat token (`seat`).
// A connection may also subscribe: the agent pushes new events and notices (PushFrame) on it.
import type { ErrorCode } from '../codes/index.js';
import type { BaomiEvent, Json, Severity } from '../events/types.js';
import type { VerifyResult } from '../events/verify.js';
import type { PolicyProblem } from '../policy/rejection.js';
import type { ActiveException, Decision, UsbDevice } from '../usb/types.js';

export const MAX_LINE_BYTES = 1024 * 1024;
export const PROTOCOL_VERSION = 1;

export type IdleSource = 'x11' | 'logind' | 'windows' | 'macos' | 'tray' | 'none';

export interface EventFilter {
  /** Exact types or globs: "file.*", "usb.*". */
  types?: string[];
  minSeverity?: Severity;
  /** This level or higher on the same scale (A < AA < AAA; 秘密 < 机密 < 绝密); unknown levels match exactly. */
  level?: string;
  /** ms since the epoch, inclusive. */
  since?: number;
  /** ms since the epoch, exclusive. */
  until?: number;
  /** Case-insensitive substring of the event's `data` JSON (which holds `path`). */
  text?: string;
  user?: string;
  /** Only events with seq > afterSeq. */
  afterSeq?: number;
  /** Only events with seq < beforeSeq: newest-first paging (order 'desc'), as the log viewer does. */
  beforeSeq?: number;
  /** No limit when absent (the socket caps it: sanitizeFilter). */
  limit?: number;
  /** By seq; default 'asc'. */
  order?: 'asc' | 'desc';
}

export type FolderState = 'starting' | 'watching' | 'limited' | 'missing' | 'failed';

/** `baomi status`: assembled from each agent module's slice (DESIGN.md "Decisions"). */
export interface StatusResult {
  /** True when a running agent answered; false when read from a data dir. */
  running: boolean;
  policy: { name: string; version: number } | null;
  /** How many classified folders the policy names. */
  folders: number;
  /** Each folder and whether it is watched. */
  watched: { path: string; level: string; state: FolderState; reason?: string }[];
  /** Files in the watched folders whose last change has no `file.hashed` yet. */
  hashesPending?: number;
  events: { stored: number; unsynced: number };
  /** Who is at the console (the `user` of new events), and where that came from. */
  seatUser: { name: string; source: string } | null;
  seatSource: string;
  idleSource: IdleSource;
  /**
   * `reason`: a message code saying why USB storage is not enforced. `lastLost`: the last time
   * since the agent started that something it sealed was found open, or a device was not held
   * as decided (usb.enforcement-lost). `failed`: present devices the system holds more open
   * than decided (retried every minute). `checkedAt`: when the seal was last read (a running
   * agent reads it for each status; from a data dir, the stopped agent's last reading).
   */
  usb: {
    enforcing: boolean;
    reason?: string;
    lastLost?: { at: number; open: string[]; resealed: boolean };
    failed?: string[];
    checkedAt?: number;
  };
  /** The sync module: the console the policy names (null when none: events stay local) and
   *  how sending to it goes. */
  sync?: SyncStatus;
  /** The policy in force's screen watermark, for the tray (null or absent: none). */
  watermark?: { enabled: boolean; text: string; opacity: number } | null;
  /** The policy module: the last refusal since the policy in force applied (null: none). */
  policyRejected?: PolicyRejectedStatus | null;
  /** Slices of other modules (alerts, retention…), by module. */
  [slice: string]: unknown;
}

/** The sync module's slice of `status` (src/agent/modules/sync.ts). */
export interface SyncStatus {
  /** The policy's sync.console; null when the policy names none (events stay local). */
  console: string | null;
  /** `<dataDir>/enrollment.json` exists (absent in an older agent's answer). */
  enrolled?: boolean;
  agentId?: string;
  /** The console this agent enrolled with, when it is not the one the policy names. */
  enrolledWith?: string;
  /** ms since the epoch of the last request the console answered with 200. */
  lastSuccess?: number;
  /** The last failure since then: a code (core/codes/sync.ts) and its params. */
  lastError?: { code: string; params: Record<string, Json>; at: number };
  /** Events stored above the console's acknowledgement. */
  eventsWaiting?: number;
  /** ms since the epoch of the next request, when one is planned. */
  nextAt?: number;
}

/**
 * A refused policy as `status` reports it: the `policy.rejected` event's code and params (render
 * with core/policy/rejection.ts), its `seq` and when (`at`, ms since the epoch).
 */
export interface PolicyRejectedStatus {
  seq: number;
  at: number;
  file: string;
  code: string;
  params: Record<string, Json>;
  inForceVersion: number | null;
  /** Events recorded before the params were: their English reason. */
  reason?: string;
  /** Every problem of a parse or schema failure, as the event records them (rejection.ts). */
  problems?: PolicyProblem[];
  /** Problems found beyond those recorded. */
  moreProblems?: number;
}

/** The answer to `verify`: the shared chain walk's result (src/core/events/verify.ts). */
export type { VerifyResult } from '../events/verify.js';

/** Requests a module of the agent answers (RequestHandler in src/agent/module.ts). */
export type Request =
  | { id: number; type: 'status' }
  | { id: number; type: 'events.query'; filter: EventFilter }
  | { id: number; type: 'verify' }
  | ({ id: number; type: 'idle.report' } & IdleReport)
  | { id: number; type: 'usb.list' }
  | { id: number; type: 'usb.exception.redeem'; token: string }
  | ({ id: number; type: 'usb.exception.request' } & ExceptionRequestInput)
  | { id: number; type: 'pledge.get' }
  | { id: number; type: 'pledge.acknowledge'; sha256: string };

/**
 * The policy's confidentiality pledge as the person is shown it (`pledge.get`): both texts,
 * their hash (core/policy/pledge.ts) and whether the asking seat user has confirmed this very
 * text (null when the asker is not known to be the seat user).
 */
export interface PledgeView {
  pledge: { 'zh-CN': string; en: string; sha256: string; version: number } | null;
  acknowledged: boolean | null;
}

/**
 * An employee asks for a temporary USB exception (`baomi exception request`, the tray later):
 * recorded as `usb.exception-requested` and sent to the console on the next sync. The agent
 * checks both fields again (core/exceptions/token.ts: isDeviceId, reasonProblem).
 */
export interface ExceptionRequestInput {
  /** The device's hash or vid:pid:serial. */
  device: string;
  reason: string;
}

/** Longest exception token accepted on the socket (a real one is well under 1 KiB). */
export const MAX_EXCEPTION_TOKEN = 4096;
/** Longest device id and reason accepted on the socket (the agent's own checks are tighter). */
export const MAX_REQUEST_DEVICE = 256;
export const MAX_REQUEST_REASON = 4096;

/** One line of `baomi usb list`: a device present now or seen recently, and its decision. */
export interface UsbListEntry {
  device: UsbDevice;
  decision: Decision;
  /** What the OS holds now (read back after enforcing); absent when not enforcing. */
  applied?: Decision['verdict'];
  present: boolean;
  /** ms since the epoch. */
  firstSeen: number;
  lastSeen: number;
  /** The seat user when it was last plugged. */
  user?: string;
}

export interface UsbListResult {
  enforcing: boolean;
  reason?: string;
  devices: UsbListEntry[];
}

/**
 * What the tray reports about the person's session (future: the idle module). Seat token
 * required on agent.sock (SEAT_REQUIRED); the agent may answer PROTOCOL_UNSUPPORTED.
 */
export interface IdleReport {
  /** How long the session has had no input, ms. */
  idleMs: number;
  /** The session is locked (when the tray knows). */
  locked?: boolean;
  /** When the tray measured it, ms since the epoch. */
  at: number;
}

export type RequestType = Request['type'];

/**
 * Messages the socket layer itself answers, never a module: `subscribe` starts (or restarts)
 * this connection's subscription, `unsubscribe` ends it, `ack` (no id, no answer) says the
 * client has handled every pushed frame through frame number `through`.
 */
export type ConnectionRequest =
  | { id: number; type: 'subscribe'; afterSeq: number; window: number }
  | { id: number; type: 'unsubscribe' };
export interface AckMessage {
  type: 'ack';
  through: number;
}

/** Everything a client may send. `seat` is the seat token (DESIGN.md "Who is asking"). */
export type ClientMessage = (Request | ConnectionRequest | AckMessage) & { seat?: string };

export type MessageType = RequestType | ConnectionRequest['type'];

export interface ResultOf {
  status: StatusResult;
  'events.query': { events: BaomiEvent[] };
  verify: VerifyResult;
  'idle.report': Record<string, never>;
  'usb.list': UsbListResult;
  'usb.exception.redeem': { exception: ActiveException };
  'usb.exception.request': { requestId: string };
  'pledge.get': PledgeView;
  'pledge.acknowledge': { seq: number };
  subscribe: SubscribeResult;
  unsubscribe: Record<string, never>;
}

export interface SubscribeResult {
  /** Frames the agent sends before waiting for an ack. */
  window: number;
}

export type Response =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { code: ErrorCode; params: Record<string, unknown> } };

/**
 * A notice for the person at the console (DESIGN.md "Notices"): a message code and its
 * parameters, translated at the display end; `seq` is the event it is about, if any.
 */
export interface Notice {
  code: string;
  params: Record<string, Json>;
  seq?: number;
}

/**
 * Frames the agent pushes on a subscribed connection, numbered `n` from 1 per subscription;
 * at most `window` of them are unacknowledged. `resync` is never counted: after it the agent
 * sends nothing more on this subscription; the client pages `events.query` with `afterSeq`
 * and subscribes again (notices pushed meanwhile are not replayed).
 */
export type PushFrame =
  | { push: 'event'; n: number; event: BaomiEvent }
  | { push: 'notice'; n: number; notice: Notice }
  | { push: 'resync'; afterSeq: number };

/** Bounds on a subscription's window (frames in flight). */
export const MAX_WINDOW = 1000;

/** Which socket may serve which request. */
export const SOCKET_ACCESS: Record<MessageType, 'agent' | 'admin'> = {
  status: 'agent',
  'events.query': 'agent',
  verify: 'admin',
  'idle.report': 'agent',
  'usb.list': 'agent',
  'usb.exception.redeem': 'agent',
  'usb.exception.request': 'agent',
  'pledge.get': 'agent',
  'pledge.acknowledge': 'agent',
  subscribe: 'agent',
  unsubscribe: 'agent',
};

/** Requests that agent.sock serves only with a valid seat token (made as the seat user). */
export const SEAT_REQUIRED: ReadonlySet<MessageType> = new Set<MessageType>([
  'idle.report',
  'usb.exception.redeem',
  'usb.exception.request',
  'pledge.acknowledge',
]);

/** The seat token's form: 32 random bytes, base64url without padding. */
export const SEAT_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export type ParseError = {
  error: 'PROTOCOL_BAD_JSON' | 'PROTOCOL_BAD_REQUEST' | 'PROTOCOL_UNKNOWN_TYPE';
  id: number | null;
};

const isInt = (v: unknown, min = 0): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= min;

/**
 * Parses one line from an untrusted client. Every field is checked and copied into a fresh
 * object (unknown keys are dropped); anything else is an error code (with the id when known).
 */
export function parseRequest(line: string): ClientMessage | ParseError {
  let msg: unknown;
  try {
    msg = JSON.parse(line);
  } catch {
    return { error: 'PROTOCOL_BAD_JSON', id: null };
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg))
    return { error: 'PROTOCOL_BAD_REQUEST', id: null };
  const m = msg as Record<string, unknown>;
  const seat = m.seat;
  if (seat !== undefined && (typeof seat !== 'string' || seat.length > 256))
    return { error: 'PROTOCOL_BAD_REQUEST', id: isInt(m.id) ? m.id : null };
  const withSeat = <T extends object>(body: T): T & { seat?: string } =>
    seat === undefined ? body : { ...body, seat };
  if (m.type === 'ack') {
    if (!isInt(m.through)) return { error: 'PROTOCOL_BAD_REQUEST', id: null };
    return withSeat({ type: 'ack', through: m.through });
  }
  const id = isInt(m.id) ? m.id : null;
  if (id === null) return { error: 'PROTOCOL_BAD_REQUEST', id: null };
  if (typeof m.type !== 'string' || !Object.hasOwn(SOCKET_ACCESS, m.type))
    return { error: 'PROTOCOL_UNKNOWN_TYPE', id };
  const bad: ParseError = { error: 'PROTOCOL_BAD_REQUEST', id };
  switch (m.type as MessageType) {
    case 'events.query':
      if (typeof m.filter !== 'object' || m.filter === null || Array.isArray(m.filter)) return bad;
      return withSeat({ id, type: 'events.query', filter: sanitizeFilter(m.filter) });
    case 'idle.report': {
      if (!isInt(m.idleMs) || !isInt(m.at)) return bad;
      if (m.locked !== undefined && typeof m.locked !== 'boolean') return bad;
      const report = { id, type: 'idle.report' as const, idleMs: m.idleMs, at: m.at };
      return withSeat(m.locked === undefined ? report : { ...report, locked: m.locked });
    }
    case 'usb.exception.redeem':
      if (typeof m.token !== 'string' || m.token.length > MAX_EXCEPTION_TOKEN) return bad;
      return withSeat({ id, type: 'usb.exception.redeem', token: m.token });
    case 'usb.exception.request':
      if (typeof m.device !== 'string' || m.device.length > MAX_REQUEST_DEVICE) return bad;
      if (typeof m.reason !== 'string' || m.reason.length > MAX_REQUEST_REASON) return bad;
      return withSeat({
        id,
        type: 'usb.exception.request',
        device: m.device,
        reason: m.reason,
      });
    case 'pledge.acknowledge':
      if (typeof m.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.sha256)) return bad;
      return withSeat({ id, type: 'pledge.acknowledge', sha256: m.sha256 });
    case 'subscribe':
      if (!isInt(m.afterSeq) || !isInt(m.window, 1) || m.window > MAX_WINDOW) return bad;
      return withSeat({ id, type: 'subscribe', afterSeq: m.afterSeq, window: m.window });
    case 'status':
    case 'verify':
    case 'usb.list':
    case 'pledge.get':
    case 'unsubscribe':
      return withSeat({
        id,
        type: m.type as 'status' | 'verify' | 'usb.list' | 'pledge.get' | 'unsubscribe',
      });
  }
}

export function isParseError(m: ClientMessage | ParseError): m is ParseError {
  return 'error' in m;
}

/** Most events one `events.query` answers (the CLI and the viewer page through the rest). */
export const MAX_QUERY_LIMIT = 10_000;

/** Keeps only well-typed filter fields from an untrusted client; caps the limit. */
export function sanitizeFilter(raw: unknown): EventFilter {
  const f = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const out: EventFilter = {};
  const str = (v: unknown) => (typeof v === 'string' && v.length <= 4096 ? v : undefined);
  const int = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined);
  if (Array.isArray(f.types))
    out.types = f.types.filter((t) => typeof t === 'string' && t.length <= 256).slice(0, 64);
  const sev = str(f.minSeverity);
  if (sev && ['info', 'low', 'medium', 'high', 'critical'].includes(sev))
    out.minSeverity = sev as Severity;
  for (const k of ['level', 'text', 'user'] as const) {
    const v = str(f[k]);
    if (v !== undefined) out[k] = v;
  }
  for (const k of ['since', 'until', 'afterSeq', 'beforeSeq'] as const) {
    const v = int(f[k]);
    if (v !== undefined) out[k] = v;
  }
  const limit = int(f.limit);
  out.limit = Math.min(Math.max(limit ?? 1000, 1), MAX_QUERY_LIMIT);
  if (f.order === 'asc' || f.order === 'desc') out.order = f.order;
  return out;
}
