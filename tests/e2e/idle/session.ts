// A desktop session on the desk (xdesk.ts): a session bus of its own (`dbus-run-session`), a
// notification daemon on it (`dunst`, or none), and `dbus-monitor` recording every
// org.freedesktop.Notifications.Notify call sent on it: what really reached the desktop.
//
// No notification daemon: D-Bus starts dunst by itself on the first Notify when its service
// file (/usr/share/dbus-1/services/org.knopwob.dunst.service) is in the bus's service
// folders, so that case runs dbus-run-session with a configuration of its own whose only
// service folder is empty: a Notify then fails with ServiceUnknown, as on a desktop with no
// notification daemon.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { type Desk, stopGroup } from './xdesk.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface NotifyCall {
  /** When dbus-monitor printed it (ms since the epoch, from its `time=` field). */
  at: number;
  app: string;
  summary: string;
  body: string;
}

export interface DeskSession {
  /** DBUS_SESSION_BUS_ADDRESS of the session bus. */
  address: string;
  /** The desk's environment with this session's bus. */
  env: Record<string, string>;
  /** Notify calls dbus-monitor has seen so far. */
  notifies(): NotifyCall[];
  /** dbus-monitor's raw output (for a failure message). */
  monitorText(): string;
  close(): Promise<void>;
}

/**
 * Notify calls in dbus-monitor's output: a `method call … member=Notify` header, then the
 * arguments one per line (app_name, replaces_id, app_icon, summary, body, …). A string
 * argument is printed raw between double quotes, so a multi-line body runs on to the line
 * that ends with the closing quote.
 */
export function parseNotifies(text: string): NotifyCall[] {
  const calls: NotifyCall[] = [];
  const blocks = text.split(/\n(?=\S)/);
  for (const block of blocks) {
    const head = /^method call time=(\d+(?:\.\d+)?) .*member=Notify\b/.exec(block);
    if (!head) continue;
    const strings = [...block.matchAll(/^ {3}string "([\s\S]*?)"$/gm)].map((m) => m[1] ?? '');
    calls.push({
      at: Math.round(Number(head[1]) * 1000),
      app: strings[0] ?? '',
      summary: strings[2] ?? '',
      body: strings[3] ?? '',
    });
  }
  return calls;
}

/** A session bus configuration with no service folder but an empty one: nothing is activated. */
function noActivationConfig(dir: string): string {
  const services = path.join(dir, 'no-services');
  fs.mkdirSync(services, { recursive: true });
  const file = path.join(dir, 'session-no-activation.conf');
  fs.writeFileSync(
    file,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <servicedir>${services}</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`,
  );
  fs.chmodSync(file, 0o644);
  return file;
}

/** The first line `p` prints on stdout that `match` accepts, within `ms`. */
function firstLine(p: ChildProcess, match: (line: string) => boolean, ms: number, what: string) {
  return new Promise<string>((resolve, reject) => {
    let buf = '';
    let err = '';
    const t = setTimeout(
      () => reject(new Error(`${what}: nothing within ${ms} ms (${err.trim().slice(-300)})`)),
      ms,
    );
    p.stderr?.on('data', (d) => {
      err += String(d);
    });
    p.stdout?.on('data', (d) => {
      buf += String(d);
      for (const line of buf.split('\n')) {
        if (match(line)) {
          clearTimeout(t);
          resolve(line);
          return;
        }
      }
    });
    p.on('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`${what} exited (${code}): ${err.trim().slice(-300)}`));
    });
  });
}

export async function startSession(
  desk: Desk,
  o: { daemon: 'dunst' | 'none' },
): Promise<DeskSession> {
  const started: ChildProcess[] = [];
  const closeAll = async () => {
    for (const p of started.reverse()) await stopGroup(p);
  };
  try {
    const config = o.daemon === 'none' ? [`--config-file=${noActivationConfig(desk.dir)}`] : [];
    // The session's first program prints the bus address and then only keeps the session up.
    const bus = desk.spawn('dbus-run-session', [
      ...config,
      '--',
      'sh',
      '-c',
      'echo "address=$DBUS_SESSION_BUS_ADDRESS"; exec sleep 86400',
    ]);
    started.push(bus);
    const address = (
      await firstLine(bus, (l) => l.startsWith('address=unix:'), 15_000, 'dbus-run-session')
    ).slice('address='.length);
    const env = { ...desk.env, DBUS_SESSION_BUS_ADDRESS: address };

    const monitor = desk.spawn(
      'dbus-monitor',
      ['--session', "interface='org.freedesktop.Notifications',member='Notify'"],
      env,
    );
    started.push(monitor);
    let text = '';
    monitor.stdout?.on('data', (d) => {
      text += String(d);
    });
    // It prints the bus's NameAcquired and NameLost signals once it has become a monitor.
    await firstLine(monitor, (l) => l.includes('member=NameLost'), 15_000, 'dbus-monitor');

    if (o.daemon === 'dunst') {
      started.push(desk.spawn('dunst', [], env));
      const until = Date.now() + 15_000;
      for (;;) {
        const r = await desk.asUser(
          'dbus-send',
          [
            '--session',
            '--print-reply',
            '--dest=org.freedesktop.DBus',
            '/org/freedesktop/DBus',
            'org.freedesktop.DBus.NameHasOwner',
            'string:org.freedesktop.Notifications',
          ],
          env,
        );
        if (/boolean true/.test(r.stdout)) break;
        if (Date.now() > until) throw new Error(`dunst did not take the bus name: ${r.out}`);
        await sleep(100);
      }
    }
    return {
      address,
      env,
      notifies: () => parseNotifies(text),
      monitorText: () => text,
      close: closeAll,
    };
  } catch (e) {
    await closeAll();
    throw e;
  }
}
