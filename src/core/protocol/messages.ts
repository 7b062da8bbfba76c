// Messages between the agent and its local clients (CLI, tray) over agent.sock / admin.sock.
// Framing: one JSON object per line (UTF-8, '\n'), at most MAX_LINE_BYTES per line.
// Node cannot see who connects to a unix socket, so file permissions decide who may ask
// what: agent.sock is open to any local user, admin.sock to root only (DESIGN.md).
import type { ErrorCode, ProtocolErrorCode } from '../codes/index.js';
import type { BaomiEvent, Severity } from '../events/types.js';

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
  /** No limit when absent (the socket caps it: sanitizeFilter). */
  limit?: number;
  /** By seq; default 'asc'. */
  order?: 'asc' | 'desc';
}

export interface StatusResult {
  policy: { name: string; version: number } | null;
  folders: number;
  events: { stored: number; unsynced: number };
  idleSource: IdleSource;
  usb: { enforcing: boolean };
}

export type VerifyResult =
  | { ok: true; checked: number; firstSeq: number | null; lastSeq: number | null }
  | { ok: false; checked: number; brokenAt: number; kind: string; detail: string };

export type Request =
  | { id: number; type: 'status' }
  | { id: number; type: 'events.query'; filter: EventFilter }
  | { id: number; type: 'verify' };

export type RequestType = Request['type'];

export interface ResultOf {
  status: StatusResult;
  'events.query': { events: BaomiEvent[] };
  verify: VerifyResult;
}

export type Response =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { code: ErrorCode; params: Record<string, unknown> } };

/** Which socket may serve which request. */
export const SOCKET_ACCESS: Record<RequestType, 'agent' | 'admin'> = {
  status: 'agent',
  'events.query': 'agent',
  verify: 'admin',
};

/** Parses one request line; returns an error code for anything that is not a known request. */
export function parseRequest(
  line: string,
): Request | { error: ProtocolErrorCode; id: number | null } {
  let msg: unknown;
  try {
    msg = JSON.parse(line);
  } catch {
    return { error: 'PROTOCOL_BAD_JSON', id: null };
  }
  if (typeof msg !== 'object' || msg === null) return { error: 'PROTOCOL_BAD_REQUEST', id: null };
  const m = msg as Record<string, unknown>;
  const id = typeof m.id === 'number' && Number.isSafeInteger(m.id) ? m.id : null;
  if (id === null) return { error: 'PROTOCOL_BAD_REQUEST', id: null };
  if (typeof m.type !== 'string' || !Object.hasOwn(SOCKET_ACCESS, m.type))
    return { error: 'PROTOCOL_UNKNOWN_TYPE', id };
  if (m.type === 'events.query') {
    if (typeof m.filter !== 'object' || m.filter === null)
      return { error: 'PROTOCOL_BAD_REQUEST', id };
    return { id, type: 'events.query', filter: m.filter as EventFilter };
  }
  return { id, type: m.type as 'status' | 'verify' };
}

const MAX_QUERY_LIMIT = 10_000;

/** Keeps only well-typed filter fields from an untrusted client; caps the limit. */
export function sanitizeFilter(raw: unknown): EventFilter {
  const f = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const out: EventFilter = {};
  const str = (v: unknown) => (typeof v === 'string' && v.length <= 4096 ? v : undefined);
  const int = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined);
  if (Array.isArray(f.types)) out.types = f.types.filter((t) => typeof t === 'string').slice(0, 64);
  const sev = str(f.minSeverity);
  if (sev && ['info', 'low', 'medium', 'high', 'critical'].includes(sev))
    out.minSeverity = sev as Severity;
  for (const k of ['level', 'text', 'user'] as const) {
    const v = str(f[k]);
    if (v !== undefined) out[k] = v;
  }
  for (const k of ['since', 'until', 'afterSeq'] as const) {
    const v = int(f[k]);
    if (v !== undefined) out[k] = v;
  }
  const limit = int(f.limit);
  out.limit = Math.min(Math.max(limit ?? 1000, 1), MAX_QUERY_LIMIT);
  if (f.order === 'asc' || f.order === 'desc') out.order = f.order;
  return out;
}
