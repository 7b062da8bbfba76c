// The fake twins behave like the ports say: time moves only when told and fires timers in
// order; the seat changes only when set, and only real changes are told; commands answer as
// scripted and everything else is "not installed".
import { describe, expect, it } from 'vitest';
import {
  createFakePlatform,
  FakeClock,
  FakeCommandRunner,
} from '../../../src/platform/fake/index.js';

describe('FakeClock', () => {
  it('fires timers by due time, then by the order they were set, each at its own time', () => {
    const c = new FakeClock(1_000);
    const log: string[] = [];
    c.after(30, () => log.push(`b@${c.now()}`));
    c.after(10, () => log.push(`a@${c.now()}`));
    c.after(30, () => log.push(`c@${c.now()}`));
    c.advance(29);
    expect(log).toEqual(['a@1010']);
    expect(c.now()).toBe(1_029);
    c.advance(1);
    expect(log).toEqual(['a@1010', 'b@1030', 'c@1030']);
  });

  it('repeats `every`, runs timers set by timers within the same advance, and cancels', () => {
    const c = new FakeClock(0);
    const log: string[] = [];
    const tick = c.every(100, () => log.push(`tick@${c.now()}`));
    c.after(150, () => c.after(10, () => log.push(`nested@${c.now()}`)));
    const never = c.after(120, () => log.push('never'));
    never.cancel();
    c.advance(350);
    expect(log).toEqual(['tick@100', 'nested@160', 'tick@200', 'tick@300']);
    tick.cancel();
    c.advance(1000);
    expect(log).toHaveLength(4);
    expect(c.pending()).toBe(0);
  });

  it('jump moves the wall clock while timers do not count it (a suspend, a clock set forward)', () => {
    const c = new FakeClock(0);
    const log: string[] = [];
    c.after(100, () => log.push(`once@${c.now()}`));
    c.every(60, () => log.push(`tick@${c.now()}`));
    c.advance(50);
    c.jump(10_000);
    expect(c.now()).toBe(10_050);
    expect(log).toEqual([]); // nothing fired on the way
    c.advance(20);
    expect(log).toEqual(['tick@10060']);
    c.advance(40);
    expect(log).toEqual(['tick@10060', 'once@10100']);
  });
});

describe('FakeSession', () => {
  it('tells watchers who sits down and who leaves, once per real change', async () => {
    const { session } = createFakePlatform();
    const heard: Array<string | null> = [];
    const w = session.watch((u) => heard.push(u?.name ?? null));
    expect(await session.current()).toBeNull();
    session.set('alice');
    session.set('alice'); // the same person: nothing new
    session.set({ name: 'bob', uid: 1001, source: 'fake' });
    session.set(null);
    expect(heard).toEqual(['alice', 'bob', null]);
    w.close();
    session.set('carol');
    expect(heard).toHaveLength(3);
    expect(session.watching()).toBe(0);
    expect(await session.current()).toMatchObject({ name: 'carol', source: 'fake' });
  });
});

