// `baomi` in a child process without blocking this one: for tests whose server (a fake
// console) lives in the test process and must answer while the command runs (spawnSync
// would hold the event loop, and the command would wait on a server that cannot answer).
import { spawn } from 'node:child_process';
import { BIN } from './agent.js';

/** `as`: run as that account (root only), in `/`, with only PATH, HOME and `env` set. */
export function runCliAsync(
  args: string[],
  env: Record<string, string> = {},
  input?: string,
  as?: { uid: number; gid: number },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const base = as
      ? { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent' }
      : process.env;
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...base, LANG: 'en_US.UTF-8', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(as ? { uid: as.uid, gid: as.gid, cwd: '/' } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

/** waitFor (helpers/agent.ts) for a probe that awaits (a CLI run, a request). */
export async function waitForAsync<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch {
      // not there yet
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
