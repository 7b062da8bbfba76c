// The Linux seat user on fabricated trees: logind's state files (written the way logind
// writes them: a temporary file renamed over the old one) watched with inotify, a crafted
// utmp file, and the fallback from one to the next.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SeatUser } from '../../../src/core/ports/session.js';
import { createLogindFilesSession } from '../../../src/platform/linux/logind.js';
import { pickLinuxSession } from '../../../src/platform/linux/session.js';
import { createLinuxUsers } from '../../../src/platform/linux/users.js';
import { createUtmpSession, USER_PROCESS } from '../../../src/platform/linux/utmp.js';
import { nodeClock } from '../../../src/platform/node/clock.js';
import { utmpFile } from '../../unit/platform/utmp-record.js';

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

function tmpRoot(): string {
  const r = fs.mkdtempSync(path.join(os.tmpdir(), 'baomi-seat-'));
  cleanup.push(() => fs.rmSync(r, { recursive: true, force: true }));
  return r;
}

/** Writes a state file as logind does (fopen_temporary + rename). */
function save(file: string, lines: string[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = path.join(
    path.dirname(file),
    `.#${path.basename(file)}${Math.random().toString(36).slice(2, 8)}`,
  );
  fs.writeFileSync(tmp, `# This is private data. Do not parse.\n${lines.join('\n')}\n`);
  fs.renameSync(tmp, file);
}

function logindTree(root: string) {
  const run = path.join(root, 'run');
  const seat = (active?: { id: string; uid: number }) =>
    save(path.join(run, 'systemd/seats/seat0'), [
      'IS_SEAT0=1',
      'CAN_MULTI_SESSION=1',
      'CAN_TTY=1',
      'CAN_GRAPHICAL=1',
      ...(active ? [`ACTIVE=${active.id}`, `ACTIVE_UID=${active.uid}`] : []),
      'SESSIONS=2 c1',
    ]);
  const session = (id: string, v: Record<string, string>) =>
    save(
      path.join(run, 'systemd/sessions', id),
      Object.entries(v).map(([k, x]) => `${k}=${x}`),
    );
  return { run, seat, session };
}

async function until<T>(what: string, get: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('logind state files', () => {
  it('answers the active session of seat0 with its display and session bus', async () => {
    const root = tmpRoot();
    const t = logindTree(root);
    t.session('2', {
      UID: '1000',
      USER: 'alice',
      ACTIVE: '1',
      IS_DISPLAY: '1',
      STATE: 'active',
      REMOTE: '0',
      TYPE: 'x11',
      CLASS: 'user',
      DISPLAY: ':0',
      SEAT: 'seat0',
      VTNR: '2',
    });
    t.seat({ id: '2', uid: 1000 });
    fs.mkdirSync(path.join(t.run, 'user/1000'), { recursive: true });
    fs.writeFileSync(path.join(t.run, 'user/1000/bus'), ''); // stands in for the socket
    const s = createLogindFilesSession({ runDir: t.run, clock: nodeClock });
    expect(await s.current()).toEqual({
      name: 'alice',
      uid: 1000,
      sessionId: '2',
      display: ':0',
      sessionType: 'x11',
      dbusAddress: `unix:path=${path.join(t.run, 'user/1000/bus')}`,
      source: 'logind',
    });
  });

  it('tells watchers of a switch, the greeter and a logout, as logind rewrites its files', async () => {
    const root = tmpRoot();
    const t = logindTree(root);
    t.session('2', { UID: '1000', USER: 'alice', STATE: 'active', CLASS: 'user', TYPE: 'wayland' });
    t.session('c1', {
      UID: '120',
      USER: 'gdm',
      STATE: 'online',
      CLASS: 'greeter',
      TYPE: 'wayland',
    });
    t.seat({ id: '2', uid: 1000 });
    const s = createLogindFilesSession({ runDir: t.run, clock: nodeClock });
    const heard: Array<SeatUser | null> = [];
    const w = s.watch((u) => heard.push(u));
    cleanup.push(() => w.close());
    await new Promise((r) => setTimeout(r, 150)); // the watch reads its starting point

    // Fast user switching: bob's session becomes active.
    t.session('3', {
      UID: '1001',
      USER: 'bob',
      STATE: 'active',
      CLASS: 'user',
      TYPE: 'x11',
      DISPLAY: ':1',
    });
    t.seat({ id: '3', uid: 1001 });
    await until('bob', () => (heard.at(-1)?.name === 'bob' ? true : undefined));
    // The login screen comes to the front: nobody is at the console.
    t.seat({ id: 'c1', uid: 120 });
    await until('the greeter', () => (heard.length === 2 && heard[1] === null ? true : undefined));
    // alice again; then she logs out: her session is closing, then the seat has none.
    t.seat({ id: '2', uid: 1000 });
    await until('alice', () => (heard.at(-1)?.name === 'alice' ? true : undefined));
    t.session('2', { UID: '1000', USER: 'alice', STATE: 'closing', CLASS: 'user' });
    await until('the logout', () => (heard.length === 4 ? true : undefined));
    t.seat();
    await new Promise((r) => setTimeout(r, 300));
    expect(heard.map((u) => (u ? `${u.name}@${u.sessionId}${u.display ?? ''}` : null))).toEqual([
      'bob@3:1',
      null,
      'alice@2',
      null,
    ]);
    w.close();
    t.seat({ id: '3', uid: 1001 });
    await new Promise((r) => setTimeout(r, 300));
    expect(heard).toHaveLength(4);
  });

  it('says nobody when the seat has no active session or its file is gone', async () => {
    const root = tmpRoot();
    const t = logindTree(root);
    t.seat();
    const s = createLogindFilesSession({ runDir: t.run, clock: nodeClock });
    expect(await s.current()).toBeNull();
    t.seat({ id: '../../etc', uid: 0 }); // a hostile or broken file: never a path
    expect(await s.current()).toBeNull();
    fs.rmSync(path.join(t.run, 'systemd/seats/seat0'));
    expect(await s.current()).toBeNull();
  });
});

describe('utmp', () => {
  it('answers the local login and follows logins and logouts written in place', async () => {
    const root = tmpRoot();
    const file = path.join(root, 'utmp');
    const boot = [
      { type: 2, line: '~', user: 'reboot' },
      { type: 6, pid: process.pid, line: 'tty1', id: 'tty1', user: 'LOGIN' },
    ];
    fs.writeFileSync(file, utmpFile(boot));
    const passwd = path.join(root, 'passwd');
    fs.writeFileSync(passwd, 'alice:x:1000:1000::/home/alice:/bin/sh\n');
    const s = createUtmpSession({ file, clock: nodeClock, users: createLinuxUsers({ passwd }) });
    expect(await s.current()).toBeNull();
    const heard: Array<string | null> = [];
    const w = s.watch((u) => heard.push(u ? `${u.name}:${u.uid}:${u.display ?? ''}` : null));
    cleanup.push(() => w.close());
    await new Promise((r) => setTimeout(r, 150));

    // agetty's LOGIN record on tty1 becomes alice's login (pututline rewrites it in place);
    // a remote ssh login is added, which does not count.
    const alice = {
      type: USER_PROCESS,
      pid: process.pid,
      line: 'tty1',
      id: 'tty1',
      user: 'alice',
      session: 4,
    };
    const ssh = {
      type: USER_PROCESS,
      pid: process.pid,
      line: 'pts/0',
      id: 'ts/0',
      user: 'mallory',
      host: '198.51.100.7',
    };
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, utmpFile([alice, ssh]), 0, 768, 384);
    fs.closeSync(fd);
    await until('alice', () => (heard.length === 1 ? true : undefined));
    // alice logs out: her record becomes DEAD_PROCESS.
    const fd2 = fs.openSync(file, 'r+');
    fs.writeSync(fd2, utmpFile([{ ...alice, type: 8, user: '' }]), 0, 384, 384);
    fs.closeSync(fd2);
    await until('the logout', () => (heard.length === 2 ? true : undefined));
    expect(heard).toEqual(['alice:1000:', null]);
  });
});

describe('logind starting after the agent (early boot)', () => {
  it('picks logind on a systemd-booted machine before seat0 exists, and hears it appear', async () => {
    const root = tmpRoot();
    fs.mkdirSync(path.join(root, 'run/systemd/system'), { recursive: true });
    const picked = pickLinuxSession({ root, clock: nodeClock });
    expect([picked.session.name, picked.lacks]).toEqual(['logind', []]);
    expect(await picked.session.current()).toBeNull();
    const heard: Array<string | null> = [];
    const w = picked.session.watch((u) => heard.push(u?.name ?? null));
    cleanup.push(() => w.close());
    await new Promise((r) => setTimeout(r, 150));
    const t = logindTree(root);
    t.session('1', { UID: '1000', USER: 'alice', STATE: 'active', CLASS: 'user' });
    t.seat({ id: '1', uid: 1000 });
    await until('alice', () => (heard.length > 0 ? true : undefined));
    expect(heard).toEqual(['alice']);
  });
});

describe('picking the Linux source', () => {
  it('prefers logind, falls back to utmp, then to none, saying what is missing once', async () => {
    const withLogind = tmpRoot();
    logindTree(withLogind).seat();
    const a = pickLinuxSession({ root: withLogind, clock: nodeClock });
    expect([a.session.name, a.lacks]).toEqual(['logind', []]);

    const withUtmp = tmpRoot();
    fs.mkdirSync(path.join(withUtmp, 'run/systemd/seats'), { recursive: true }); // logind not running
    fs.writeFileSync(
      path.join(withUtmp, 'run/utmp'),
      utmpFile([{ type: USER_PROCESS, pid: process.pid, line: ':0', host: ':0', user: 'alice' }]),
    );
    const b = pickLinuxSession({ root: withUtmp, clock: nodeClock });
    expect(b.session.name).toBe('utmp');
    expect(b.lacks).toEqual([
      'session: no systemd-logind (no /run/systemd/seats/seat0); trying utmp',
    ]);
    expect(await b.session.current()).toMatchObject({
      name: 'alice',
      display: ':0',
      source: 'utmp',
    });

    const bare = tmpRoot();
    const c = pickLinuxSession({ root: bare, clock: nodeClock });
    expect(c.session.name).toBe('none');
    expect(c.lacks).toHaveLength(2);
    expect(await c.session.current()).toBeNull();
  });
});
