// A small X desktop for the idle suite: Xvfb and xscreensaver run as an ordinary user
// (xscreensaver refuses root), the test (root) plays the agent.
//
// This machine's /tmp is mode 0755, so an ordinary user can neither take Xvfb's lock file
// (/tmp/.X<n>-lock) nor make /tmp/.X11-unix. Xvfb therefore runs in a private mount
// namespace whose /tmp is a 1777 folder of this test (bind-mounted); its clients outside
// still reach it, because Xlib tries the abstract socket @/tmp/.X11-unix/X<n> first, and
// abstract sockets belong to the network namespace, which is shared. xscreensaver gets a
// writable HOME of its own. Every process started here is in its own process group and is
// ended by that group's id.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const DESK_UID = 65534;
export const DESK_USER = 'baomi-e2e';
const PATH = '/usr/local/bin:/usr/bin:/bin';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** Why this suite cannot run here, or null. */
export function deskMissing(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (drops to an ordinary user with setpriv)';
  const missing = ['Xvfb', 'xprintidle', 'xdotool', 'xscreensaver', 'xscreensaver-command']
    .concat(['unshare', 'setpriv', 'mount'])
    .filter((c) => !has(c));
  if (missing.length) return `needs ${missing.join(', ')} (scripts/e2e-packages.txt)`;
  if (spawnSync('unshare', ['-m', 'true']).status !== 0) return 'cannot make a mount namespace';
  return null;
}

export interface Desk {
  display: string;
  dir: string;
  home: string;
  /** A passwd file naming the desk user (uid 65534) with this desk's HOME. */
  passwd: string;
  /** Runs a program as the desk user on the display; resolves with its exit and output. */
  asUser(cmd: string, args: string[]): Promise<{ code: number | null; out: string }>;
  startScreensaver(): Promise<void>;
  close(): Promise<void>;
}

const groups: ChildProcess[] = [];
const alive = (p: ChildProcess) => p.exitCode === null && p.signalCode === null;
const endGroup = (p: ChildProcess, signal: NodeJS.Signals = 'SIGKILL') => {
  if (p.pid !== undefined && alive(p)) {
    try {
      process.kill(-p.pid, signal);
    } catch {
      // already gone
    }
  }
};
/** SIGTERM (xscreensaver then ends its own children), SIGKILL after 2 s. */
async function stopGroup(p: ChildProcess): Promise<void> {
  endGroup(p, 'SIGTERM');
  const until = Date.now() + 2_000;
  while (alive(p) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  endGroup(p);
}

const setpriv = ['--reuid', String(DESK_UID), '--regid', String(DESK_UID), '--clear-groups'];

/** Starts Xvfb as the desk user on a free display; resolves once it accepts clients. */
async function startXvfb(tmp: string): Promise<{ display: string; proc: ChildProcess }> {
  const script =
    'mount --bind "$0" /tmp && exec setpriv "$@" Xvfb ":$DISP" -displayfd 3 -screen 0 640x480x24 -nolisten tcp';
  for (let attempt = 0; attempt < 5; attempt++) {
    const n = 200 + Math.floor(Math.random() * 700);
    const proc = spawn('unshare', ['-m', '--', 'sh', '-c', script, tmp, ...setpriv], {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      env: { PATH, DISP: String(n) },
    });
    groups.push(proc);
    let err = '';
    proc.stderr?.on('data', (d) => {
      err += String(d);
    });
    const ready = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), 15_000);
      (proc.stdio[3] as NodeJS.ReadableStream).on('data', () => {
        clearTimeout(t);
        resolve(true);
      });
      proc.on('exit', () => {
        clearTimeout(t);
        resolve(false);
      });
    });
    if (ready) return { display: `:${n}`, proc };
    endGroup(proc);
    if (attempt === 4) throw new Error(`Xvfb did not start: ${err.trim().slice(-500)}`);
  }
  throw new Error('unreachable');
}

export async function startDesk(): Promise<Desk> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baomi-idle-'));
  fs.chmodSync(dir, 0o755);
  const tmp = path.join(dir, 'tmp');
  fs.mkdirSync(tmp);
  fs.chmodSync(tmp, 0o1777);
  const home = path.join(dir, 'home');
  fs.mkdirSync(home);
  fs.chownSync(home, DESK_UID, DESK_UID);
  const passwd = path.join(dir, 'passwd');
  fs.writeFileSync(passwd, `${DESK_USER}:x:${DESK_UID}:${DESK_UID}::${home}:/bin/sh\n`);
  const x = await startXvfb(tmp);
  const env = { PATH, HOME: home, DISPLAY: x.display };
  const asUser = (cmd: string, args: string[]) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const p = spawn('setpriv', [...setpriv, cmd, ...args], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      p.stdout.on('data', (d) => {
        out += String(d);
      });
      p.stderr.on('data', (d) => {
        out += String(d);
      });
      p.on('close', (code) => resolve({ code, out }));
    });
  let saver: ChildProcess | undefined;
  return {
    display: x.display,
    dir,
    home,
    passwd,
    asUser,
    async startScreensaver() {
      saver = spawn('setpriv', [...setpriv, 'xscreensaver', '-no-splash'], {
        env,
        detached: true,
        stdio: 'ignore',
      });
      groups.push(saver);
      const until = Date.now() + 15_000;
      while (Date.now() < until) {
        if ((await asUser('xscreensaver-command', ['-time'])).code === 0) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('xscreensaver did not answer within 15 s');
    },
    async close() {
      if (saver) await stopGroup(saver);
      await stopGroup(x.proc);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Ends every group this module started (a failed test's leftovers). */
export function endAll(): void {
  for (const p of groups.splice(0)) endGroup(p);
}
