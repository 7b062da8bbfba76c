// Seat token files: written only where the seat user alone can read them, never through a
// link (the seat user controls the folder a root agent writes into), replaced when the seat
// user changes; and the client reads its own token and proves who it is with it.
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSeatTokens, writeSeatToken } from '../../../src/agent/socket/seat-token.js';
import { connectAgent, readSeatToken } from '../../../src/ipc/index.js';
import { MemoryLog, serveLog, sleep, socketDir, until } from './helpers.js';

const asRoot = process.getuid?.() === 0;
/** The people at the console in these tests are all this user (a different uid needs root). */
const ME = process.getuid?.() ?? 0;
const NOBODY = 65534;
const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** A stand-in for /run/user/<uid>: a runtime dir owned by `uid`, mode 0700. */
function runtimeDir(uid = process.getuid?.() ?? 0): string {
  const d = join(mkdtempSync(join(tmpdir(), 'baomi-seat-')), 'user');
  mkdirSync(d, { mode: 0o700 });
  chownSync(d, uid, uid);
  return d;
}

describe('seat token file', () => {
  it.runIf(asRoot)("is the seat user's own: 0600 in a 0700 folder, both owned by them", () => {
    const run = runtimeDir(NOBODY);
    const f = writeSeatToken({ name: 'nobody', uid: NOBODY }, join(run, 'baomi'));
    cleanup.push(() => f.remove());
    const file = lstatSync(f.path);
    expect(file.isFile()).toBe(true);
    expect(file.mode & 0o777).toBe(0o600);
    expect(file.uid).toBe(NOBODY);
    const dir = lstatSync(join(run, 'baomi'));
    expect(dir.mode & 0o777).toBe(0o700);
    expect(dir.uid).toBe(NOBODY);
    expect(readFileSync(f.path, 'utf8')).toBe(f.token);
    expect(Buffer.from(f.token, 'base64url')).toHaveLength(32);
    f.remove();
    expect(existsSync(f.path)).toBe(false);
  });

  it('is replaced when the seat user changes: the old token stops working at once', () => {
    const run = runtimeDir();
    const seats = createSeatTokens({ dirFor: () => join(run, 'baomi') });
    cleanup.push(() => seats.stop());
    seats.set({ name: 'alice', uid: ME });
    const path = seats.path() as string;
    const first = readFileSync(path, 'utf8');
    expect(seats.resolve(first)).toBe('alice');
    seats.set({ name: 'alice', uid: ME }); // the same person: the same token
    expect(readFileSync(path, 'utf8')).toBe(first);
    seats.set({ name: 'bob', uid: ME });
    const second = readFileSync(path, 'utf8');
    expect(second).not.toBe(first);
    expect(seats.resolve(first)).toBeUndefined();
    expect(seats.resolve(second)).toBe('bob');
    for (const t of [undefined, '', 'x', second.slice(1), `${second}=`, second.toUpperCase()])
      if (t !== second) expect(seats.resolve(t)).toBeUndefined();
    seats.set(null);
    expect(seats.resolve(second)).toBeUndefined();
    expect(existsSync(path)).toBe(false);
    seats.set({ name: 'carol', uid: ME });
    seats.stop();
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a link where its folder should be, and writes nothing through it', () => {
    const run = runtimeDir();
    const elsewhere = mkdtempSync(join(tmpdir(), 'baomi-target-'));
    symlinkSync(elsewhere, join(run, 'baomi'));
    expect(() => writeSeatToken({ name: 'alice', uid: ME }, join(run, 'baomi'))).toThrow(
      expect.objectContaining({ code: 'SEAT_TOKEN_UNSAFE' }),
    );
    expect(existsSync(join(elsewhere, 'seat.token'))).toBe(false);
  });

  it('replaces a link planted at the token file itself instead of writing through it', () => {
    const run = runtimeDir();
    mkdirSync(join(run, 'baomi'), { mode: 0o700 });
    const victim = join(mkdtempSync(join(tmpdir(), 'baomi-victim-')), 'passwd');
    writeFileSync(victim, 'root:x:0:0\n');
    symlinkSync(victim, join(run, 'baomi', 'seat.token'));
    const f = writeSeatToken({ name: 'alice', uid: ME }, join(run, 'baomi'));
    cleanup.push(() => f.remove());
    expect(readFileSync(victim, 'utf8')).toBe('root:x:0:0\n');
    expect(lstatSync(f.path).isSymbolicLink()).toBe(false);
    expect(readFileSync(f.path, 'utf8')).toBe(f.token);
  });

  it('refuses a folder that others can write', () => {
    const run = runtimeDir();
    mkdirSync(join(run, 'baomi'));
    chmodSync(join(run, 'baomi'), 0o777);
    expect(() => writeSeatToken({ name: 'alice', uid: ME }, join(run, 'baomi'))).toThrow(
      expect.objectContaining({ code: 'SEAT_TOKEN_UNSAFE' }),
    );
  });

  it.runIf(asRoot)(
    'refuses a runtime folder that belongs to someone other than the seat user',
    () => {
      const run = runtimeDir(NOBODY + 1);
      expect(() => writeSeatToken({ name: 'nobody', uid: NOBODY }, join(run, 'baomi'))).toThrow(
        expect.objectContaining({ code: 'SEAT_TOKEN_UNSAFE' }),
      );
      expect(existsSync(join(run, 'baomi'))).toBe(false);
    },
  );
});

