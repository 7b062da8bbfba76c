// The real agent reminding and locking on a real desktop (issue 10, "Tests"): Xvfb,
// xscreensaver, a session bus (dbus-run-session) with dunst as the notification daemon and
// dbus-monitor recording every Notify call, and the agent, all run as the ordinary desk user
// (xdesk.ts: uid 65534 in a namespace with a private /tmp); xdotool makes the input. Policies
// use seconds. Bounds are generous and say what must hold (never before the threshold, no
// reminder while input continues or while locked), never how fast.
//   1. a reminder after remindAfter, none while input continues, repeats every `repeat`;
//      each one reaches dunst (Notify seen by dbus-monitor) with the lock shortcut;
//   2. lock: true: the agent locks with xscreensaver-command -lock; no reminder while locked;
//      a person typing their password in xscreensaver's dialog unlocks: session.unlocked;
//   3. bad input: a session bus with no notification service: reminders are stored as not
//      delivered, with the reason, and the agent keeps going;
//   4. bad input: no xprintidle on PATH: no idle source, said once in the agent's log.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BaomiEvent } from '../../../src/core/events/types.js';
import { XPRINTIDLE_MISSING } from '../../../src/platform/linux/idle-x11.js';
import { waitFor } from '../../helpers/agent.js';
import { type DeskAgent, pathWithout, startDeskAgent } from './desk-agent.js';
import { type DeskSession, startSession } from './session.js';
import { DESK_USER, type Desk, deskMissing, endAll, startDesk } from './xdesk.js';

