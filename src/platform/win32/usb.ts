// USB device control on Windows with the OS's own means, through the command runner.
//
// What is sealed (seal(), read back by sealState()):
//   - USB mass storage: the start type of the USBSTOR and UASPStor services set to 4
//     (disabled): a stick plugged in after that gets no storage driver, agent running or not.
//     No window: the driver is refused by the PnP manager before any volume exists.
//   - MTP phones and PTP cameras: the device installation restriction "Prevent installation
//     of devices using drivers that match these device setup classes" (DenyDeviceClasses)
//     with the WPD class {eec5ad98-…} and the Image class {6bdd1fc6-…}. It holds for devices
//     whose driver is not yet installed; a phone installed before sealing (same serial) keeps
//     its driver and is disabled by apply() when the watch sees it: a window of seconds.
//     DenyDeviceClassesRetroactive is left alone (it would uninstall allowed devices too).
// How a decision is applied (apply(), always read back with Get-PnpDevice):
//   - block: `pnputil /disable-device <instance id>` (kept by Windows across replugs).
//   - allow: a disabled node is enabled; a storage node the seal holds back is started by
//     opening its gate for a moment (USBSTOR/UASPStor start type 3 and `pnputil
//     /restart-device`, or DenyDeviceClasses 0 and `pnputil /scan-devices`), waiting until it
//     runs (at most GATE_WAIT_MS) and closing the gate again. While a gate is open, another
//     device of that kind plugged in at that moment and not yet decided can get its driver;
//     the next poll sees it and disables it if policy blocks it. Devices already blocked are
//     disabled, so an open gate does not start them.
//   - read-only: StorageDevicePolicies\WriteProtect = 1, then allow. WriteProtect is
//     machine-wide: every USB disk started while it is 1 is read-only, allowed ones too; it
//     goes back to 0 only when an allowed disk is started and no read-only one is present.
//     MTP/PTP devices have no read-only here: they are blocked (readOnlyFellBack).
// Errors never throw: what failed is in `error`, and `applied` is what reads back.
// Needs Windows 10 2004 or newer (pnputil's /disable-device, /restart-device, /scan-devices).
// Not verified on a real Windows machine by these tests: they check the commands and parse
// recorded output.
import type { Clock } from '../../core/ports/clock.js';
import type { CommandRunner } from '../../core/ports/commands.js';
import type {
  ApplyResult,
  ReleaseState,
  SealState,
  UsbControl,
  UsbReason,
  UsbWatchHandlers,
} from '../../core/ports/usb.js';
import type { Decision, UsbDevice, UsbVerdict } from '../../core/usb/types.js';
import { pollUsb } from '../node/usb-poll.js';
import {
  devicesOf,
  isMassStorage,
  isPortableStorage,
  parseNodes,
  type WinDevice,
  type WinNode,
} from './usb-parse.js';
import { createReg, failure } from './usb-reg.js';

const SERVICES = 'HKLM\\SYSTEM\\CurrentControlSet\\Services';
export const USBSTOR_KEY = `${SERVICES}\\USBSTOR`;
export const UASPSTOR_KEY = `${SERVICES}\\UASPStor`;
export const RESTRICTIONS_KEY =
  'HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\DeviceInstall\\Restrictions';
export const DENY_CLASSES_KEY = `${RESTRICTIONS_KEY}\\DenyDeviceClasses`;
export const STORAGE_POLICIES_KEY =
  'HKLM\\SYSTEM\\CurrentControlSet\\Control\\StorageDevicePolicies';
