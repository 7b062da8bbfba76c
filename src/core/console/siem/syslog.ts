// RFC 5424 syslog messages and RFC 6587 octet-counting frames: the envelope both SIEM formats
// travel in (format.ts). Pure: the event's own time is the TIMESTAMP, nothing reads a clock.
//
//   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [STRUCTURED-DATA] MSG
//
// - PRI = facility × 8 + severity (RFC 5424 §6.2.1). The facility is the sink's (config
//   `facility`, default authpriv: events name people and files, and syslog daemons keep
//   authpriv out of their general logs by default); the severity follows the event's
//   (SYSLOG_SEVERITY).
// - TIMESTAMP: the event's `ts` in UTC with milliseconds, or the NILVALUE when it cannot be
//   written as RFC 3339 (before year 0 or after 9999); the exact value is in the message.
// - HOSTNAME: the workstation's host as sent (PRINTUSASCII, at most 255), a non-ASCII name as
//   its IDNA (punycode) form, anything else with `_` for each character that may not appear.
// - STRUCTURED-DATA: one element `baomi@32473` with the event's id, agent, seq, type,
//   severity and hash, so a collector can deduplicate and route without parsing MSG. 32473
//   is the enterprise number RFC 5612 reserves for examples; Baomi has no IANA number of its
//   own, and the SD-ID is a constant here (SD_ID) for the day it has one.
import { domainToASCII } from 'node:url';
import type { Severity } from '../../events/types.js';
import { hasUnsafe, printUsAscii, scrub, utf8Length } from './text.js';

/** The facilities a sink may name (RFC 5424 Table 1), by the names syslog daemons use. */
export const FACILITIES = {
  user: 1,
  daemon: 3,
  auth: 4,
  authpriv: 10,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
} as const;
export type Facility = keyof typeof FACILITIES;
export const FACILITY_NAMES = Object.keys(FACILITIES) as [Facility, ...Facility[]];

/** Baomi severity → syslog severity (RFC 5424 Table 2). */
export const SYSLOG_SEVERITY: Record<Severity, number> = {
  critical: 2, // Critical
  high: 3, // Error
  medium: 4, // Warning
  low: 5, // Notice
  info: 6, // Informational
};

export const SD_ID = 'baomi@32473';
export const APP_NAME = 'baomi';
const NIL = '-';
/** 9999-12-31T23:59:59.999Z, the last instant RFC 3339's four-digit year can write. */
const LAST_RFC3339_MS = 253_402_300_799_999;

export function pri(facility: Facility, severity: Severity): number {
  return FACILITIES[facility] * 8 + SYSLOG_SEVERITY[severity];
}

/** RFC 3339 in UTC with milliseconds, or the NILVALUE. */
export function timestamp(ts: number): string {
  if (!Number.isInteger(ts) || ts < 0 || ts > LAST_RFC3339_MS) return NIL;
  return new Date(ts).toISOString();
}

/** The HOSTNAME field for a workstation's host name as it sent it. */
export function hostname(host: string): string {
  if (/^[\x21-\x7e]{1,255}$/.test(host)) return host;
  // A name in another script (财务-PC01) has a standard ASCII form; a name with controls,
  // spaces or bidi characters is not a name, and gets no help to look like one.
  if (!hasUnsafe(host) && !/\s/.test(host)) {
    const idna = domainToASCII(host);
    if (/^[\x21-\x7e]{1,255}$/.test(idna)) return idna;
  }
  return printUsAscii(host, 255);
}

/** PARAM-VALUE (RFC 5424 §6.3.3): `"`, `\` and `]` escaped; unsafe characters replaced. */
export function paramValue(v: string): string {
  return scrub(v).replace(/["\\\]]/g, (c) => `\\${c}`);
}

/** One SD-ELEMENT; names are fixed by the caller (SD-NAME: PRINTUSASCII but `= ]"`). */
export function sdElement(id: string, params: readonly (readonly [string, string])[]): string {
  return `[${id}${params.map(([k, v]) => ` ${k}="${paramValue(v)}"`).join('')}]`;
}

export interface SyslogHeader {
  facility: Facility;
  severity: Severity;
  ts: number;
  host: string;
  /** MSGID: PRINTUSASCII, at most 32 (the event type, cut and made safe). */
  msgId: string;
  /** The STRUCTURED-DATA, built with sdElement (or the NILVALUE). */
  sd: string;
}

/** Everything of a SYSLOG-MSG before MSG, with the space that separates it from MSG. */
export function syslogPrefix(h: SyslogHeader): string {
  return [
    `<${pri(h.facility, h.severity)}>1`,
    timestamp(h.ts),
    hostname(h.host),
    APP_NAME,
    NIL, // PROCID: the console process says nothing a collector needs
    printUsAscii(h.msgId, 32),
    h.sd === '' ? NIL : h.sd,
    '',
  ].join(' ');
}

/**
 * RFC 6587 §3.4.1 octet counting: `MSG-LEN SP SYSLOG-MSG`, MSG-LEN the length in octets. A
 * message may then hold any byte, a line break included, without ending early; the
 * formatters write none all the same, for collectors that split on them.
 */
export function octetFrame(message: string): string {
  return `${utf8Length(message)} ${message}`;
}