describe('the client and its seat token', () => {
  it('reads only a file of its own that nobody else can read, never through a link', () => {
    const run = runtimeDir();
    const f = writeSeatToken({ name: 'alice', uid: ME }, join(run, 'baomi'));
    cleanup.push(() => f.remove());
    expect(readSeatToken([join(run, 'missing'), f.path])).toBe(f.token);
    const link = join(run, 'link.token');
    symlinkSync(f.path, link);
    expect(readlinkSync(link)).toBe(f.path);
    expect(readSeatToken([link])).toBeUndefined();
    chmodSync(f.path, 0o644);
    expect(readSeatToken([f.path])).toBeUndefined();
    chmodSync(f.path, 0o600);
    if (asRoot) {
      chownSync(f.path, NOBODY, NOBODY);
      expect(readSeatToken([f.path])).toBeUndefined();
      chownSync(f.path, 0, 0);
    }
    writeFileSync(join(run, 'bad.token'), 'not a token', { mode: 0o600 });
    expect(readSeatToken([join(run, 'bad.token')])).toBeUndefined();
    expect(statSync(f.path).mode & 0o777).toBe(0o600);
  });

  it('proves the seat user with the token file, and follows it when the seat user changes', async () => {
    const run = runtimeDir();
    const seats = createSeatTokens({ dirFor: () => join(run, 'baomi') });
    cleanup.push(() => seats.stop());
    const p = socketDir();
    const log = new MemoryLog();
    const servers = await serveLog(p, log, { resolveSeat: (t) => seats.resolve(t) });
    cleanup.push(() => servers.close());
    log.append(6, ['alice', 'bob']);
    const c = await connectAgent(p.agent, { seatTokenFiles: [join(run, 'baomi', 'seat.token')] });
    cleanup.push(() => c.close());
    const mine = async () =>
      (await c.request('events.query', { filter: {} })).events.map((e) => `${e.seq}:${e.user}`);
    expect(await mine()).toEqual([]); // no seat user yet: no file
    seats.set({ name: 'alice', uid: ME });
    expect(await mine()).toEqual(['2:alice', '4:alice', '6:alice']);
    seats.set({ name: 'bob', uid: ME }); // fast user switching: the file now holds bob's token
    expect(await mine()).toEqual(['1:bob', '3:bob', '5:bob']);
    // A copy of alice's old token proves nothing any more.
    seats.set({ name: 'alice', uid: ME });
    const old = readFileSync(seats.path() as string, 'utf8');
    seats.set({ name: 'bob', uid: ME });
    const stale = await connectAgent(p.agent, { seatToken: old });
    cleanup.push(() => stale.close());
    expect((await stale.request('events.query', { filter: {} })).events).toEqual([]);
  });

  it("keeps a tray's subscription following its person across a seat change and back", async () => {
    // Each person's token in their own runtime dir (/run/user/<uid>), as a root agent does.
    const run = runtimeDir();
    const seats = createSeatTokens({ dirFor: (u) => join(run, u.name) });
    cleanup.push(() => seats.stop());
    const p = socketDir();
    const log = new MemoryLog();
    const servers = await serveLog(p, log, { resolveSeat: (t) => seats.resolve(t) });
    cleanup.push(() => servers.close());
    const change = (user: { name: string; uid: number } | null) => {
      seats.set(user);
      servers.seatChanged();
    };
    change({ name: 'alice', uid: ME });
    const tray = await connectAgent(p.agent, {
      seatTokenFiles: [join(run, 'alice', 'seat.token')],
      reconnect: true,
    });
    cleanup.push(() => tray.close());
    const got: string[] = [];
    await tray.subscribe({ afterSeq: 0, window: 8 }, (f) => {
      if (f.push === 'event') got.push(`${f.event.seq}:${f.event.user}`);
    }).ready;
    log.append(2, ['alice']);
    await until('alice, live', () => got.length === 2);
    change({ name: 'bob', uid: ME }); // alice's session stays, in the background
    log.append(2, ['bob']);
    await sleep(100);
    expect(got).toEqual(['1:alice', '2:alice']);
    change({ name: 'alice', uid: ME }); // she is back: a new token, and her tray follows again
    await sleep(100);
    log.append(1, ['alice']);
    await until('alice again', () => got.length === 3);
    expect(got).toEqual(['1:alice', '2:alice', '5:alice']);
  });
});

describe.runIf(asRoot)('a root agent', () => {
  it('writes no token for a seat user whose uid it does not know (it would be its own)', () => {
    const run = runtimeDir();
    expect(() => writeSeatToken({ name: 'li' }, join(run, 'baomi'))).toThrow(
      expect.objectContaining({ code: 'SEAT_TOKEN_NO_UID' }),
    );
    expect(existsSync(join(run, 'baomi'))).toBe(false);
  });
});