/** Windows Portable Devices: MTP phones and media players, PTP cameras under the WPD driver. */
export const WPD_CLASS = '{eec5ad98-8080-425f-922a-dabf3de3f69a}';
/** Still image: PTP cameras and scanners under the older STI drivers. */
export const IMAGE_CLASS = '{6bdd1fc6-810f-11d0-bec7-08002be2092f}';
/** What the machine had before the agent's first seal, for release() to give back. */
export const FOUND_KEY = 'HKLM\\SOFTWARE\\Baomi\\UsbSealFound';
/** Recorded there: name, key, value. */
const FOUND_VALUES: readonly (readonly [string, string, string])[] = [
  ['UsbstorStart', USBSTOR_KEY, 'Start'],
  ['UaspstorStart', UASPSTOR_KEY, 'Start'],
  ['DenyDeviceClasses', RESTRICTIONS_KEY, 'DenyDeviceClasses'],
  ['WriteProtect', STORAGE_POLICIES_KEY, 'WriteProtect'],
];

const PS_ARGS = ['-NoProfile', '-NonInteractive', '-Command'];
/** PowerShell writes the OEM code page to a pipe by default (936 on Chinese Windows). */
const UTF8 = '[Console]::OutputEncoding = [Text.Encoding]::UTF8';

/** Every present PnP node under the USB bus, with what list() needs, as one JSON array. */
export const LIST_SCRIPT = [
  UTF8,
  "$ErrorActionPreference = 'Stop'",
  "$d = @(Get-PnpDevice -PresentOnly | Where-Object { $_.InstanceId -like 'USB\\*' })",
  '$p = @{}',
  'if ($d.Count) { Get-PnpDeviceProperty -InstanceId $d.InstanceId -KeyName DEVPKEY_Device_BusReportedDeviceDesc,DEVPKEY_Device_Parent -ErrorAction SilentlyContinue | ForEach-Object { $p[$_.InstanceId + "|" + $_.KeyName] = $_.Data } }',
  "ConvertTo-Json -Compress -Depth 3 -InputObject @($d | ForEach-Object { [pscustomobject]@{ id = $_.InstanceId; class = $_.Class; classGuid = $_.ClassGuid; service = $_.Service; problem = [int]$_.ConfigManagerErrorCode; hardwareIds = @($_.HardwareID); compatibleIds = @($_.CompatibleID); busName = $p[$_.InstanceId + '|DEVPKEY_Device_BusReportedDeviceDesc']; parent = $p[$_.InstanceId + '|DEVPKEY_Device_Parent'] } })",
].join('\n');

/** The state of the nodes named (one per line) in $env:BAOMI_IDS: the ids never enter the script. */
export const STATE_SCRIPT = [
  UTF8,
  '$ids = @($env:BAOMI_IDS -split "`n")',
  'ConvertTo-Json -Compress -InputObject @(Get-PnpDevice -InstanceId $ids -ErrorAction SilentlyContinue | ForEach-Object { [pscustomobject]@{ id = $_.InstanceId; present = [bool]$_.Present; problem = [int]$_.ConfigManagerErrorCode } })',
].join('\n');

export const ELEVATED_SCRIPT =
  '([Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()).IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)';

/** How long a gate stays open at most while an allowed device starts. */
export const GATE_WAIT_MS = 8000;
const STATE_EVERY_MS = 500;
/** A full PowerShell list at least this often, whatever the cheap detector says. */
const FULL_LIST_EVERY = 15;

/**
 * An instance id that may be handed to pnputil and Get-PnpDevice: printable ASCII without
 * the characters Get-PnpDevice reads as wildcards or that need quoting.
 */
export function safeInstanceId(id: string): boolean {
  return /^USB\\[\x21-\x7e]+$/.test(id) && !/["*?[\]`]/.test(id);
}

/** USB instance ids in `pnputil /enum-devices /connected` output (labels are localised; ids are not). */
export function pnputilUsbIds(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/(?:^|\s)(USB\\\S+)/gim)) out.add(m[1]!.toUpperCase());
  return out;
}

/** Whether this process runs elevated (an Administrator or SYSTEM); false when unknown. */
export async function windowsIsElevated(commands: CommandRunner): Promise<boolean> {
  const r = await commands.run('powershell.exe', [...PS_ARGS, ELEVATED_SCRIPT], {
    timeoutMs: 15_000,
  });
  return r.code === 0 && r.stdout.trim() === 'True';
}

