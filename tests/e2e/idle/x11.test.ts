// The Linux idle adapters against a real X server: Xvfb and xscreensaver run as an ordinary
// user (xdesk.ts), and the test, as root, is the agent: it runs the real `xprintidle` and
// `xscreensaver-command` as that user through the node command runner (uid/gid, their
// DISPLAY and HOME), exactly as a root agent reaches a seat user's session.
//   - xdotool input resets the idle time the x11 source reads;
//   - the real locker locks with `xscreensaver-command -lock` (no logind in this container:
//     loginctl is skipped, and says so), the -watch child reports the lock, read() sees it, and
//     a fresh source (no watch) reads it from `xscreensaver-command -time`.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdleSource } from '../../../src/core/ports/idle.js';
import type { SeatUser } from '../../../src/core/ports/session.js';
import { onPath } from '../../../src/platform/index.js';
import { createLinuxIdle } from '../../../src/platform/linux/idle.js';
import { createLinuxUsers } from '../../../src/platform/linux/users.js';
import { nodeClock } from '../../../src/platform/node/clock.js';
import { createNodeCommandRunner } from '../../../src/platform/node/commands.js';
import { DESK_UID, DESK_USER, type Desk, deskMissing, endAll, startDesk } from './xdesk.js';

const missing = deskMissing();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let desk: Desk;
let seat: SeatUser;
const said: string[] = [];
const make = () =>
  createLinuxIdle({
    commands: createNodeCommandRunner(),
    clock: nodeClock,
    users: createLinuxUsers({ passwd: desk.passwd }),
    uid: 0,
    runUserDir: path.join(desk.dir, 'run/user'),
    has: (p) => onPath(p),
    logind: false,
    say: (l) => said.push(l),
  });

describe.skipIf(missing !== null)(
  `idle under a real X server (Xvfb, xprintidle, xscreensaver as an ordinary user)${missing ? `: skipped, ${missing}` : ''}`,
  () => {
    beforeAll(async () => {
      desk = await startDesk();
      seat = {
        name: DESK_USER,
        uid: DESK_UID,
        display: desk.display,
        sessionType: 'x11',
        source: 'logind',
      };
    });
    afterAll(async () => {
      await desk?.close();
      endAll();
    });

    it('reads the real idle time as the seat user; xdotool input resets it', async () => {
      const { idle, lacks } = make();
      expect(idle.sources.map((s) => s.name)).toEqual(['x11']);
      expect(lacks).toEqual([
        'idle: no systemd-logind; its idle and lock hints and `loginctl lock-session` are not available',
      ]);
      const x11 = idle.sources[0]!;
      await desk.asUser('xdotool', ['mousemove', '10', '10']);
      await sleep(1500);
      const before = await x11.read(seat);
      expect(before.idleMs).toBeGreaterThanOrEqual(1200);
      expect(before.idleMs).toBeLessThan(30_000);
      // No xscreensaver yet: lock state unknown, and said.
      expect(before.locked).toBeNull();
      expect(
        said.some((l) => l.startsWith(`idle: x11: no xscreensaver answers on ${desk.display}`)),
      ).toBe(true);
      const r = await desk.asUser('xdotool', ['mousemove', '300', '200']);
      expect(r.code).toBe(0);
      const after = await x11.read(seat);
      expect(after.idleMs).toBeLessThan(before.idleMs! - 800);
      // Idle time grows again without input.
      await sleep(600);
      expect((await x11.read(seat)).idleMs).toBeGreaterThanOrEqual(500);
    });

    it('locks with xscreensaver-command -lock, seen by the -watch child and by -time', async () => {
      await desk.startScreensaver();
      const { idle } = make();
      const x11 = idle.sources[0]!;
      const changes: boolean[] = [];
      const watch = x11.watchLock!(seat, (v) => changes.push(v));
      try {
        expect((await x11.read(seat)).locked).toBe(false);
        const t0 = Date.now();
        const res = await idle.locker.lock(seat);
        expect(res).toEqual({
          ok: true,
          via: 'xscreensaver-command -lock',
          tried: [{ via: 'loginctl lock-session', error: 'no systemd-logind here' }],
        });
        while (changes.length === 0 && Date.now() - t0 < 10_000) await sleep(50);
        expect(changes).toEqual([true]);
        console.log(`lock seen by the -watch child ${Date.now() - t0} ms after the lock command`);
        expect((await x11.read(seat)).locked).toBe(true);
        // A source with no watch asks -time, which agrees.
        const fresh: IdleSource = make().idle.sources[0]!;
        expect(await fresh.read(seat)).toMatchObject({ locked: true });
      } finally {
        watch.close();
      }
    });
  },
);
