// `baomi usb release`: undoes the agent's USB seal for good, for an agent being removed (the
// .deb's prerm on remove, the .rpm's %preun on erase, the Windows uninstaller run it). A
// stopped agent leaves the ports sealed on purpose (fail closed); a removed one must not
// leave new keyboards unauthorized until the next boot (Linux) or USB storage disabled for
// good (Windows: USBSTOR's start type persists). Refused while an agent answers: it would
// seal again at its next check. Nothing here is reachable from the tray (root only, and the
// tray has no such menu item).
import { readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { BaomiError } from '../../core/errors.js';
import type { ReleaseState } from '../../core/ports/usb.js';
import { createPlatform } from '../../platform/index.js';
import { osName, readPlaces } from '../../platform/paths.js';
import type { CommandContext } from '../context.js';
import { jsonLine, printable } from '../printable.js';
import { reachable } from '../source.js';

interface UsbReleaseFlags {
  socket?: string;
  sysfsRoot?: string;
  json?: boolean;
}

/** The agent sockets that answer now: `--socket`, then every place `status` tries. */
async function answeringAgent(socket: string | undefined): Promise<string | null> {
  const defaults = readPlaces(
    osName(process.platform),
    process.getuid?.() ?? -1,
    process.env,
    homedir(),
  )
    .filter((p) => p.kind === 'socket')
    .map((p) => p.path);
  for (const place of new Set([...(socket ? [socket] : []), ...defaults])) {
    const conn = await reachable(place);
    if (typeof conn === 'string') continue;
    conn.close();
    return place;
  }
  return null;
}

/**
 * Linux: a `baomi agent --enforce` running on the same sysfs, whatever its sockets (one
 * started with its own --socket answers nowhere the places above look), by its pid.
 */
function enforcingAgentPid(sysfsRoot: string | undefined): number | null {
  if (process.platform !== 'linux') return null;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((n) => /^\d+$/.test(n) && Number(n) !== process.pid);
  } catch {
    return null;
  }
  for (const pid of pids) {
    let args: string[];
    try {
      args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // gone, or not ours to read
    }
    const i = args.findIndex((a) => /(^|\/)baomi(\.js)?$/.test(a));
    if (i < 0 || args[i + 1] !== 'agent' || !args.includes('--enforce')) continue;
    // An agent on another sysfs (a test's fabricated one) does not seal this one.
    const r = args.indexOf('--sysfs-root');
    const its = r >= 0 ? resolve(args[r + 1] ?? '') : undefined;
    if (its === (sysfsRoot === undefined ? undefined : resolve(sysfsRoot))) return Number(pid);
  }
  return null;
}

/** Not allowed to write at all: nothing was changed, and saying "released" would be false. */
const DENIED = new Set(['USB_NOT_ROOT', 'USB_SYSFS_READONLY']);

export default async function usbRelease(
  { t }: CommandContext,
  f: UsbReleaseFlags,
): Promise<number> {
  const agent = await answeringAgent(f.socket);
  if (agent) throw new BaomiError('CLI_USB_AGENT_RUNNING', { socket: agent }, 1);
  const pid = enforcingAgentPid(f.sysfsRoot);
  if (pid !== null) throw new BaomiError('CLI_USB_AGENT_PROCESS', { pid }, 1);
  const platform = createPlatform(f.sysfsRoot ? { sysfsRoot: resolve(f.sysfsRoot) } : {});
  const r: ReleaseState = await platform.usb.release();
  if (r.reason && DENIED.has(r.reason) && r.released.length === 0)
    throw new BaomiError('CLI_USB_RELEASE_DENIED', { reason: t(r.reason) }, 1);
  const ok = r.stillSealed.length === 0;
  if (f.json) {
    process.stdout.write(`${jsonLine({ ok, ...r })}\n`);
    return ok ? 0 : 1;
  }
  const list = (xs: string[]) => xs.map(printable).join(', ');
  const lines: string[] = [];
  if (r.released.length > 0) lines.push(t('cli.usb.release.done', { released: list(r.released) }));
  else if (ok && r.kept.length === 0) lines.push(t('cli.usb.release.nothing'));
  if (r.kept.length > 0) lines.push(t('cli.usb.release.kept', { kept: list(r.kept) }));
  if (!ok) lines.push(t('cli.usb.release.still', { still: list(r.stillSealed) }));
  (ok ? process.stdout : process.stderr).write(`${lines.join('\n')}\n`);
  return ok ? 0 : 1;
}
