// USB device control on macOS with the OS's own means, through the command runner.
//
// macOS has no pre-mount veto for a daemon that only runs commands: refusing a device before
// its volumes mount needs a system extension (Endpoint Security, DriverKit) or at least a
// helper that registers a DiskArbitration mount-approval callback; neither is built. So this
// adapter reacts: when the poll (every 2 s) or apply() finds the media of a blocked device,
// it runs `diskutil unmountDisk force /dev/diskN` and `diskutil eject /dev/diskN`. Between
// the mount and the eject there is a window of a few seconds in which the files can be read
// and written. seal() therefore never reports sealed: status must not claim enforcement
// that is only a reaction (reason USB_REACTIVE_ONLY, `reactive: true` so the module still
// applies its decisions; said once with why).
//   - read-only: `diskutil unmountDisk /dev/diskN`, then `diskutil mount readOnly` for each
//     volume, checked with `diskutil info -plist`; what cannot be confirmed read-only is
//     ejected instead (readOnlyFellBack). The same window exists before the remount.
//   - MTP phones and PTP cameras have no disk: apps talk to them from user space (Android
//     File Transfer, Image Capture). Nothing here can refuse them; apply() says so.
//   - A blocked or read-only device is held: every poll ejects (or remounts read-only) media
//     that appear on it again (`diskutil mount` by hand, a slow stick whose disk appears
//     after the device), for as long as the device stays plugged in.
// Not verified on a real Mac by these tests: they check the commands and parse recorded
// output.
import type { Clock } from '../../core/ports/clock.js';
import type { CommandResult, CommandRunner } from '../../core/ports/commands.js';
import type {
  ApplyResult,
  SealState,
  UsbControl,
  UsbReason,
  UsbWatchHandlers,
} from '../../core/ports/usb.js';
import type { Decision, UsbDevice, UsbVerdict } from '../../core/usb/types.js';
import { pollUsb } from '../node/usb-poll.js';
import { type MacDevice, parseDiskInfo, parseIoreg } from './usb-parse.js';

export const IOREG_ARGS = ['-a', '-l', '-r', '-c', 'IOUSBHostDevice'];

const strictness: Record<UsbVerdict, number> = { allow: 0, audit: 0, 'read-only': 1, block: 2 };

function failure(cmd: string, r: CommandResult): string {
  if (r.missing) return `${cmd} is missing`;
  if (r.timedOut) return `${cmd} timed out`;
  const why = (r.stderr || r.stdout).trim().split(/\r?\n/)[0];
  return `${cmd} failed (exit ${r.code})${why ? `: ${why}` : ''}`;
}

/** What the disks of a device should be: the device's verdict, or its storage interfaces'. */
export function diskVerdict(d: UsbDevice, decision: Decision): UsbVerdict {
  if (decision.verdict === 'block') return 'block';
  let v: UsbVerdict = decision.verdict;
  for (const i of decision.interfaces) {
    const cls = d.interfaces.find((x) => x.number === i.number)?.class;
    if (cls === '08' && strictness[i.verdict] > strictness[v]) v = i.verdict;
  }
  return v;
}

const massStorage = (d: UsbDevice) => d.interfaces.some((i) => i.class === '08');

