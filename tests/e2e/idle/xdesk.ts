// A small X desktop for the idle suites: Xvfb, xscreensaver and whatever a test runs in the
// desktop session (dbus, dunst, the agent itself) run as an ordinary user, uid 65534
// (xscreensaver refuses root, and a root agent finds no session here).
//
// This machine's /tmp is mode 0755, so an ordinary user can neither take Xvfb's lock file
// (/tmp/.X<n>-lock) nor make /tmp/.X11-unix, nor have dbus-daemon put its socket there. So
// every process of the desk user runs in a private mount namespace (`wrap()`) whose /tmp is a
// 1777 folder of this desk (bind-mounted; every such namespace binds the same folder, so they
// all see one /tmp: dbus's socket path works across them). X clients outside (the root test,
// a root agent) still reach the display, because Xlib tries the abstract socket
// @/tmp/.X11-unix/X<n> first, and abstract sockets belong to the network namespace, which is
// shared. The private /tmp hides the real one, so the desk's own files (HOME, the agent's
// folders) live outside /tmp (deskBase()).
//
// The same namespace binds a passwd naming uid 65534 `baomi-e2e` (with this desk's HOME) over
// /etc/passwd, and a shadow file giving it a password over /etc/shadow: xscreensaver's
// xscreensaver-auth (setuid root, it drops to the user and asks PAM, pam_unix through
// unix_chkpwd, setgid shadow) refuses to authenticate `nobody`, and a locked screen can only be
// unlocked the way a person does it, by typing their password (`unlock()`);
// `xscreensaver-command -deactivate` on a locked screen only brings up that dialog.
// Every process started here is in its own process group and is ended by that group's id.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const DESK_UID = 65534;
export const DESK_USER = 'baomi-e2e';
/** The desk user's password (typed into xscreensaver's dialog by unlock()). */
export const DESK_PASSWORD = 'unlockme';
/** `openssl passwd -6 -salt baomie2e unlockme` (SHA-512 crypt, as Debian's pam_unix writes). */
const DESK_PASSWORD_HASH =
  '$6$baomie2e$1PIhXsebDj6l1NxYCzWK4TNUOMymP5Nnh3zE1Hrd4K.VY92f6wZmsKYh2SQJwwuBXxWxB.zVs7Fwh0lJoMnZw/';
export const DESK_PATH = '/usr/local/bin:/usr/bin:/bin';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Why this suite cannot run here, or null. */
export function deskMissing(extra: string[] = []): string | null {
  if (process.getuid?.() !== 0) return 'needs root (drops to an ordinary user with setpriv)';
  const missing = ['Xvfb', 'xprintidle', 'xdotool', 'xscreensaver', 'xscreensaver-command']
    .concat(['unshare', 'setpriv', 'mount'], extra)
    .filter((c) => !has(c));
  if (missing.length) return `needs ${missing.join(', ')} (scripts/e2e-packages.txt)`;
  if (spawnSync('unshare', ['-m', 'true']).status !== 0) return 'cannot make a mount namespace';
  if (!fs.existsSync('/etc/shadow')) return 'no /etc/shadow to bind a test password over';
  return null;
}

/**
 * Where the desk's files go: the private /tmp of the namespaces hides the real /tmp, so not
 * there (Debian's /var/tmp is 1777 too).
 */
export function deskBase(): string {
  const t = path.resolve(os.tmpdir());
  return t === '/tmp' || t.startsWith('/tmp/') ? '/var/tmp' : t;
}

export interface UserResult {
  code: number | null;
  /** stdout and stderr, as they came. */
  out: string;
  stdout: string;
}

export interface Desk {
  display: string;
  dir: string;
  home: string;
  /** The passwd file bound over /etc/passwd (the machine's, with uid 65534 as the desk user). */
  passwd: string;
  /** The environment every desk process starts from: PATH, HOME, DISPLAY. */
  env: Record<string, string>;
  /**
   * The command line that runs a program as the desk user in the desk's namespace with
   * exactly `env` (append the program and its arguments).
   */
  wrap(env: Record<string, string>): string[];
  /** Starts a long-running program as the desk user (own process group, ended by close()). */
  spawn(cmd: string, args: string[], env?: Record<string, string>): ChildProcess;
  /** Runs a program as the desk user on the display; resolves with its exit and output. */
  asUser(cmd: string, args: string[], env?: Record<string, string>): Promise<UserResult>;
  /** What Xvfb has written to stderr so far (with -audit: a line per client connection). */
  xlog(): string;
  startScreensaver(): Promise<void>;
  /** Whether xscreensaver says the screen is locked (null: no xscreensaver answers). */
  screenLocked(): Promise<boolean | null>;
  /** Unlocks xscreensaver as a person does: a key, the password in its dialog, Return. */
  unlock(): Promise<void>;
  close(): Promise<void>;
}

const groups: ChildProcess[] = [];
const tails = new WeakMap<ChildProcess, string>();
/** The last few KB a process started by Desk.spawn wrote to stderr. */
export const stderrTail = (p: ChildProcess): string => tails.get(p) ?? '';
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
export async function stopGroup(p: ChildProcess): Promise<void> {
  endGroup(p, 'SIGTERM');
  const until = Date.now() + 2_000;
  while (alive(p) && Date.now() < until) await sleep(50);
  endGroup(p);
}

const setpriv = ['--reuid', String(DESK_UID), '--regid', String(DESK_UID), '--clear-groups'];
/** $0 the private /tmp, $1 the passwd, $2 the shadow file; then setpriv's arguments. */
const NAMESPACE_SCRIPT =
  'mount --bind "$0" /tmp && mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/shadow && shift 2 && exec setpriv "$@"';

