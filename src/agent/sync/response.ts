// The console's answers, checked field by field before anything in them is used (the agent
// does not load zod: agent-wire.ts says why). A console is trusted to acknowledge and to
// carry decisions, never to run code or to bypass the judge: a policy still needs a pinned
// signature, a token the pinned exception key.
import type {
  EnrollResponse,
  SyncResponse,
  WireDecision,
  WireError,
  WirePolicy,
} from '../../core/sync/wire.js';
import { UNSAFE } from '../../core/usb/notices.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;
const isInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function json(body: Buffer): Parsed<unknown> {
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) };
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
}

/** Most decisions read from one answer; more wait for the next sync. */
export const MAX_DECISIONS = 100;

export function parseSyncResponse(body: Buffer): Parsed<SyncResponse> {
  const j = json(body);
  if (!j.ok) return j;
  const o = j.value;
  if (!isObj(o)) return { ok: false, reason: 'not an object' };
  if (!isInt(o.ackedSeq)) return { ok: false, reason: 'ackedSeq is not a whole number' };
  if (!isInt(o.nextInMs)) return { ok: false, reason: 'nextInMs is not a whole number' };
  if (!Array.isArray(o.decisions)) return { ok: false, reason: 'decisions is not a list' };
  let policy: WirePolicy | undefined;
  if (o.policy !== undefined && o.policy !== null) {
    const p = o.policy;
    if (
      !isObj(p) ||
      !isStr(p.etag, 128) ||
      p.etag === '' ||
      !isStr(p.bytes, 8 * 1024 * 1024) ||
      !isStr(p.signature, 4096)
    )
      return { ok: false, reason: 'policy is malformed' };
    policy = { etag: p.etag, bytes: p.bytes, signature: p.signature };
  }
  const decisions: WireDecision[] = [];
  for (const d of o.decisions.slice(0, MAX_DECISIONS)) {
    const parsed = parseDecision(d);
    if (!parsed) return { ok: false, reason: 'a decision is malformed' };
    decisions.push(parsed);
  }
  return {
    ok: true,
    value: { ackedSeq: o.ackedSeq, nextInMs: o.nextInMs, decisions, ...(policy ? { policy } : {}) },
  };
}

function parseDecision(d: unknown): WireDecision | null {
  if (!isObj(d)) return null;
  if (!isStr(d.requestId, 64) || !/^[0-9a-f-]{36}$/.test(d.requestId)) return null;
  if (typeof d.approved !== 'boolean') return null;
  if (!isStr(d.note, 4096) || !isStr(d.decidedBy, 256) || !isInt(d.decidedAt)) return null;
  if (d.token !== undefined && !isStr(d.token, 4096)) return null;
  if (d.approved && typeof d.token !== 'string') return null;
  return {
    requestId: d.requestId,
    approved: d.approved,
    note: d.note,
    decidedBy: d.decidedBy,
    decidedAt: d.decidedAt,
    ...(typeof d.token === 'string' ? { token: d.token } : {}),
  };
}

export function parseEnrollResponse(body: Buffer): Parsed<EnrollResponse> {
  const j = json(body);
  if (!j.ok) return j;
  const o = j.value;
  if (!isObj(o)) return { ok: false, reason: 'not an object' };
  for (const k of ['agentId', 'group', 'exceptionSecret'] as const)
    if (!isStr(o[k], 256) || o[k] === '') return { ok: false, reason: `${k} missing` };
  if (!isStr(o.exceptionKey, 4096) || !o.exceptionKey.includes('BEGIN PUBLIC KEY'))
    return { ok: false, reason: 'exceptionKey is not a PEM public key' };
  return {
    ok: true,
    value: {
      agentId: o.agentId as string,
      group: o.group as string,
      exceptionSecret: o.exceptionSecret as string,
      exceptionKey: o.exceptionKey,
    },
  };
}

// Controls and text-direction overrides out: a console's message is shown on one line as it is.
const oneLine = (s: string) => s.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();

/** The error body of a 4xx/5xx, as far as it reads; a bounded message either way. */
export function parseWireError(body: Buffer): Partial<WireError> {
  const j = json(body);
  if (!j.ok || !isObj(j.value)) return {};
  const o = j.value;
  return {
    ...(isStr(o.error, 128) ? { error: o.error } : {}),
    ...(typeof o.message === 'string' ? { message: oneLine(o.message).slice(0, 300) } : {}),
    ...(isInt(o.retryInMs) ? { retryInMs: o.retryInMs } : {}),
  };
}
