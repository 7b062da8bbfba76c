// The fake platform: one in-memory twin per port, wired together (the tree's times come
// from the fake clock), for unit tests of the agent's modules. Tests drive the twins through
// their typed handles: clock.advance, session.set, commands.on, tree.write, notifier.shown.
import type { Platform, PlatformOs } from '../../core/ports/index.js';
import { FakeClock } from './clock.js';
import { FakeCommandRunner } from './commands.js';
import { FakeIdle, FakeIdleSource } from './idle.js';
import { FakeKernel } from './kernel.js';
import { FakeNotifier } from './notifier.js';
import { FakeSession } from './session.js';
import { FakeTree } from './tree.js';
import { FakeUsb } from './usb.js';
import { FakeUsers } from './users.js';

export interface FakePlatform extends Platform {
  clock: FakeClock;
  users: FakeUsers;
  session: FakeSession;
  commands: FakeCommandRunner;
  notifier: FakeNotifier;
  tree: FakeTree;
  kernel: FakeKernel;
  usb: FakeUsb;
  idle: FakeIdle;
  onLack(listener: (line: string) => void): () => void;
  /** A line an adapter finds missing at run time (joins `lacks` once, heard by listeners). */
  lack(line: string): void;
}

export function createFakePlatform(
  o: { os?: PlatformOs; start?: number; lacks?: string[] } = {},
): FakePlatform {
  const clock = new FakeClock(o.start);
  const lacks = [...(o.lacks ?? [])];
  const listeners = new Set<(line: string) => void>();
  return {
    os: o.os ?? 'linux',
    clock,
    users: new FakeUsers(),
    session: new FakeSession(),
    commands: new FakeCommandRunner(),
    notifier: new FakeNotifier(),
    tree: new FakeTree({ now: () => clock.now() }),
    kernel: new FakeKernel(),
    usb: new FakeUsb(),
    idle: new FakeIdle(),
    lacks,
    onLack(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    lack(line) {
      if (lacks.includes(line)) return;
      lacks.push(line);
      for (const l of listeners) l(line);
    },
  };
}

export type { CommandCall, FakeStream } from './commands.js';
export type { FakeApplied } from './usb.js';
export {
  FakeClock,
  FakeCommandRunner,
  FakeIdle,
  FakeIdleSource,
  FakeKernel,
  FakeNotifier,
  FakeSession,
  FakeTree,
  FakeUsb,
  FakeUsers,
};
