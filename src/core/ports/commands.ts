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

/** A long-running program started by spawnLines. */
export interface LineProcess {
  /** Ends the program (SIGTERM, then SIGKILL if it lingers); `exited` then resolves. */
  close(): void;
  /**
   * Resolves once the program has ended, on its own or by close(): its exit code, the last
   * of its stderr (`stdout` is empty: its lines went to onLine), `missing` when it does not
   * exist (resolved at once, onLine never called).
   */
  exited: Promise<CommandResult>;
}

export interface CommandRunner {
  run(cmd: string, args: readonly string[], opts?: CommandOptions): Promise<CommandResult>;
  /**
   * Starts a program that keeps running and reports by printing lines (`xscreensaver-command
   * -watch`, a monitor), calling onLine with each line of its stdout, without the newline, as
   * it comes. Same rules as run() (no shell, minimal environment, uid/gid); `timeoutMs`
   * applies only when given; stdin is closed at once (`input` is written first).
   */
  spawnLines(
    cmd: string,
    args: readonly string[],
    opts: CommandOptions,
    onLine: (line: string) => void,
  ): LineProcess;
}
