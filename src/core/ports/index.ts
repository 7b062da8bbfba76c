// Every OS-facing capability of the agent, as one set of ports (DESIGN.md "Layers"). The
// adapters live in src/platform/<os>/, a full in-memory twin of each in src/platform/fake/,
// and src/platform/index.ts picks them by OS. Only src/platform touches the OS for these.
import type { Clock } from './clock.js';
import type { CommandRunner } from './commands.js';
import type { IdlePort } from './idle.js';
import type { KernelLimits } from './kernel.js';
import type { Notifier } from './notifier.js';
import type { SessionSource } from './session.js';
import type { TreeSource } from './tree-source.js';
import type { UsbControl } from './usb.js';
import type { UserDirectory } from './users.js';

export type PlatformOs = 'linux' | 'windows' | 'darwin';

export interface Platform {
  readonly os: PlatformOs;
  clock: Clock;
  users: UserDirectory;
  session: SessionSource;
  commands: CommandRunner;
  notifier: Notifier;
  tree: TreeSource;
  kernel: KernelLimits;
  usb: UsbControl;
  idle: IdlePort;
  /**
   * What this platform lacks, one line each (a missing logind, no utmp, a read-only /proc),
   * collected when the adapters were picked so the agent can say it once.
   */
  lacks: string[];
  /**
   * Hears each line found at run time (a notify-send that fails, no xscreensaver on the
   * display) as it joins `lacks`, once per line, so the agent can log it then: lines found
   * at start are in `lacks` already. Returns a function that stops listening.
   */
  onLack?(listener: (line: string) => void): () => void;
}

export type * from './clock.js';
export type * from './commands.js';
export type * from './idle.js';
export type * from './kernel.js';
export type * from './notifier.js';
export type * from './session.js';
export type * from './tree-source.js';
export type * from './usb.js';
export type * from './users.js';
