// Runs OS commands for adapters (loginctl, notify-send, PowerShell, osascript…): never
// through a shell (arguments are passed as they are, so a user name or a notice text cannot
// inject anything), with a timeout, a minimal environment, and output capped so a chatty
// tool cannot grow the agent's heap. A program that does not exist is `missing: true`, which
// adapters read as "this capability is not here", not as a failure.
import { spawn } from 'node:child_process';
import type { CommandOptions, CommandResult, CommandRunner } from '../../core/ports/commands.js';

const DEFAULT_TIMEOUT_MS = 10_000;
/** Output kept per stream; the rest is dropped (adapters parse a few lines at most). */
const MAX_OUTPUT = 1024 * 1024;
/** After SIGTERM at the timeout, SIGKILL this much later if the program is still there. */
const KILL_GRACE_MS = 1000;

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
  return {
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
          child = spawn(cmd, args, {
            shell: false,
            windowsHide: true,
            env: { ...base, ...opts.env },
            stdio: ['pipe', 'pipe', 'pipe'],
            ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
            ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
          });
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
