// `siem:` of the console's configuration (issue 12 §3): collectors events are forwarded to.
import * as z from 'zod';
import { name, severity, typePatterns } from './common.js';

export const siemSinkSchema = z.strictObject({
  /** Names the sink's lease and its stored position (resumed after a restart). */
  name,
  /** `syslog`: RFC 5424 with the event as JSON in MSG; `cef`: ArcSight CEF in RFC 5424. */
  format: z.enum(['syslog', 'cef']),
  /** tcp://HOST:PORT or tls://HOST:PORT. */
  url: z.string().regex(/^(tcp|tls):\/\/[^\s/]+:\d{1,5}$/, 'tcp://HOST:PORT or tls://HOST:PORT'),
  /** tls: the collector's CA certificate (PEM file); absent: the system's CAs. */
  ca: z.string().min(1).optional(),
  /** Only these types (absent: all). */
  types: typePatterns.optional(),
  /** Only this severity or higher. */
  minSeverity: severity.default('info'),
  /** A new sink starts with the events stored from now on (`new`) or with all (`all`). */
  start: z.enum(['new', 'all']).default('new'),
});

export const siemSchema = z.array(siemSinkSchema).default([]);
export type SiemSink = z.output<typeof siemSinkSchema>;
