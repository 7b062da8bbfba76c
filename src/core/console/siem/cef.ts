// ArcSight Common Event Format (CEF rev. 25, "Implementing ArcSight CEF"):
//
//   CEF:0|Baomi|Baomi|VERSION|Signature ID|Name|Severity|Extension
//
// - Signature ID and Name are the event type (a stable key and what an analyst reads);
//   Severity is 0-10 (CEF_SEVERITY).
// - Header escaping: `\` → `\\`, `|` → `\|`; a header has no line breaks, so unsafe
//   characters (text.ts) become U+FFFD.
// - Extension values: `\` → `\\`, `=` → `\=`, CR → `\r`, LF → `\n` (the only escapes CEF
//   has); other unsafe characters become U+FFFD. Keys are fixed here, never from an event.
//
// Extensions: rt (event time, ms since the epoch), externalId (event id), deviceExternalId
// (agent id), dvchost (host), suser (the seat user, when known), cat (the type's first part),
// cn1 seq, cs1 level, cs3 hash, for file events filePath, oldFilePath, fsize, fileHash, and
// last cs2 = `data` as JSON, cut to what fits (cs4Label=truncated then says so).
import type { Json, Severity } from '../../events/types.js';
import { clipChars, clipUtf8, safeJson, scrub, utf8Length } from './text.js';
import type { SiemEvent } from './types.js';

export const CEF_SEVERITY: Record<Severity, number> = {
  info: 1,
  low: 3,
  medium: 5,
  high: 8,
  critical: 10,
};

/** CEF's own limit for a custom string (cs1…cs6). */
const CS_MAX_CHARS = 4000;

export function cefHeaderField(s: string): string {
  return scrub(s).replace(/[\\|]/g, (c) => `\\${c}`);
}

export function cefValue(s: string): string {
  return scrub(s.replace(/[\\=\r\n]/g, (c) => ESCAPES[c]!));
}
const ESCAPES: Record<string, string> = { '\\': '\\\\', '=': '\\=', '\r': '\\r', '\n': '\\n' };

/** The CEF text of an event in at most `room` octets. */
export function cefMessage(e: SiemEvent, version: string, room: number): string {
  const note = (bytes: number) => ` cs4Label=truncated cs4=${bytes}`;
  const dataBytes = utf8Length(JSON.stringify(e.data));
  // Host, user and paths as sent, or cut short when even they leave no room (MIN_MESSAGE_BYTES
  // holds the short form with every character at its widest).
  let head = cefHead(e, version, 1023);
  if (utf8Length(head) + utf8Length(note(dataBytes)) + 32 > room) head = cefHead(e, version, 64);

  const data = safeJson(e.data);
  const whole = ` cs2Label=data cs2=${cefValue(data)}`;
  if (data.length <= CS_MAX_CHARS && utf8Length(head) + utf8Length(whole) <= room)
    return head + whole;
  // Cut the JSON text itself (it is then no longer JSON: the label says so), keeping room
  // for the note.
  const left = room - utf8Length(head) - utf8Length(note(dataBytes)) - ' cs2Label=data cs2='.length;
  const cut = cutEscaped(clipChars(data, CS_MAX_CHARS), Math.max(0, left));
  return `${head} cs2Label=data cs2=${cut}${note(dataBytes)}`;
}

/** The header and every extension but the data; free text cut to `clip` characters. */
function cefHead(e: SiemEvent, version: string, clip: number): string {
  const type = clipChars(e.type, 64);
  const header = [
    'CEF:0',
    'Baomi',
    'Baomi',
    cefHeaderField(version),
    cefHeaderField(type),
    cefHeaderField(type),
    String(CEF_SEVERITY[e.severity as Severity] ?? 0),
    '',
  ].join('|');
  const ext: [string, string][] = [
    ['rt', String(e.ts)],
    ['externalId', e.id],
    ['deviceExternalId', e.agentId],
    ['dvchost', clipChars(e.host, clip)],
  ];
  if (e.user !== undefined) ext.push(['suser', clipChars(e.user, clip)]);
  ext.push(['cat', type.split('.')[0]!], ['cn1Label', 'seq'], ['cn1', String(e.seq)]);
  if (e.level !== undefined) ext.push(['cs1Label', 'level'], ['cs1', e.level]);
  ext.push(['cs3Label', 'hash'], ['cs3', e.hash]);
  if (e.type.startsWith('file.')) ext.push(...fileFields(e.data, clip));
  return `${header}${ext.map(([k, v]) => `${k}=${cefValue(v)}`).join(' ')}`;
}

/** The escaped value of the longest prefix of `s` whose escaped form fits in `max` octets. */
function cutEscaped(s: string, max: number): string {
  let out = clipUtf8(cefValue(s), max);
  // A cut between `\` and what it escapes would leave a dangling escape: drop it.
  const trailing = /\\+$/.exec(out)?.[0].length ?? 0;
  if (trailing % 2 === 1) out = out.slice(0, -1);
  return out;
}

function fileFields(data: { [k: string]: Json }, clip: number): [string, string][] {
  const out: [string, string][] = [];
  const str = (v: Json | undefined) => (typeof v === 'string' ? clipChars(v, clip) : undefined);
  const path = str(data.path);
  if (path !== undefined) out.push(['filePath', path]);
  const oldPath = str(data.oldPath);
  if (oldPath !== undefined) out.push(['oldFilePath', oldPath]);
  if (typeof data.size === 'number' && Number.isSafeInteger(data.size))
    out.push(['fsize', String(data.size)]);
  if (typeof data.sha256 === 'string' && /^[0-9a-f]{64}$/.test(data.sha256))
    out.push(['fileHash', data.sha256]);
  return out;
}