describe('FakeCommandRunner', () => {
  it('answers scripted commands, newest script first, and records every call', async () => {
    const r = new FakeCommandRunner()
      .on('loginctl', undefined, { stdout: 'any\n' })
      .on('loginctl', ['show-seat', 'seat0'], { stdout: 'exact\n' })
      .on('loginctl', (a) => a[0] === 'kill-session', { code: 1, stderr: 'denied' }, { times: 1 });
    expect((await r.run('loginctl', ['show-seat', 'seat0'])).stdout).toBe('exact\n');
    expect((await r.run('loginctl', ['list-sessions'])).stdout).toBe('any\n');
    expect(await r.run('loginctl', ['kill-session', '3'])).toMatchObject({
      code: 1,
      stderr: 'denied',
    });
    expect((await r.run('loginctl', ['kill-session', '3'])).code).toBe(0); // used up: falls through
    expect(await r.run('xprintidle', [])).toMatchObject({ code: null, missing: true });
    expect(r.callsOf('loginctl').map((c) => c.args[0])).toEqual([
      'show-seat',
      'list-sessions',
      'kill-session',
      'kill-session',
    ]);
  });

  it('streams: scripted long-running programs the test prints through and ends', async () => {
    const r = new FakeCommandRunner()
      .stream('xscreensaver-command', ['-watch'], { lines: ['UNBLANK x'] })
      .stream('monitor', undefined, { lines: ['a', 'b'], exit: { code: 2, stderr: 'gone' } });
    const seen: string[] = [];
    const w = r.spawnLines('xscreensaver-command', ['-watch'], { uid: 1000 }, (l) => seen.push(l));
    expect(seen).toEqual([]); // output comes after spawnLines returns, as from a process
    await Promise.resolve();
    expect(seen).toEqual(['UNBLANK x']);
    const [s] = r.streamsOf('xscreensaver-command');
    expect(s!.call).toEqual({ cmd: 'xscreensaver-command', args: ['-watch'], opts: { uid: 1000 } });
    s!.emit('LOCK y');
    w.close();
    s!.emit('UNBLANK z'); // ended: nothing more arrives
    expect(seen).toEqual(['UNBLANK x', 'LOCK y']);
    expect([s!.closed, s!.ended]).toEqual([true, true]);
    expect(await w.exited).toEqual({ code: null, stdout: '', stderr: '' });
    const m = r.spawnLines('monitor', [], {}, (l) => seen.push(l));
    expect(await m.exited).toEqual({ code: 2, stdout: '', stderr: 'gone' });
    expect(seen.slice(2)).toEqual(['a', 'b']);
    // Unscripted, or scripted for run() only: missing, ended at once.
    r.on('xprintidle', [], { stdout: '5\n' });
    for (const cmd of ['nothing', 'xprintidle']) {
      expect(await r.spawnLines(cmd, [], {}, () => {}).exited).toMatchObject({ missing: true });
    }
    // And a stream script does not answer run().
    expect(await r.run('monitor', [])).toMatchObject({ missing: true });
    expect(r.calls.map((c) => c.cmd)).toEqual([
      'xscreensaver-command',
      'monitor',
      'nothing',
      'xprintidle',
      'monitor',
    ]);
  });

  it('computes replies from the call (input, environment)', async () => {
    const r = new FakeCommandRunner().on('cat', [], (call) => ({ stdout: call.opts.input ?? '' }));
    expect((await r.run('cat', [], { input: 'hello' })).stdout).toBe('hello');
  });
});

describe('the other twins', () => {
  it('FakeNotifier records notices and can be a machine with no way to show one', async () => {
    const { notifier } = createFakePlatform();
    const notice = {
      code: 'usb.blocked',
      title: 'U 盘已阻止',
      body: 'Policy: HQ',
      urgency: 'normal' as const,
    };
    expect(await notifier.notify(notice, { name: 'alice', source: 'fake' })).toBe(true);
    notifier.available = false;
    expect(await notifier.notify(notice, null)).toBe(false);
    expect(notifier.shown).toEqual([{ notice, to: { name: 'alice', source: 'fake' } }]);
  });

  it('FakeUsers and FakeKernel answer what they were given, undefined otherwise', () => {
    const { users, kernel } = createFakePlatform();
    expect(users.nameOf(1000)).toBe('alice');
    expect(users.add(1001, '张伟').nameOf(1001)).toBe('张伟');
    expect(users.nameOf(4242)).toBeUndefined();
    kernel.queued = undefined;
    expect(kernel.maxQueuedEvents()).toBeUndefined();
    expect(kernel.maxUserWatches()).toBe(8192);
  });

  it('the fake tree takes its times from the fake clock', () => {
    const p = createFakePlatform({ start: 5_000 });
    p.tree.mkdir('/d');
    p.clock.advance(250);
    p.tree.write('/d/f', 'x');
    expect(p.tree.lstat('/d')?.birthtimeMs).toBe(5_000);
    expect(p.tree.lstat('/d/f')?.mtimeMs).toBe(5_250);
    expect(p.os).toBe('linux');
  });
});
