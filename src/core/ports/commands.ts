// Runs one OS command with its arguments (never through a shell), for adapters that ask the
// OS with a tool: loginctl, usbguard-like sysfs helpers, xprintidle, notify-send, PowerShell.
export interface CommandOptions {
  /** Killed after this long (default 10 s); the result then has `timedOut: true`. */
  timeoutMs?: number;
  /** Written to stdin, then stdin is closed. */
  input?: string;
  /** Run as this user (root only). */
  uid?: number;
  gid?: number;
  /** Extra environment variables (added to a minimal environment, not the agent's own). */
  env?: Record<string, string>;
}

export interface CommandResult {
  /** Exit code; null when killed by a signal or when the program could not be started. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** The program does not exist (ENOENT): the capability it provides is missing here. */
  missing?: boolean;
  timedOut?: boolean;
}

export interface CommandRunner {
  run(cmd: string, args: readonly string[], opts?: CommandOptions): Promise<CommandResult>;
}
