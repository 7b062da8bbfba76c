// The one place that picks OS adapters (DESIGN.md "Layers"): everything outside src/platform
// gets a Platform from here (or the fake one in tests) and never imports an OS folder.
// What a machine lacks is collected here, one line each, for the agent to say once.
import fs from 'node:fs';
import path from 'node:path';
import type { Platform } from '../core/ports/index.js';
import { createMacIdle } from './darwin/idle.js';
import {
  createMacNotifier,
  createMacSession,
  MAC_LACKS,
  macKernel,
  macUsers,
} from './darwin/index.js';
import { createMacUsb } from './darwin/usb.js';
import { createLinuxIdle } from './linux/idle.js';
import { createLinuxKernel, linuxKernelLacks } from './linux/kernel.js';
import { createLinuxNotifier } from './linux/notifier.js';
import { pickLinuxSession } from './linux/session.js';
import { createLinuxUsb } from './linux/usb/index.js';
import { createLinuxUsers } from './linux/users.js';
import { nodeClock } from './node/clock.js';
import { createNodeCommandRunner } from './node/commands.js';
import { noIdle } from './node/no-idle.js';
import { noUsb } from './node/no-usb.js';
import { nodeTreeSource } from './node/tree-source.js';
import { osName } from './paths.js';
import { createWindowsIdle } from './win32/idle.js';
import {
  createWindowsNotifier,
  createWindowsSession,
  WINDOWS_LACKS,
  windowsKernel,
  windowsUsers,
} from './win32/index.js';
import { createWindowsUsb, windowsIsElevated } from './win32/usb.js';

export { ADMIN_GROUP, groupId } from './groups.js';

export interface PlatformOptions {
  os?: NodeJS.Platform;
  /** The file system root the Linux adapters read below ("/"; tests: a fabricated tree). */
  root?: string;
  /** The sysfs root the USB adapter reads and writes (default: <root>/sys, i.e. "/sys"). */
  sysfsRoot?: string;
  /** Where a line about a capability found missing at run time goes (once per line). */
  say?: (line: string) => void;
}

/** Whether `program` is on PATH (an executable file), without running it. */
export function onPath(program: string, envPath = process.env.PATH ?? ''): boolean {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    try {
      fs.accessSync(path.join(dir, program), fs.constants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}

export function createPlatform(o: PlatformOptions = {}): Platform {
  const os = osName(o.os ?? process.platform);
  const commands = createNodeCommandRunner();
  const uid = process.getuid?.() ?? -1;
  const lacks: string[] = [];
  const listeners = new Set<(line: string) => void>();
  // A line found at run time joins `lacks` too, and goes to whoever listens (the agent's
  // log); said once.
  const say = (line: string) => {
    if (lacks.includes(line)) return;
    lacks.push(line);
    o.say?.(line);
    for (const l of listeners) l(line);
  };
  const base = {
    os,
    clock: nodeClock,
    commands,
    tree: nodeTreeSource,
    usb: noUsb,
    idle: noIdle,
    lacks,
    onLack(listener: (line: string) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
  if (os === 'windows') {
    lacks.push(...WINDOWS_LACKS);
    const windowsIdle = createWindowsIdle({ commands, service: isWindowsService(), say });
    lacks.push(...windowsIdle.lacks);
    return {
      ...base,
      users: windowsUsers,
      kernel: windowsKernel,
      session: createWindowsSession({ commands, clock: nodeClock }),
      // The service runs as SYSTEM; `npm start` as the person at the desk.
      notifier: createWindowsNotifier({ commands, service: isWindowsService(), say }),
      usb: createWindowsUsb({
        commands,
        clock: nodeClock,
        isAdmin: () => windowsIsElevated(commands),
        say,
      }),
      idle: windowsIdle.idle,
    };
  }
  if (os === 'darwin') {
    lacks.push(...MAC_LACKS);
    const macIdle = createMacIdle({ commands, uid, say });
    lacks.push(...macIdle.lacks);
    return {
      ...base,
      users: macUsers,
      kernel: macKernel,
      session: createMacSession({ commands, clock: nodeClock }),
      notifier: createMacNotifier({ commands, uid, say }),
      usb: createMacUsb({ commands, clock: nodeClock, uid, say }),
      idle: macIdle.idle,
    };
  }
  const root = o.root ?? '/';
  const users = createLinuxUsers({ passwd: path.join(root, 'etc/passwd') });
  const kernel = createLinuxKernel(root);
  lacks.push(...linuxKernelLacks(kernel));
  const picked = pickLinuxSession({ root, users, clock: nodeClock });
  lacks.push(...picked.lacks);
  if (!onPath('notify-send'))
    lacks.push('notifier: notify-send is not installed (libnotify-bin); notices are not shown');
  // logind runs: the same test as the session picker's (seat0, or a systemd boot).
  const runDir = path.join(root, 'run');
  const linuxIdle = createLinuxIdle({
    commands,
    clock: nodeClock,
    users,
    uid,
    env: process.env,
    runUserDir: path.join(runDir, 'user'),
    has: (program) => onPath(program),
    logind:
      fs.existsSync(path.join(runDir, 'systemd/seats/seat0')) ||
      fs.existsSync(path.join(runDir, 'systemd/system')),
    say,
  });
  lacks.push(...linuxIdle.lacks);
  const sysfsRoot = o.sysfsRoot ?? path.join(root, 'sys');
  if (!fs.existsSync(path.join(sysfsRoot, 'bus/usb')))
    lacks.push(
      `usb: no ${path.join(sysfsRoot, 'bus/usb')}; USB devices are neither seen nor blocked`,
    );
  return {
    ...base,
    usb: createLinuxUsb({ sysfsRoot, clock: nodeClock, uid, say, commands }),
    users,
    kernel,
    session: picked.session,
    notifier: createLinuxNotifier({
      commands,
      users,
      uid,
      env: process.env,
      runUserDir: path.join(root, 'run/user'),
      say,
    }),
    idle: linuxIdle.idle,
  };
}

/** A Windows service runs as SYSTEM, whose profile is under the system directory. */
function isWindowsService(): boolean {
  const profile = process.env.USERPROFILE ?? '';
  return /\\system32\\config\\systemprofile$/i.test(profile) || process.env.USERNAME === 'SYSTEM';
}
