// `siem:` of the console's configuration (issue 12 §3): collectors events are forwarded to.
// The formats are core/console/siem/format.ts; the forwarder is src/console/siem/.
import * as z from 'zod';
import { MIN_MESSAGE_BYTES } from '../siem/format.js';
import { FACILITY_NAMES } from '../siem/syslog.js';
import { name, severity, typePatterns } from './common.js';

export const siemSinkSchema = z
  .strictObject({
    /** Names the sink's lease and its stored position (resumed after a restart). Renaming a
     *  sink starts a new one (from `start`); the old name's position stays in the database. */
    name,
    /** `syslog`: RFC 5424 with the event as JSON in MSG; `cef`: ArcSight CEF in RFC 5424. */
    format: z.enum(['syslog', 'cef']),
    /** tcp://HOST:PORT, tls://HOST:PORT or relp://HOST:PORT (RELP, rsyslog's imrelp: every
     *  message acknowledged, so a collector killed mid-batch loses nothing; no TLS). */
    url: z
      .string()
      .regex(
        /^(tcp|tls|relp):\/\/[^\s/]+:\d{1,5}$/,
        'tcp://HOST:PORT, tls://HOST:PORT or relp://HOST:PORT',
      ),
    /** tls: the collector's CA certificate (PEM file); absent: the system's CAs. */
    ca: z.string().min(1).optional(),
    /** Only these types (absent: all). Events left out still move the position on. */
    types: typePatterns.optional(),
    /** Only this severity or higher. */
    minSeverity: severity.default('info'),
    /** A new sink starts with the events stored from now on (`new`) or with all (`all`). Read
     *  once, when the sink is first seen; changing it later changes nothing. */
    start: z.enum(['new', 'all']).default('new'),
    /** The syslog facility of every message (PRI). authpriv by default: events name people and
     *  files, and syslog daemons keep authpriv out of their general logs. */
    facility: z.enum(FACILITY_NAMES).default('authpriv'),
    /** Most octets of one message; a larger event is cut (and says so). The collector must
     *  accept at least this much (rsyslog: global(maxMessageSize), 8k by default). */
    maxMessage: z.number().int().min(MIN_MESSAGE_BYTES).max(16_000).default(8192),
  })
  // relp:// has no TLS: a CA given for it would be ignored, so it is refused instead.
  .refine((s) => s.ca === undefined || !s.url.startsWith('relp://'), {
    message: 'ca is for tls:// only (relp:// has no TLS)',
    path: ['ca'],
  });

export const siemSchema = z.array(siemSinkSchema).default([]);
export type SiemSink = z.output<typeof siemSinkSchema>;