const missing = deskMissing(['dbus-run-session', 'dbus-monitor', 'dbus-send', 'dunst']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The Linux notice names both common shortcuts when it does not know the desktop. */
const SHORTCUT_EN = 'Super+L or Ctrl+Alt+L';
const SHORTCUT_ZH = 'Super+L 或 Ctrl+Alt+L';

let desk: Desk;
let session: DeskSession | null = null;
let agent: DeskAgent | null = null;

afterEach(async () => {
  await agent?.stop();
  agent = null;
  await session?.close();
  session = null;
});

const reminded = (a: DeskAgent) => a.events().filter((e) => e.type === 'idle.reminded');
const waitEvent = (a: DeskAgent, what: string, pred: (e: BaomiEvent) => boolean, ms = 30_000) =>
  waitFor(what, () => a.events().find(pred), ms);

/** Polls an asynchronous probe every 200 ms until it gives a value. */
async function until<T>(what: string, probe: () => Promise<T | null>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/**
 * Input every second until stopped: resolves with the time just before the last input was
 * made (the X server's last input is at or after it).
 */
function keepMoving(d: Desk) {
  let stop = false;
  let lastStart = 0;
  const done = (async () => {
    for (let i = 0; !stop; i++) {
      lastStart = Date.now();
      const r = await d.asUser('xdotool', ['mousemove', String(100 + (i % 2) * 50), '120']);
      if (r.code !== 0) throw new Error(`xdotool failed: ${r.out}`);
      await sleep(1_000);
    }
  })();
  return {
    async stop(): Promise<number> {
      stop = true;
      await done;
      return lastStart;
    },
  };
}

describe.skipIf(missing !== null)(
  `the agent as an ordinary user on a real desktop (Xvfb, xscreensaver, dunst on dbus)${missing ? `: skipped, ${missing}` : ''}`,
  () => {
    beforeAll(async () => {
      desk = await startDesk();
    });
    afterAll(async () => {
      await desk?.close();
      endAll();
    });

    it('reminds after remindAfter, never while input continues, again every repeat; the notice reaches dunst', async () => {
      session = await startSession(desk, { daemon: 'dunst' });
      // Input from before the agent starts: the X server's idle time stays under ~1 s.
      const moving = keepMoving(desk);
      agent = await startDeskAgent(desk, {
        env: session.env,
        idle: 'remindAfter: 3s\nrepeat: 3s\nlockAfter: 1h\nlock: false',
      });
      const a = agent;
      const status = await until('status to name the x11 idle source', async () => {
        const s = await a.status();
        return s.idleSource === 'x11' ? s : null;
      });
      expect(status).toMatchObject({ idleSource: 'x11', idle: { user: DESK_USER } });

      // Input for longer than remindAfter + repeat: nothing.
      await sleep(8_000);
      const lastInput = await moving.stop();
      expect(reminded(a)).toEqual([]);
      expect(session.notifies()).toEqual([]);

      const r1 = await waitEvent(a, 'the first reminder', (e) => e.type === 'idle.reminded');
      const r2 = await waitEvent(
        a,
        'the second reminder',
        (e) => e.type === 'idle.reminded' && e.data.n === 2,
      );
      expect(r1).toMatchObject({
        user: DESK_USER,
        data: { n: 1, delivered: true, via: 'notify-send' },
      });
      expect(r2).toMatchObject({
        user: DESK_USER,
        data: { n: 2, delivered: true, via: 'notify-send' },
      });
      // Never before the threshold: remindAfter, then remindAfter + repeat, of idle time.
      const idle1 = r1.data.idleMs as number;
      const idle2 = r2.data.idleMs as number;
      expect(idle1).toBeGreaterThanOrEqual(3_000);
      expect(idle2).toBeGreaterThanOrEqual(6_000);
      expect(r1.ts).toBeGreaterThanOrEqual(lastInput + 3_000);
      expect(r2.ts).toBeGreaterThanOrEqual(lastInput + 6_000);
      // About `repeat` apart: never closer than repeat/2 (the reminder grid's rule).
      expect(r2.ts - r1.ts).toBeGreaterThanOrEqual(1_500);
      expect(idle2 - idle1).toBeGreaterThanOrEqual(1_500);

      // What reached the desktop: one Notify per reminder, in the person's language, with the
      // shortcut that locks the screen.
      const s = session;
      const shown = await waitFor('two Notify calls', () => {
        const n = s.notifies();
        return n.length >= 2 ? n : null;
      });
      expect(shown.slice(0, 2)).toEqual([
        {
          at: expect.any(Number),
          app: 'Baomi',
          summary: 'Lock your screen',
          body: `You have been away for ${Math.floor(idle1 / 1000)} s: lock your screen (${SHORTCUT_EN})`,
        },
        {
          at: expect.any(Number),
          app: 'Baomi',
          summary: 'Lock your screen',
          body: `You have been away for ${Math.floor(idle2 / 1000)} s: lock your screen (${SHORTCUT_EN})`,
        },
      ]);
      console.log(
        `reminders at ${idle1} and ${idle2} ms of idle time; Notify seen ${shown[0]!.at - (lastInput + 3_000)} and ${shown[1]!.at - (lastInput + 6_000)} ms after the thresholds (upper bound: input made at most that much earlier)`,
      );
      // Every Notify is one stored reminder (no notice goes out unrecorded).
      const stored = reminded(a).length;
      expect(s.notifies().length).toBeLessThanOrEqual(stored);
      expect(s.notifies().length).toBeGreaterThanOrEqual(stored - 1); // one may be on its way
    });

    it('locks with xscreensaver-command -lock after lockAfter; no reminder while locked; a typed password unlocks', async () => {
      await desk.startScreensaver();
      session = await startSession(desk, { daemon: 'dunst' });
      await desk.asUser('xdotool', ['mousemove', '200', '200']);
      // In Chinese this time: the notices follow the agent's language.
      agent = await startDeskAgent(desk, {
        env: session.env,
        idle: 'remindAfter: 3s\nrepeat: 3s\nlockAfter: 6s\nlock: true',
        lang: 'zh_CN.UTF-8',
      });
      const a = agent;
      const locked = await waitEvent(a, 'idle.locked', (e) => e.type === 'idle.locked');
      expect(locked).toMatchObject({
        user: DESK_USER,
        data: { via: 'xscreensaver-command -lock' },
      });
      expect(locked.data.idleMs as number).toBeGreaterThanOrEqual(6_000);
      const sessionLocked = await waitEvent(
        a,
        'session.locked',
        (e) => e.type === 'session.locked',
      );
      expect(sessionLocked).toMatchObject({ user: DESK_USER, data: { source: 'x11' } });
      expect(await desk.screenLocked()).toBe(true);
      // The reminder at 3 s came before; none while locked, past LOCK_SETTLE_MS (5 s) and
      // another repeat.
      await sleep(9_000);
      const before = reminded(a);
      expect(before.map((e) => e.data.n)).toEqual([1]);
      expect(before[0]!.seq).toBeLessThan(locked.seq);
      expect(await a.status()).toMatchObject({
        idleSource: 'x11',
        idle: { status: 'locked', locked: true, lock: 'asked' },
      });
      // dunst got the reminder and the lock notice, in Chinese.
      const s = session;
      const shown = await waitFor('two Notify calls', () =>
        s.notifies().length >= 2 ? s.notifies() : null,
      );
      expect(shown.map((n) => n.summary)).toEqual(['请锁定屏幕', '屏幕已锁定']);
      expect(shown[0]!.body).toContain(SHORTCUT_ZH);
      expect(shown[1]!.body).toMatch(/^屏幕已按策略锁定：\d+ 秒无操作。$/);

      // The person comes back and types their password: the agent hears of it at once.
      await desk.unlock();
      const unlocked = await waitEvent(
        a,
        'session.unlocked',
        (e) => e.type === 'session.unlocked',
        15_000,
      );
      expect(unlocked).toMatchObject({ user: DESK_USER, data: { source: 'x11' } });
      expect(unlocked.seq).toBeGreaterThan(sessionLocked.seq);
      expect(reminded(a).filter((e) => e.seq > locked.seq)).toEqual([]);
    });

    it('bad input: a session bus with no notification service: reminders stored undelivered with the reason; the agent goes on', async () => {
      session = await startSession(desk, { daemon: 'none' });
      await desk.asUser('xdotool', ['mousemove', '250', '250']);
      agent = await startDeskAgent(desk, {
        env: session.env,
        idle: 'remindAfter: 3s\nrepeat: 3s\nlockAfter: 1h\nlock: false',
      });
      const a = agent;
      const r1 = await waitEvent(a, 'the first reminder', (e) => e.type === 'idle.reminded');
      const r2 = await waitEvent(
        a,
        'the second reminder',
        (e) => e.type === 'idle.reminded' && e.data.n === 2,
      );
      for (const r of [r1, r2]) {
        expect(r.data).toMatchObject({ delivered: false, via: 'notify-send' });
        expect(String(r.data.why)).toMatch(/org\.freedesktop\.Notifications/);
      }
      // The agent runs on and answers.
      expect(a.proc.child.exitCode).toBeNull();
      expect(await a.status()).toMatchObject({ idleSource: 'x11' });
      // Said once in its log, however many reminders failed.
      const said = a
        .log()
        .split('\n')
        .filter((l) => l.includes('notify-send failed'));
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(/org\.freedesktop\.Notifications/);
    });

    it('bad input: no xprintidle on PATH: status says idleSource none; the log says so once', async () => {
      // A PATH with the desktop's other programs and no xprintidle.
      agent = await startDeskAgent(desk, {
        env: { ...desk.env, PATH: pathWithout(desk, 'xprintidle') },
        idle: 'remindAfter: 3s\nrepeat: 3s\nlockAfter: 1h\nlock: false',
      });
      const a = agent;
      expect(await a.status()).toMatchObject({ idleSource: 'none' });
      // A policy change makes the idle module look for a source again: still said once.
      a.setPolicy(2, 'remindAfter: 4s\nrepeat: 4s\nlockAfter: 1h\nlock: false');
      await waitEvent(a, 'policy 2', (e) => e.type === 'policy.applied' && e.data.version === 2);
      await sleep(4_500);
      expect(await a.status()).toMatchObject({ idleSource: 'none' });
      expect(reminded(a)).toEqual([]);
      const lines = a.log().split('\n');
      expect(lines.filter((l) => l.includes(XPRINTIDLE_MISSING))).toHaveLength(1);
      expect(
        lines.filter((l) => l.includes('reminders are off until a tray reports')),
      ).toHaveLength(1);
    });
  },
);
