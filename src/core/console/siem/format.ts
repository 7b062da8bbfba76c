// The two forms an event takes on its way to a SIEM (config `siem[].format`), both one
// RFC 5424 message (syslog.ts) of at most `maxBytes` octets:
//
// - `syslog`: MSG is a UTF-8 BOM and the event as one JSON object: the stored event exactly
//   (id, seq, ts, type, severity, level?, user?, host, data, prevHash, hash: its hash still
//   verifies) plus `agentId`. Unsafe characters are \u-escaped (text.ts safeJson), so the
//   line is plain however hostile the event.
// - `cef`: MSG is ArcSight CEF, `CEF:0|Baomi|Baomi|VERSION|type|type|0-10|extensions`, with
//   no BOM (CEF receivers look for `CEF:` at the start of MSG).
//
// An event too large for `maxBytes` is cut, never dropped and never split: the strings of its
// `data` are shortened (then its lists and objects, then `data` is emptied) and the message
// says so (`truncated` in JSON, `cs4Label=truncated` in CEF); id, seq and hash always stay,
// so the SIEM can fetch the whole event from the console. A truncated event's hash no longer
// verifies against its JSON; that is what `truncated` says.
import type { BaomiEvent, Json, Severity } from '../../events/types.js';
import { cefMessage } from './cef.js';
import { type Facility, SD_ID, sdElement, syslogPrefix } from './syslog.js';
import { clipChars, safeJson, utf8Length } from './text.js';
import type { SiemEvent, SiemFormat } from './types.js';

export type { SiemEvent, SiemFormat };

export interface SiemFormatOptions {
  format: SiemFormat;
  facility: Facility;
  /** Most octets of one SYSLOG-MSG (without its frame); at least MIN_MESSAGE_BYTES. */
  maxBytes: number;
  /** Baomi's version (CEF's Device Version). */
  version: string;
}

/** The smallest maxBytes the formatters promise to keep (config enforces it). */
export const MIN_MESSAGE_BYTES = 4096;

const BOM = '\ufeff';

/** The STRUCTURED-DATA of every message: what a collector deduplicates and routes on. */
export function structuredData(e: SiemEvent): string {
  return sdElement(SD_ID, [
    ['id', e.id],
    ['agent', e.agentId],
    ['seq', String(e.seq)],
    ['type', clipChars(e.type, 64)],
    ['severity', e.severity],
    ['hash', e.hash],
  ]);
}

/** One SYSLOG-MSG (unframed) for the event, at most o.maxBytes octets. */
export function formatEvent(e: SiemEvent, o: SiemFormatOptions): string {
  if (!(o.maxBytes >= MIN_MESSAGE_BYTES))
    throw new RangeError(`maxBytes ${o.maxBytes} is below ${MIN_MESSAGE_BYTES}`);
  const prefix = syslogPrefix({
    facility: o.facility,
    severity: e.severity as Severity,
    ts: e.ts,
    host: e.host,
    msgId: e.type,
    sd: structuredData(e),
  });
  const room = o.maxBytes - utf8Length(prefix);
  if (o.format === 'cef') return prefix + cefMessage(e, o.version, room);
  return prefix + BOM + jsonFitting(e, room - utf8Length(BOM));
}

/** The event's JSON in at most `room` octets, cut step by step when it does not fit. */
function jsonFitting(e: SiemEvent, room: number): string {
  const full = safeJson(eventObject(e, e.data));
  if (utf8Length(full) <= room) return full;
  const dataBytes = utf8Length(JSON.stringify(e.data));
  for (const limit of [1024, 256, 64, 16]) {
    const text = safeJson({
      ...eventObject(e, shrink(e.data, limit, 8) as BaomiEvent['data']),
      truncated: { dataBytes, stringsTo: limit },
    });
    if (utf8Length(text) <= room) return text;
  }
  // Only the identity is sure to fit (MIN_MESSAGE_BYTES holds it with every text field at
  // its longest and every character escaped).
  const short = (s: string | undefined) => (s === undefined ? undefined : clipChars(s, 64));
  return safeJson({
    ...eventObject({ ...e, user: short(e.user), host: short(e.host)!, level: short(e.level) }, {}),
    truncated: { dataBytes, stringsTo: 0 },
  });
}

/** The event's fields in the order of the contract, absent ones left out (never null). */
function eventObject(e: SiemEvent, data: BaomiEvent['data']): { [k: string]: Json } {
  const o: { [k: string]: Json } = {
    agentId: e.agentId,
    id: e.id,
    seq: e.seq,
    ts: e.ts,
    type: e.type,
    severity: e.severity,
  };
  if (e.level !== undefined) o.level = e.level;
  if (e.user !== undefined) o.user = e.user;
  o.host = e.host;
  o.data = data;
  o.prevHash = e.prevHash;
  o.hash = e.hash;
  return o;
}

/**
 * A copy of `v` with strings cut to `limit` characters (a cut one ends in `…`), lists and
 * objects to `limit` entries (at least 4) and nesting below `depth` levels replaced by `…`.
 */
export function shrink(v: unknown, limit: number, depth: number): Json {
  if (typeof v === 'string') return v.length > limit ? `${clipChars(v, limit)}…` : v;
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return v;
  if (depth <= 0) return '…';
  const keep = Math.max(4, limit);
  if (Array.isArray(v)) {
    const items = v.slice(0, keep).map((x) => shrink(x, limit, depth - 1));
    if (v.length > keep) items.push('…');
    return items;
  }
  if (typeof v === 'object') {
    const out: { [k: string]: Json } = {};
    const entries = Object.entries(v as object);
    for (const [k, x] of entries.slice(0, keep))
      out[k.length > limit ? `${clipChars(k, limit)}…` : k] = shrink(x, limit, depth - 1);
    if (entries.length > keep) out['…'] = entries.length - keep;
    return out;
  }
  return null;
}