/** Starts Xvfb as the desk user on a free display; resolves once it accepts clients. */
async function startXvfb(
  wrap: (env: Record<string, string>) => string[],
  extra: string[],
): Promise<{ display: string; proc: ChildProcess; stderr: () => string }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const n = 200 + Math.floor(Math.random() * 700);
    const [cmd, ...args] = [
      ...wrap({ PATH: DESK_PATH }),
      'Xvfb',
      `:${n}`,
      '-displayfd',
      '3',
      '-screen',
      '0',
      '640x480x24',
      '-nolisten',
      'tcp',
      ...extra,
    ];
    const proc = spawn(cmd!, args, {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
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
    if (ready) return { display: `:${n}`, proc, stderr: () => err };
    endGroup(proc);
    if (attempt === 4) throw new Error(`Xvfb did not start: ${err.trim().slice(-500)}`);
  }
  throw new Error('unreachable');
}

/** `xvfbArgs`: more arguments for Xvfb (the idle bench counts X clients with `-audit 4`). */
export async function startDesk(o: { xvfbArgs?: string[] } = {}): Promise<Desk> {
  const dir = fs.mkdtempSync(path.join(deskBase(), 'baomi-idle-'));
  fs.chmodSync(dir, 0o755);
  const tmp = path.join(dir, 'tmp');
  fs.mkdirSync(tmp);
  fs.chmodSync(tmp, 0o1777);
  const home = path.join(dir, 'home');
  fs.mkdirSync(home);
  fs.chownSync(home, DESK_UID, DESK_UID);
  // The machine's accounts (root and the system users stay as they are) with uid 65534 as ours.
  const passwd = path.join(dir, 'passwd');
  const others = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .filter((l) => l && l.split(':')[2] !== String(DESK_UID));
  fs.writeFileSync(
    passwd,
    `${[...others, `${DESK_USER}:x:${DESK_UID}:${DESK_UID}::${home}:/bin/sh`].join('\n')}\n`,
  );
  fs.chmodSync(passwd, 0o644);
  // Our user alone: nobody else's password hash is copied out of /etc/shadow. Group shadow,
  // mode 0640, as Debian's: unix_chkpwd (setgid shadow) reads it for the user.
  const shadow = path.join(dir, 'shadow');
  fs.writeFileSync(shadow, `${DESK_USER}:${DESK_PASSWORD_HASH}:20000:0:99999:7:::\n`, {
    mode: 0o640,
  });
  const shadowGid = Number(
    fs
      .readFileSync('/etc/group', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('shadow:'))
      ?.split(':')[2] ?? 0,
  );
  fs.chownSync(shadow, 0, shadowGid);

  const wrap = (env: Record<string, string>) => [
    'unshare',
    '-m',
    '--',
    'sh',
    '-c',
    NAMESPACE_SCRIPT,
    tmp,
    passwd,
    shadow,
    ...setpriv,
    'env',
    '-i',
    ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
  ];
  const x = await startXvfb(wrap, o.xvfbArgs ?? []);
  const deskEnv = { PATH: DESK_PATH, HOME: home, DISPLAY: x.display };
  const spawnUser = (cmd: string, args: string[], env: Record<string, string> = deskEnv) => {
    const [c, ...a] = [...wrap(env), cmd, ...args];
    const p = spawn(c!, a, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    groups.push(p);
    // Read, so that a chatty program never blocks on a full pipe; the end is kept for errors.
    tails.set(p, '');
    p.stdout?.on('data', () => {}); // readers added in the same tick see everything too
    p.stderr?.on('data', (d) => {
      tails.set(p, `${tails.get(p) ?? ''}${String(d)}`.slice(-4_000));
    });
    return p;
  };
  const asUser = (cmd: string, args: string[], env: Record<string, string> = deskEnv) =>
    new Promise<UserResult>((resolve) => {
      const [c, ...a] = [...wrap(env), cmd, ...args];
      const p = spawn(c!, a, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let stdout = '';
      p.stdout.on('data', (d) => {
        out += String(d);
        stdout += String(d);
      });
      p.stderr.on('data', (d) => {
        out += String(d);
      });
      p.on('close', (code) => resolve({ code, out, stdout }));
    });
  const screenLocked = async (): Promise<boolean | null> => {
    const r = await asUser('xscreensaver-command', ['-time']);
    if (r.code !== 0) return null;
    return /\blocked since\b/.test(r.stdout);
  };
  let saver: ChildProcess | undefined;
  return {
    display: x.display,
    dir,
    home,
    passwd,
    env: deskEnv,
    wrap,
    spawn: spawnUser,
    asUser,
    screenLocked,
    xlog: x.stderr,
    async startScreensaver() {
      saver = spawnUser('xscreensaver', ['-no-splash']);
      const until = Date.now() + 15_000;
      while (Date.now() < until) {
        if ((await screenLocked()) !== null) return;
        await sleep(200);
      }
      throw new Error(`xscreensaver did not answer within 15 s: ${stderrTail(saver)}`);
    },
    async unlock() {
      // A key wakes xscreensaver, which starts its password dialog (xscreensaver-auth); keys
      // typed before the dialog holds the keyboard are lost, so wait, and try again if the
      // password did not take (a slow start of the dialog).
      for (let attempt = 1; attempt <= 4; attempt++) {
        await asUser('xdotool', ['key', 'shift']);
        await sleep(1_500 * attempt);
        await asUser('xdotool', ['type', '--delay', '50', DESK_PASSWORD]);
        await asUser('xdotool', ['key', 'Return']);
        const until = Date.now() + 8_000;
        while (Date.now() < until) {
          if ((await screenLocked()) === false) return;
          await sleep(250);
        }
      }
      throw new Error('xscreensaver did not take the password in 4 attempts');
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
