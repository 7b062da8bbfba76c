// The tray's log: one line of JSON per entry on stderr (the tray has no log file of its own;
// the desktop session's journal keeps it). Never a secret or an event's data in it.
export interface TrayLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

export function stderrLog(write: (line: string) => void = (l) => process.stderr.write(l)): TrayLog {
  const line = (level: string, msg: string, fields: Record<string, unknown> = {}) =>
    write(`${JSON.stringify({ time: Date.now(), level, name: 'baomi-tray', msg, ...fields })}\n`);
  return { info: (m, f) => line('info', m, f), warn: (m, f) => line('warn', m, f) };
}
