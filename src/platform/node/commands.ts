// Runs OS commands for adapters (loginctl, notify-send, PowerShell, osascript…): never
// through a shell (arguments are passed as they are, so a user name or a notice text cannot
// inject anything), with a timeout, a minimal environment, and output capped so a chatty
// tool cannot grow the agent's heap. A program that does not exist is `missing: true`, which
// adapters read as "this capability is not here", not as a failure.
import { type ChildProcess, spawn } from 'node:child_process';
import type {
  CommandOptions,
  CommandResult,
  CommandRunner,
  LineProcess,
} from '../../core/ports/commands.js';

const DEFAULT_TIMEOUT_MS = 10_000;
/** Output kept per stream; the rest is dropped (adapters parse a few lines at most). */
const MAX_OUTPUT = 1024 * 1024;
/** After SIGTERM at the timeout, SIGKILL this much later if the program is still there. */
const KILL_GRACE_MS = 1000;
/** spawnLines: a line longer than this is cut into pieces of this size (a runaway tool). */
const MAX_LINE = 64 * 1024;
/** spawnLines: the tail of stderr kept for the exit result. */
const MAX_STDERR_TAIL = 4096;

/** The environment a command starts with: enough to find programs and speak UTF-8. */
export function baseEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['PATH', 'LANG', 'LC_ALL', 'SystemRoot', 'WINDIR', 'ComSpec', 'PATHEXT']) {
    const v = env[k];
    if (v !== undefined) out[k] = v;
  }
  out.PATH ??= '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  return out;
}

export function createNodeCommandRunner(env: NodeJS.ProcessEnv = process.env): CommandRunner {
  const base = baseEnv(env);
  const spawnWith = (cmd: string, args: readonly string[], opts: CommandOptions) =>
    spawn(cmd, args, {
      shell: false,
      windowsHide: true,
      env: { ...base, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
      ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
    });
  return {
    spawnLines: (cmd, args, opts, onLine) => spawnLines(spawnWith, cmd, args, opts, onLine),
    run(cmd: string, args: readonly string[], opts: CommandOptions = {}): Promise<CommandResult> {
      return new Promise((resolve) => {
        let stdout = '';
        let stderr = '';
        let timedOut = false;
        let settled = false;
        let timer: NodeJS.Timeout | undefined;
        let killTimer: NodeJS.Timeout | undefined;
        const finish = (r: CommandResult) => {
          if (settled) return;
          settled = true;
          if (timer) clearTimeout(timer);
          if (killTimer) clearTimeout(killTimer);
          resolve(r);
        };
        let child: ReturnType<typeof spawn>;
        try {
          child = spawnWith(cmd, args, opts);
        } catch (e) {
          // Synchronous failures: EPERM for uid/gid as a non-root user, bad arguments.
          resolve({ code: null, stdout: '', stderr: (e as Error).message });
          return;
        }
        timer = setTimeout(() => {
          timedOut = true;
          child.kill('SIGTERM');
          killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
          killTimer.unref();
        }, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
        timer.unref();
        child.stdout?.setEncoding('utf8').on('data', (d: string) => {
          if (stdout.length < MAX_OUTPUT) stdout += d.slice(0, MAX_OUTPUT - stdout.length);
        });
        child.stderr?.setEncoding('utf8').on('data', (d: string) => {
          if (stderr.length < MAX_OUTPUT) stderr += d.slice(0, MAX_OUTPUT - stderr.length);
        });
        child.on('error', (e: NodeJS.ErrnoException) => {
          if (e.code === 'ENOENT') finish({ code: null, stdout, stderr, missing: true });
          else finish({ code: null, stdout, stderr: stderr || e.message });
        });
        child.on('close', (code) => {
          const r: CommandResult = { code, stdout, stderr };
          if (timedOut) r.timedOut = true;
          finish(r);
        });
        // A program that exits without reading its input must not crash us with EPIPE.
        child.stdin?.on('error', () => {});
        child.stdin?.end(opts.input ?? '');
      });
    },
  };
}

/**
 * A long-running program whose stdout is read line by line as it comes (the runner's
 * spawnLines). Its stderr keeps only a tail, for the reason it ended. A callback that throws
 * ends the program and says so in the result instead of crashing the agent from a stream
 * handler.
 */
function spawnLines(
  spawnWith: (cmd: string, args: readonly string[], opts: CommandOptions) => ChildProcess,
  cmd: string,
  args: readonly string[],
  opts: CommandOptions,
  onLine: (line: string) => void,
): LineProcess {
  let resolveExit!: (r: CommandResult) => void;
  const exited = new Promise<CommandResult>((r) => {
    resolveExit = r;
  });
  let done = false;
  let timer: NodeJS.Timeout | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const finish = (r: CommandResult) => {
    if (done) return;
    done = true;
    if (timer) clearTimeout(timer);
    if (killTimer) clearTimeout(killTimer);
    resolveExit(r);
  };
  let child: ChildProcess;
  try {
    child = spawnWith(cmd, args, opts);
  } catch (e) {
    finish({ code: null, stdout: '', stderr: (e as Error).message });
    return { close() {}, exited };
  }
  let stderr = '';
  let buffered = '';
  let timedOut = false;
  let callbackError: string | undefined;
  const stop = () => {
    if (done || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    killTimer ??= setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    killTimer.unref();
  };
  const deliver = (line: string) => {
    if (callbackError !== undefined) return;
    try {
      onLine(line);
    } catch (e) {
      callbackError = `onLine threw: ${(e as Error).message}`;
      stop();
    }
  };
  if (opts.timeoutMs !== undefined) {
    timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, opts.timeoutMs);
    timer.unref();
  }
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    buffered += d;
    for (let i = buffered.indexOf('\n'); i >= 0; i = buffered.indexOf('\n')) {
      deliver(buffered.slice(0, i).replace(/\r$/, ''));
      buffered = buffered.slice(i + 1);
    }
    while (buffered.length > MAX_LINE) {
      deliver(buffered.slice(0, MAX_LINE));
      buffered = buffered.slice(MAX_LINE);
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-MAX_STDERR_TAIL);
  });
  child.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') finish({ code: null, stdout: '', stderr, missing: true });
    else finish({ code: null, stdout: '', stderr: stderr || e.message });
  });
  child.on('close', (code) => {
    if (buffered !== '') deliver(buffered.replace(/\r$/, ''));
    buffered = '';
    const r: CommandResult = { code, stdout: '', stderr: callbackError ?? stderr };
    if (timedOut) r.timedOut = true;
    finish(r);
  });
  child.stdin?.on('error', () => {});
  child.stdin?.end(opts.input ?? '');
  return { close: stop, exited };
}