interface NodeState {
  present: boolean;
  problem: number | null;
}

const working = (s: NodeState | undefined) => s?.present === true && s.problem === 0;
const strictness: Record<UsbVerdict, number> = { allow: 0, audit: 0, 'read-only': 1, block: 2 };

export function createWindowsUsb(o: {
  commands: CommandRunner;
  clock: Clock;
  isAdmin: () => Promise<boolean>;
  say?: (line: string) => void;
  pollMs?: number;
}): UsbControl {
  const reg = createReg(o.commands);
  const said = new Set<string>();
  const say = (line: string) => {
    if (said.has(line)) return;
    said.add(line);
    o.say?.(line);
  };
  let admin: boolean | undefined;
  /** The devices of the last good list(), by instance id (upper case). */
  let known = new Map<string, WinDevice>();
  let lastList: UsbDevice[] | undefined;
  /** Devices this adapter made read-only (WriteProtect is machine-wide). */
  const readOnlyHeld = new Set<string>();
  // apply, seal and sealState take turns: a gate opened for one allowed device must not be
  // seen (or closed) by a seal check running at the same time.
  let turn: Promise<unknown> = Promise.resolve();
  const serially = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = turn.then(fn, fn);
    turn = next.catch(() => {});
    return next;
  };
  const sleep = (ms: number) => new Promise<void>((resolve) => o.clock.after(ms, resolve));

  const enforceProblem = async (): Promise<UsbReason | null> => {
    if (admin === undefined) {
      try {
        const a = await o.isAdmin();
        if (a)
          admin = true; // elevation does not change during a process's life
        else return 'USB_NOT_ROOT';
      } catch {
        return 'USB_NOT_ROOT';
      }
    }
    return admin ? null : 'USB_NOT_ROOT';
  };

  const powershell = (script: string, env?: Record<string, string>) =>
    o.commands.run('powershell.exe', [...PS_ARGS, script], {
      timeoutMs: 30_000,
      ...(env ? { env } : {}),
    });

  const list = async (): Promise<UsbDevice[]> => {
    const r = await powershell(LIST_SCRIPT);
    if (r.code !== 0) throw new Error(`usb: cannot list devices: ${failure('powershell.exe', r)}`);
    let nodes: WinNode[];
    try {
      nodes = parseNodes(r.stdout);
    } catch (e) {
      throw new Error(`usb: the device list is not JSON: ${(e as Error).message}`);
    }
    const devices = devicesOf(nodes);
    known = new Map(devices.map((d) => [d.device.id.toUpperCase(), d]));
    for (const id of readOnlyHeld) if (!known.has(id)) readOnlyHeld.delete(id);
    say(
      'usb: Windows gives no raw USB descriptors without a driver of our own: devices have no hash here, and policy rules by hash never match on Windows',
    );
    lastList = devices.map((d) => d.device);
    return lastList;
  };

  const states = async (ids: string[]): Promise<Map<string, NodeState> | Error> => {
    const r = await powershell(STATE_SCRIPT, { BAOMI_IDS: ids.join('\n') });
    if (r.code !== 0) return new Error(failure('powershell.exe', r));
    try {
      const out = new Map<string, NodeState>();
      const raw: unknown = JSON.parse(r.stdout.replace(/^\uFEFF/, '').trim() || '[]');
      for (const it of Array.isArray(raw) ? raw : [raw]) {
        const x = it as Record<string, unknown>;
        if (typeof x?.id !== 'string') continue;
        out.set(x.id.toUpperCase(), {
          present: x.present === true,
          problem: typeof x.problem === 'number' ? x.problem : null,
        });
      }
      return out;
    } catch (e) {
      return new Error(`the device state is not JSON: ${(e as Error).message}`);
    }
  };

  const pnputil = async (args: string[]): Promise<string | undefined> => {
    const r = await o.commands.run('pnputil.exe', args, { timeoutMs: 30_000 });
    if (r.code === 0) return undefined;
    if (r.code === 3010) return `pnputil ${args[0]}: Windows needs a restart to finish it`;
    return failure(`pnputil ${args[0]}`, r);
  };

  /** Polls the nodes' state until all run or time is up; the last state read. */
  const waitWorking = async (ids: string[]): Promise<void> => {
    for (let waited = 0; ; waited += STATE_EVERY_MS) {
      const s = await states(ids);
      if (!(s instanceof Error) && ids.every((id) => working(s.get(id.toUpperCase())))) return;
      if (waited >= GATE_WAIT_MS) return;
      await sleep(STATE_EVERY_MS);
    }
  };

  /** The storage service gate: USBSTOR and UASPStor at `start` (3 open, 4 sealed). */
  const setStorageGate = async (start: 3 | 4): Promise<string[]> => {
    const errors: string[] = [];
    const e1 = await reg.setDword(USBSTOR_KEY, 'Start', start);
    if (e1) errors.push(`USBSTOR: ${e1}`);
    // UASPStor exists from Windows 8 on; reg add would create a bogus service key elsewhere.
    if ((await reg.query(UASPSTOR_KEY, 'Start')).ok) {
      const e2 = await reg.setDword(UASPSTOR_KEY, 'Start', start);
      if (e2) errors.push(`UASPStor: ${e2}`);
    }
    return errors;
  };

  const writeProtect = async (on: boolean): Promise<string | undefined> => {
    const e = await reg.setDword(STORAGE_POLICIES_KEY, 'WriteProtect', on ? 1 : 0);
    if (e) return e;
    const back = await reg.dword(STORAGE_POLICIES_KEY, 'WriteProtect');
    if (back instanceof Error) return back.message;
    return (back ?? 0) === (on ? 1 : 0) ? undefined : `WriteProtect reads ${back} after writing it`;
  };

  /** Starts allowed nodes that do not run: enable, then open the gate they wait behind. */
  const start = async (
    nodes: WinNode[],
    before: Map<string, NodeState>,
    errors: string[],
  ): Promise<void> => {
    let now = before;
    const disabled = nodes.filter((n) => before.get(n.id.toUpperCase())?.problem === 22);
    for (const n of disabled) {
      const e = await pnputil(['/enable-device', n.id]);
      if (e) errors.push(e);
    }
    if (disabled.length) {
      const s = await states(nodes.map((n) => n.id));
      if (s instanceof Error) return void errors.push(s.message);
      now = s;
    }
    const stopped = nodes.filter((n) => !working(now.get(n.id.toUpperCase())));
    const storage = stopped.filter(isMassStorage);
    if (storage.length) {
      errors.push(...(await setStorageGate(3)));
      try {
        for (const n of storage) {
          const e = await pnputil(['/restart-device', n.id]);
          if (e) errors.push(e);
        }
        await waitWorking(storage.map((n) => n.id));
      } finally {
        const closed = await setStorageGate(4);
        if (closed.length)
          errors.push(`could not close the storage gate again: ${closed.join('; ')}`);
      }
    }
    const notInstalled = stopped.filter(
      (n) => !isMassStorage(n) && now.get(n.id.toUpperCase())?.problem === 28,
    );
    if (notInstalled.length) {
      // Denied by the class restriction: open it, let PnP retry the install, close it.
      const e = await reg.setDword(RESTRICTIONS_KEY, 'DenyDeviceClasses', 0);
      if (e) errors.push(e);
      try {
        const s = await pnputil(['/scan-devices']);
        if (s) errors.push(s);
        await waitWorking(notInstalled.map((n) => n.id));
      } finally {
        const c = await reg.setDword(RESTRICTIONS_KEY, 'DenyDeviceClasses', 1);
        if (c) errors.push(`could not close the install restriction again: ${c}`);
      }
    }
  };

  const sealState = async (): Promise<SealState> => {
    const problem = await enforceProblem();
    if (problem) return { sealed: false, open: [], reason: problem };
    const open: string[] = [];
    const usbstor = await reg.dword(USBSTOR_KEY, 'Start');
    if (usbstor instanceof Error) open.push(`USBSTOR (unreadable: ${usbstor.message})`);
    else if (usbstor !== 4) open.push('USBSTOR');
    const uasp = await reg.dword(UASPSTOR_KEY, 'Start');
    if (uasp instanceof Error) open.push(`UASPStor (unreadable: ${uasp.message})`);
    else if (uasp !== null && uasp !== 4) open.push('UASPStor');
    const deny = await reg.dword(RESTRICTIONS_KEY, 'DenyDeviceClasses');
    if (deny instanceof Error) open.push(`DenyDeviceClasses (unreadable: ${deny.message})`);
    else if (deny !== 1) open.push('DenyDeviceClasses');
    const list = await reg.query(DENY_CLASSES_KEY);
    const listed = new Set(list.ok ? list.values.map((v) => v.data.toLowerCase()) : []);
    if (!list.ok && !list.absent) open.push(`DenyDeviceClasses list (unreadable: ${list.error})`);
    else {
      if (!listed.has(WPD_CLASS)) open.push('WPD class');
      if (!listed.has(IMAGE_CLASS)) open.push('Image class');
    }
    if (open.some((x) => x.includes('unreadable')))
      say(`usb: the seal cannot be read back: ${open.join(', ')}`);
    return open.length ? { sealed: false, open, reason: 'USB_SEAL_OPEN' } : { sealed: true, open };
  };

  const seal = async (): Promise<SealState> => {
    const problem = await enforceProblem();
    if (problem) return { sealed: false, open: [], reason: problem };
    await recordFound();
    const errors = await setStorageGate(4);
    // Add our classes to the deny list beside whatever an administrator's policy lists,
    // under the next free value names ("1", "2", … as the policy editor writes them).
    const list = await reg.query(DENY_CLASSES_KEY);
    const values = list.ok ? list.values : [];
    const listed = new Set(values.map((v) => v.data.toLowerCase()));
    const names = new Set(values.map((v) => v.name));
    let next = 1;
    for (const guid of [WPD_CLASS, IMAGE_CLASS]) {
      if (listed.has(guid)) continue;
      while (names.has(String(next))) next++;
      names.add(String(next));
      const e = await reg.setString(DENY_CLASSES_KEY, String(next), guid);
      if (e) errors.push(e);
    }
    const e = await reg.setDword(RESTRICTIONS_KEY, 'DenyDeviceClasses', 1);
    if (e) errors.push(e);
    if (errors.length) say(`usb: sealing failed in part: ${errors.join('; ')}`);
    return sealState();
  };

  /**
   * What the machine had before the first seal (a GPO may disable USB storage itself, or make
   * disks read-only), written once under FOUND_KEY so that release() can give it back. Not
   * written when our classes are already denied: that state is a seal of ours (an upgrade),
   * not the machine's own.
   */
  const recordFound = async (): Promise<void> => {
    const had = await reg.query(FOUND_KEY);
    if (had.ok || !had.absent) return;
    const list = await reg.query(DENY_CLASSES_KEY);
    const listed = new Set(list.ok ? list.values.map((v) => v.data.toLowerCase()) : []);
    if (listed.has(WPD_CLASS) || listed.has(IMAGE_CLASS) || (!list.ok && !list.absent)) return;
    for (const [name, key, value] of FOUND_VALUES) {
      const v = await reg.dword(key, value);
      if (v instanceof Error) return; // unknown: release() falls back to the defaults
      const e = await reg.setString(FOUND_KEY, name, v === null ? 'absent' : String(v));
      if (e) say(`usb: could not record the machine's own USB settings: ${e}`);
    }
  };

  /** The value FOUND_KEY recorded for `name` (null: none recorded, or absent then). */
  const found = async (name: string): Promise<number | null> => {
    const r = await reg.query(FOUND_KEY, name);
    const v = r.ok ? r.values.find((x) => x.name.toLowerCase() === name.toLowerCase()) : undefined;
    return v && /^\d+$/.test(v.data) ? Number(v.data) : null;
  };

  /**
   * Undoes seal() for good (the agent is being removed): the storage services back to the
   * start type found at the first seal (3 when none was recorded; a 4 found there, a machine
   * policy of its own, is `kept`), our two classes out of the deny list (the restriction off
   * only when nothing else is listed and it was not on before us), WriteProtect as found.
   */
  const release = async (): Promise<ReleaseState> => {
    const r: ReleaseState = { released: [], alreadyOpen: [], kept: [], stillSealed: [] };
    const problem = await enforceProblem();
    if (problem) return { ...r, reason: problem };
    const still = (name: string, why: string | undefined) =>
      r.stillSealed.push(why ? `${name} (${why})` : name);
    for (const [name, key, recorded] of [
      ['USBSTOR', USBSTOR_KEY, 'UsbstorStart'],
      ['UASPStor', UASPSTOR_KEY, 'UaspstorStart'],
    ] as const) {
      const now = await reg.dword(key, 'Start');
      if (now === null) continue; // UASPStor before Windows 8
      if (now instanceof Error) {
        still(name, now.message);
        continue;
      }
      if (now !== 4) {
        r.alreadyOpen.push(name);
        continue;
      }
      const before = (await found(recorded)) ?? 3;
      if (before === 4) {
        r.kept.push(name);
        continue;
      }
      const err = await reg.setDword(key, 'Start', before);
      const back = await reg.dword(key, 'Start');
      if (back === before) r.released.push(name);
      else still(name, err ?? (back instanceof Error ? back.message : `reads ${back}`));
    }
    const ours = new Map([
      [WPD_CLASS, 'WPD class'],
      [IMAGE_CLASS, 'Image class'],
    ]);
    const list = await reg.query(DENY_CLASSES_KEY);
    if (!list.ok && !list.absent) {
      // Unreadable: what else an administrator denies there is unknown, so the restriction
      // stays as it is, and our classes are said to be still denied.
      for (const name of ours.values()) still(name, list.error);
    } else {
      const errors = new Map<string, string | undefined>();
      for (const v of list.ok ? list.values : []) {
        const name = ours.get(v.data.toLowerCase());
        if (name) errors.set(name, await reg.deleteValue(DENY_CLASSES_KEY, v.name));
      }
      // Read back: a class still listed is still denied, whatever reg said.
      const left = await reg.query(DENY_CLASSES_KEY);
      const readable = left.ok || left.absent === true;
      const listed = new Set(left.ok ? left.values.map((v) => v.data.toLowerCase()) : []);
      for (const [guid, name] of ours) {
        if (!errors.has(name)) r.alreadyOpen.push(name);
        else if (readable && !listed.has(guid)) r.released.push(name);
        else still(name, errors.get(name));
      }
      const others = [...listed].filter((g) => !ours.has(g));
      const on = (await reg.dword(RESTRICTIONS_KEY, 'DenyDeviceClasses')) === 1;
      if (on && (!readable || others.length > 0 || (await found('DenyDeviceClasses')) === 1))
        r.kept.push('DenyDeviceClasses');
      else if (on) {
        const err = await reg.setDword(RESTRICTIONS_KEY, 'DenyDeviceClasses', 0);
        if (err === undefined) r.released.push('DenyDeviceClasses');
        else still('DenyDeviceClasses', err);
      }
    }
    if ((await reg.dword(STORAGE_POLICIES_KEY, 'WriteProtect')) === 1) {
      if ((await found('WriteProtect')) === 1) r.kept.push('WriteProtect');
      else {
        const err = await writeProtect(false);
        if (err === undefined) r.released.push('WriteProtect');
        else still('WriteProtect', err);
      }
    }
    // Given back: the record has served (a later install records afresh).
    if (r.stillSealed.length === 0) await reg.deleteKey(FOUND_KEY);
    return r;
  };

  const apply = async (device: UsbDevice, decision: Decision): Promise<ApplyResult> => {
    let wd = known.get(device.id.toUpperCase());
    if (!wd) {
      try {
        await list();
      } catch (e) {
        return { applied: 'block', error: (e as Error).message };
      }
      wd = known.get(device.id.toUpperCase());
      if (!wd) return { applied: 'block', gone: true };
    }
    const nodes = [wd.node, ...wd.functions.values()];
    const ids = nodes.map((n) => n.id);
    const unsafe = ids.filter((id) => !safeInstanceId(id));
    if (!safeInstanceId(wd.node.id))
      return {
        applied: 'block',
        error: `an instance id that is not passed to commands: ${JSON.stringify(wd.node.id)}; its state is unknown (USBSTOR holds a stick back)`,
      };
    const before = await states(ids.filter(safeInstanceId));
    if (before instanceof Error)
      return { applied: 'block', error: `cannot read the device state: ${before.message}` };
    if (!before.get(wd.node.id.toUpperCase())?.present) return { applied: 'block', gone: true };
    const errors: string[] = unsafe.map(
      (id) => `an instance id that is not passed to commands: ${JSON.stringify(id)}`,
    );
    const problem = await enforceProblem();
    let readOnlyFellBack = false;
    if (!problem && unsafe.length === 0) {
      // What each node should be: the device as a whole, then each function.
      const want = new Map<WinNode, UsbVerdict>();
      const composite = wd.functions.size > 0;
      want.set(
        wd.node,
        composite ? (decision.verdict === 'block' ? 'block' : 'allow') : decision.verdict,
      );
      if (!composite) {
        const i0 = decision.interfaces.find((i) => i.number === 0);
        if (i0 && strictness[i0.verdict] > strictness[decision.verdict])
          want.set(wd.node, i0.verdict);
      }
      for (const [mi, n] of wd.functions) {
        const i = decision.interfaces.find((x) => x.number === mi);
        want.set(n, decision.verdict === 'block' ? 'block' : (i?.verdict ?? decision.verdict));
      }
      for (const [n, v] of want) {
        if (v !== 'read-only' || isMassStorage(n)) continue;
        // Read-only is about storage: a keyboard function of the same device just runs.
        // MTP/PTP have no read-only on Windows: blocked.
        if (isPortableStorage(n)) {
          want.set(n, 'block');
          readOnlyFellBack = true;
        } else want.set(n, 'allow');
      }
      if ([...want.values()].includes('read-only')) {
        const e = await writeProtect(true);
        if (e) {
          errors.push(`read-only cannot be set: ${e}`);
          for (const [n, v] of want) if (v === 'read-only') want.set(n, 'block');
          readOnlyFellBack = true;
        } else readOnlyHeld.add(device.id.toUpperCase());
      }
      const blocked = [...want].filter(([, v]) => v === 'block').map(([n]) => n);
      // Disabling the device node takes its functions with it.
      const toDisable = want.get(wd.node) === 'block' ? [wd.node] : blocked;
      for (const n of toDisable) {
        if (before.get(n.id.toUpperCase())?.problem === 22) continue; // already disabled
        const e = await pnputil(['/disable-device', n.id]);
        if (e) errors.push(e);
      }
      if (want.get(wd.node) !== 'block') {
        const allowed = [...want].filter(([, v]) => v !== 'block').map(([n]) => n);
        const rwStorage = [...want].some(
          ([n, v]) => isMassStorage(n) && (v === 'allow' || v === 'audit'),
        );
        if (rwStorage && ![...want.values()].includes('read-only')) {
          readOnlyHeld.delete(device.id.toUpperCase());
          if (readOnlyHeld.size === 0) {
            const e = await writeProtect(false);
            if (e) errors.push(`WriteProtect cannot be cleared: ${e}`);
          }
        }
        await start(allowed, before, errors);
      }
    }
    if (problem) errors.push(problem);
    // Read back: the device as a whole, and any node that does not hold what it should.
    const after = await states(ids.filter(safeInstanceId));
    if (after instanceof Error)
      return {
        applied: 'block',
        error: [...errors, `cannot read the device state back: ${after.message}`].join('; '),
      };
    const main = after.get(wd.node.id.toUpperCase());
    if (!main?.present)
      return {
        applied: 'block',
        gone: true,
        ...(errors.length ? { error: errors.join('; ') } : {}),
      };
    let applied: UsbVerdict = working(main) ? 'allow' : 'block';
    if (applied === 'allow') {
      const runningStorage = nodes.some(
        (n) => isMassStorage(n) && working(after.get(n.id.toUpperCase())),
      );
      if (runningStorage) {
        const wp = await reg.dword(STORAGE_POLICIES_KEY, 'WriteProtect');
        if (wp === 1) applied = 'read-only';
        if (wp === 1 && decision.verdict !== 'read-only')
          errors.push(
            'WriteProtect is on for the whole machine (another device is read-only): this disk is read-only too',
          );
      }
      for (const [mi, n] of wd.functions) {
        const i = decision.interfaces.find((x) => x.number === mi);
        if (i?.verdict === 'block' && working(after.get(n.id.toUpperCase())))
          errors.push(`function ${mi} should be blocked but runs`);
      }
    }
    if (decision.verdict === 'block' && applied !== 'block') errors.push('the device still runs');
    return {
      applied,
      ...(readOnlyFellBack ? { readOnlyFellBack } : {}),
      ...(errors.length ? { error: errors.join('; ') } : {}),
    };
  };

  // The watch: a cheap native detector (pnputil, ~tens of ms) every pollMs, the PowerShell
  // list (hundreds of ms) only when the set of USB instance ids changed or every
  // FULL_LIST_EVERY polls. A detector that finds no USB id at all (every machine has root
  // hubs) is broken on this Windows: then PowerShell every poll, said once.
  let detectorIds: Set<string> | undefined;
  let detectorBroken = false;
  let sinceFull = 0;
  const readForWatch = async (): Promise<UsbDevice[]> => {
    if (!detectorBroken && lastList) {
      const r = await o.commands.run('pnputil.exe', ['/enum-devices', '/connected'], {
        timeoutMs: 10_000,
      });
      const ids = r.code === 0 ? pnputilUsbIds(r.stdout) : undefined;
      if (!ids || ids.size === 0) {
        detectorBroken = true;
        say(
          `usb: pnputil /enum-devices cannot tell device changes here (${ids ? 'no USB ids' : failure('pnputil', r)}); PowerShell lists devices every ${(o.pollMs ?? 2000) / 1000} s`,
        );
      } else {
        const same =
          detectorIds !== undefined &&
          ids.size === detectorIds.size &&
          [...ids].every((x) => detectorIds!.has(x));
        detectorIds = ids;
        if (same && ++sinceFull < FULL_LIST_EVERY) return lastList;
      }
    }
    sinceFull = 0;
    return list();
  };

  return {
    name: 'windows',
    detection: 'pnp-poll',
    enforceProblem,
    list,
    watch: (h: UsbWatchHandlers) =>
      pollUsb(
        {
          clock: o.clock,
          everyMs: o.pollMs ?? 2000,
          read: readForWatch,
          ...(lastList ? { baseline: lastList } : {}),
        },
        h,
      ),
    seal: () => serially(seal),
    release: () => serially(release),
    sealState: () => serially(sealState),
    apply: (device, decision) => serially(() => apply(device, decision)),
  };
}