export function createMacUsb(o: {
  commands: CommandRunner;
  clock: Clock;
  uid: number;
  say?: (line: string) => void;
  pollMs?: number;
}): UsbControl {
  const said = new Set<string>();
  const say = (line: string) => {
    if (said.has(line)) return;
    said.add(line);
    o.say?.(line);
  };
  let known = new Map<string, MacDevice>();
  let lastList: UsbDevice[] | undefined;
  /** What each device (location id and attach session) is held to. */
  const held = new Map<string, UsbVerdict>();
  const keyOf = (m: MacDevice) => `${m.device.id}|${m.session ?? ''}`;
  let turn: Promise<unknown> = Promise.resolve();
  const serially = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = turn.then(fn, fn);
    turn = next.catch(() => {});
    return next;
  };

  const enforceProblem = async (): Promise<UsbReason | null> =>
    o.uid === 0 ? null : 'USB_NOT_ROOT';

  const read = async (): Promise<MacDevice[]> => {
    const r = await o.commands.run('ioreg', IOREG_ARGS, { timeoutMs: 15_000 });
    if (r.code !== 0) throw new Error(`usb: cannot list devices: ${failure('ioreg', r)}`);
    let devices: MacDevice[];
    try {
      devices = parseIoreg(r.stdout);
    } catch (e) {
      throw new Error(`usb: ioreg's answer cannot be read: ${(e as Error).message}`);
    }
    known = new Map(devices.map((m) => [m.device.id, m]));
    const present = new Set(devices.map(keyOf));
    for (const k of held.keys()) if (!present.has(k)) held.delete(k);
    lastList = devices.map((m) => m.device);
    say(
      'usb: macOS shows no raw USB descriptors to a command: devices have no hash here, and policy rules by hash never match on macOS',
    );
    return devices;
  };

  const diskutil = async (args: string[], errors: string[]): Promise<boolean> => {
    const r = await o.commands.run('diskutil', args, { timeoutMs: 30_000 });
    if (r.code !== 0) errors.push(failure(`diskutil ${args[0]}`, r));
    return r.code === 0;
  };

  const eject = async (m: MacDevice, errors: string[]) => {
    for (const d of m.disks) {
      await diskutil(['unmountDisk', 'force', `/dev/${d.bsd}`], errors);
      await diskutil(['eject', `/dev/${d.bsd}`], errors);
    }
  };

  /** Volumes of the device that are mounted writable (or whose state cannot be read). */
  const writableVolumes = async (m: MacDevice, errors: string[]): Promise<string[]> => {
    const out: string[] = [];
    for (const d of m.disks)
      for (const v of d.volumes) {
        const r = await o.commands.run('diskutil', ['info', '-plist', `/dev/${v}`], {
          timeoutMs: 15_000,
        });
        if (r.code !== 0) {
          // A volume that is gone is not writable; anything else is unknown: writable.
          if (r.missing || r.timedOut) {
            errors.push(failure('diskutil info', r));
            out.push(v);
          }
          continue;
        }
        try {
          const info = parseDiskInfo(r.stdout);
          if (info.mountPoint !== undefined && info.writable !== false) out.push(v);
        } catch (e) {
          errors.push(`diskutil info ${v}: ${(e as Error).message}`);
          out.push(v);
        }
      }
    return out;
  };

  /** Makes the device's disks read-only; false when that could not be confirmed. */
  const readOnly = async (m: MacDevice, errors: string[]): Promise<boolean> => {
    for (const d of m.disks) {
      if (!(await diskutil(['unmountDisk', `/dev/${d.bsd}`], errors))) return false;
      // A volume without a file system macOS knows refuses to mount: fine, it is not usable.
      for (const v of d.volumes) await diskutil(['mount', 'readOnly', `/dev/${v}`], []);
    }
    return (await writableVolumes(m, errors)).length === 0;
  };

  /** Enforces a disk verdict on a present device; whether read-only fell back to eject. */
  const enforce = async (
    m: MacDevice,
    v: UsbVerdict,
    was: UsbVerdict | undefined,
    errors: string[],
  ) => {
    if (v === 'block') await eject(m, errors);
    else if (v === 'read-only') {
      if (!(await readOnly(m, errors))) {
        await eject(m, errors);
        return true;
      }
    } else if (was === 'read-only') {
      for (const d of m.disks) {
        await diskutil(['unmountDisk', `/dev/${d.bsd}`], errors);
        await diskutil(['mountDisk', `/dev/${d.bsd}`], errors);
      }
    }
    return false;
  };

  const apply = async (device: UsbDevice, decision: Decision): Promise<ApplyResult> => {
    let m: MacDevice | undefined;
    try {
      m = (await read()).find((x) => x.device.id === device.id);
    } catch (e) {
      // Nothing was done, and macOS mounts storage by itself: the device is not held back.
      return { applied: 'allow', error: `${(e as Error).message}; nothing was done` };
    }
    if (!m) return { applied: 'block', gone: true };
    if (o.uid !== 0) return { applied: 'allow', error: 'USB_NOT_ROOT' };
    const errors: string[] = [];
    const v = diskVerdict(m.device, decision);
    const key = keyOf(m);
    const was = held.get(key);
    if (v === 'allow' || v === 'audit') held.delete(key);
    else held.set(key, v);
    const fellBack = await enforce(m, v, was, errors);
    if (fellBack) held.set(key, 'block');
    // Read back.
    let after: MacDevice | undefined;
    try {
      after = (await read()).find((x) => keyOf(x) === key);
    } catch (e) {
      errors.push((e as Error).message);
    }
    const err = (extra?: string) => {
      const all = extra ? [...errors, extra] : errors;
      return all.length ? { error: all.join('; ') } : {};
    };
    if (!after && !errors.length) return { applied: 'block', gone: true };
    const disks = after?.disks.length ?? m.disks.length;
    const rb = fellBack ? { readOnlyFellBack: true } : {};
    if (decision.verdict === 'block' || (decision.verdict === 'read-only' && fellBack)) {
      if (!massStorage(m.device) && disks === 0)
        return {
          applied: 'allow',
          ...rb,
          ...err(
            'macOS can refuse only disks (unmount and eject); this device has none: an MTP or PTP device is used by apps without a disk, and nothing here can refuse it',
          ),
        };
      // No disk left: nothing to read or write; media that appear later are ejected by the poll.
      return disks === 0
        ? { applied: 'block', ...rb, ...err() }
        : { applied: 'allow', ...rb, ...err('its disk is still there') };
    }
    if (decision.verdict === 'read-only') {
      if (disks === 0 && !massStorage(m.device))
        return {
          applied: 'allow',
          ...err('macOS can make only disks read-only; this device has none'),
        };
      return { applied: 'read-only', ...err() };
    }
    if (v === 'block' && disks > 0)
      return {
        applied: decision.verdict,
        ...err('its storage function should be refused but its disk is still there'),
      };
    return { applied: decision.verdict, ...err() };
  };

  /** Each poll: media that appeared on a held device are ejected or made read-only again. */
  const reenforce = async () => {
    for (const m of known.values()) {
      const v = held.get(keyOf(m));
      if (!v || m.disks.length === 0) continue;
      const errors: string[] = [];
      if (v === 'block') await eject(m, errors);
      else if ((await writableVolumes(m, errors)).length) {
        if (await enforce(m, v, v, errors)) held.set(keyOf(m), 'block');
      }
      if (errors.length) say(`usb: could not hold ${m.device.id} ${v}: ${errors.join('; ')}`);
    }
  };

  const notSealed = async (): Promise<SealState> => {
    const problem = await enforceProblem();
    if (problem) return { sealed: false, open: [], reason: problem };
    say(
      'usb: macOS has no pre-mount veto without a system extension: blocked disks are unmounted and ejected after they mount (a window of seconds), so USB is not reported as enforced',
    );
    return { sealed: false, open: [], reason: 'USB_REACTIVE_ONLY', reactive: true };
  };

  return {
    name: 'macos',
    detection: 'ioreg-poll',
    // Nothing is sealed on macOS (blocked disks are ejected while the agent runs): nothing
    // stays behind when it is removed.
    release: async () => ({ released: [], alreadyOpen: [], kept: [], stillSealed: [] }),
    enforceProblem,
    list: async () => (await read()).map((m) => m.device),
    watch: (h: UsbWatchHandlers) =>
      pollUsb(
        {
          clock: o.clock,
          everyMs: o.pollMs ?? 2000,
          read: async () => (await serially(read)).map((m) => m.device),
          keyOf: (d) => {
            const m = known.get(d.id);
            return `${d.id}|${m?.session ?? ''}|${d.vendor}:${d.product}`;
          },
          ...(lastList ? { baseline: lastList } : {}),
          afterRead: () => serially(reenforce),
        },
        h,
      ),
    seal: () => serially(notSealed),
    sealState: () => serially(notSealed),
    apply: (device, decision) => serially(() => apply(device, decision)),
  };
}
