// The agent's diagnostic log (not the audit log: that is the event store). JSON lines via
// pino, one `module` per line (STYLE.md 8), secrets redacted before anything is written.
// File contents are never logged; paths are, because the audit log records them anyway.
import { type Logger, pino } from 'pino';

export type { Logger };

const REDACT = [
  '*.privateKeyPem',
  '*.privateKey',
  '*.password',
  '*.token',
  '*.secret',
  '*.bytes',
  '*.bytesB64',
  '*.sig',
  '*.signature',
];

/** A logger appending to `file` (synchronously, so nothing is lost at exit), or silent. */
export function createLogger(file: string | null, level = 'info'): Logger {
  if (!file) return pino({ level: 'silent' });
  const dest = pino.destination({ dest: file, sync: true, mkdir: true });
  return pino(
    { level, redact: { paths: REDACT, censor: '[redacted]' }, base: { pid: process.pid } },
    dest,
  );
}
