// Enforcing a decision on one USB device through sysfs (Documentation/usb/authorization.rst):
// block writes 0 to the device's `authorized` (the kernel unbinds its drivers and drops its
// interfaces); allow and audit write 1, which makes the kernel pick a configuration and create
// the interfaces, unauthorized while the root hub's interface_authorized_default is 0; then
// each interface gets 1 or 0 as decided, and those authorized are named in drivers_probe
// (an interface authorized late is not probed by itself).
//
// SECURITY, fail closed, and what must not change:
// - Nothing is authorized unless the descriptors still hash to what was decided (a device
//   swapped at the same port between list() and apply() is another device).
// - An interface the kernel brought up that differs from what was decided (another
//   configuration, another class, an interface number nobody decided on) blocks the device.
// - If any interface must stay blocked but this kernel or bus cannot hold interfaces back
//   (no interface authorization, or interface_authorized_default reads 1) and the device is
//   not authorized yet, the whole device is blocked: authorizing it would bind every driver.
// - A vendor-specific interface decided without its name that calls itself "MTP" once it is
//   visible is left unauthorized: the one storage fact sysfs hides from an unauthorized
//   device (its interface strings). Decide again once it is listed with the name.
// - Read-only only with the udev rule in place (read-only.ts); else the device is blocked. A
//   device already authorized is taken away first, so its disks are made again under the rule.
//   The rule is trusted only as far as it is seen to work: once authorized, the `ro` of every
//   disk and partition that appears below a read-only mass-storage interface (within
//   readOnlyWaitMs) is read back, and one that reads writable takes the device away (only
//   that interface when others of the device stay open, so a keyboard keeps working).
// - Any write that fails after the device was authorized deauthorizes it again.
// - A root hub is never deauthorized (that would take the whole bus, keyboard included).
// - Never throws: every outcome is an ApplyResult, read back from sysfs.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../../core/ports/clock.js';
import type { ApplyResult } from '../../../core/ports/usb.js';
import type { Decision, UsbDevice, UsbVerdict } from '../../../core/usb/types.js';
import { markReadOnly, type ReadOnlyPaths, readOnlyProblem, unmarkReadOnly } from './read-only.js';
import {
  currentHash,
  exists,
  GONE,
  type InterfaceFolder,
  interfaceFolders,
  isDeviceName,
  isRootHub,
  readText,
  rootHubOf,
  type SysfsPaths,
  writeAttr,
} from './sysfs.js';

export interface EnforceContext {
  paths: SysfsPaths;
  readOnly: ReadOnlyPaths;
  clock: Clock;
  /** How long to wait for the interface folders after authorizing (the kernel makes them
   *  during the write; this covers a slow one). */
  interfaceWaitMs: number;
  /** How long to wait, after authorizing read-only storage, for its disks to appear and read
   *  read-only (usb-storage waits about 1 s before it scans; udev then runs the rule). */
  readOnlyWaitMs: number;
}

const sleep = (clock: Clock, ms: number) => new Promise<void>((r) => clock.after(ms, r));
const opens = (v: UsbVerdict) => v !== 'block';

/** The verdict for interface `n`: its own, else the device's when none is listed, else block. */
export function interfaceVerdict(decision: Decision, n: number): UsbVerdict {
  const own = decision.interfaces.find((i) => i.number === n);
  if (own) return own.verdict;
  return decision.interfaces.length === 0 ? decision.verdict : 'block';
}

export async function applyUsb(
  ctx: EnforceContext,
  device: UsbDevice,
  decision: Decision,
): Promise<ApplyResult> {
  const name = device.id;
  if (!isDeviceName(name))
    return { applied: 'block', error: `not a USB device name: ${JSON.stringify(name)}` };
  const dir = path.join(ctx.paths.devices, name);
  const authorizedFile = path.join(dir, 'authorized');
  const readBack = async (extra: Partial<ApplyResult> = {}): Promise<ApplyResult> => {
    const now = await readText(authorizedFile);
    if (!now.ok && GONE.has(now.code) && !(await exists(dir)))
      return { applied: 'block', gone: true };
    const on = now.ok && now.value.trim() === '1';
    const result: ApplyResult = {
      applied: on ? (decision.verdict === 'block' ? 'allow' : decision.verdict) : 'block',
      ...extra,
    };
    if (!now.ok) result.error = joinErr(result.error, `authorized unreadable (${now.code})`);
    return result;
  };
  const deauthorize = async (why: string, extra: Partial<ApplyResult> = {}) => {
    const err = await writeAttr(authorizedFile, '0');
    if (err && GONE.has(err)) return { applied: 'block' as const, gone: true };
    const r = await readBack(extra);
    const said = err ? `${why}; writing 0 to authorized failed (${err})` : why;
    return { ...r, error: r.error ? `${said}; ${r.error}` : said };
  };

  if (isRootHub(name)) {
    if (decision.verdict === 'block')
      return readBack({ error: 'a root hub is never deauthorized' });
    return readBack();
  }

  // --- block: 0, and nothing else.
  if (decision.verdict === 'block') {
    const err = await writeAttr(authorizedFile, '0');
    if (err && GONE.has(err) && !(await exists(dir))) return { applied: 'block', gone: true };
    await unmarkReadOnly(ctx.readOnly, name);
    return readBack(err ? { error: `writing 0 to authorized failed (${err})` } : {});
  }

  // --- the device must still be the one decided on.
  const now = await currentHash(ctx.paths, name);
  if (now.gone) return { applied: 'block', gone: true };
  if (now.hash !== device.hash)
    return deauthorize('the device at this port changed since it was read (descriptors differ)');

  // --- read-only needs the udev rule; without it, fall back to blocking.
  let fellBack = false;
  const wantsReadOnly =
    decision.verdict === 'read-only' || decision.interfaces.some((i) => i.verdict === 'read-only');
  let verdictOf = (n: number) => interfaceVerdict(decision, n);
  if (wantsReadOnly) {
    const problem = await readOnlyProblem(ctx.readOnly, 'usb');
    const marked = problem ?? (await markReadOnly(ctx.readOnly, name, device.hash ?? ''));
    if (marked !== null) {
      if (decision.verdict === 'read-only')
        return deauthorize(`read-only cannot be guaranteed here: ${marked}`, {
          readOnlyFellBack: true,
        });
      // Only some interfaces were read-only: those are blocked, the rest as decided.
      fellBack = true;
      const decided = verdictOf;
      verdictOf = (n) => (decided(n) === 'read-only' ? 'block' : decided(n));
    }
  } else {
    await unmarkReadOnly(ctx.readOnly, name);
  }

  // --- can interfaces be held back if some must be?
  const numbers = [...new Set(device.interfaces.map((i) => i.number))];
  const someBlocked = numbers.some((n) => !opens(verdictOf(n)));
  const before = await readText(authorizedFile);
  if (!before.ok && GONE.has(before.code) && !(await exists(dir)))
    return { applied: 'block', gone: true };
  let wasAuthorized = before.ok && before.value.trim() === '1';
  if (wantsReadOnly && !fellBack && wasAuthorized) {
    // Its disks were made before the mark, so the udev rule never saw them: writable. Take
    // the device away and authorize it again below, so every disk is made anew under the
    // rule. (A filesystem mounted from it is cut off: read-only now means read-only.)
    const off = await writeAttr(authorizedFile, '0');
    if (off) {
      if (GONE.has(off) && !(await exists(dir))) return { applied: 'block', gone: true };
      return deauthorize(`read-only needs the device taken away first: writing 0 failed (${off})`);
    }
    if ((await waitForNoInterfaces(ctx, name)) === null) return { applied: 'block', gone: true };
    wasAuthorized = false;
  }
  if (someBlocked && !wasAuthorized) {
    const hub = rootHubOf(name);
    const iad = await readText(path.join(ctx.paths.devices, hub, 'interface_authorized_default'));
    if (!iad.ok || iad.value.trim() !== '0')
      return deauthorize(
        iad.ok
          ? `${hub} authorizes new interfaces by itself (interface_authorized_default ${iad.value.trim()}): the device is blocked whole`
          : 'this kernel cannot authorize interfaces one by one: the device is blocked whole',
        fellBack ? { readOnlyFellBack: true } : {},
      );
  }

  // --- authorize the device; the kernel configures it and makes its interfaces.
  const err = await writeAttr(authorizedFile, '1');
  if (err) {
    if (GONE.has(err) && !(await exists(dir))) return { applied: 'block', gone: true };
    return readBack({ error: `writing 1 to authorized failed (${err})` });
  }
  const folders = await waitForInterfaces(ctx, name, numbers);
  if (folders === null) return { applied: 'block', gone: true };
  const extra: Partial<ApplyResult> = fellBack ? { readOnlyFellBack: true } : {};

  // --- every interface as decided, or the device goes.
  const toProbe: string[] = [];
  const notes: string[] = [];
  for (const f of folders) {
    const mismatch = differs(device, f);
    if (mismatch) return deauthorize(mismatch, extra);
  }
  for (const f of folders) {
    let v = verdictOf(f.number!);
    const decided = device.interfaces.find((i) => i.number === f.number && i.alt === f.alt);
    if (
      opens(v) &&
      decided?.class === 'ff' &&
      decided.name === undefined &&
      /^\s*mtp\s*$/i.test(f.name ?? '')
    ) {
      v = 'block';
      notes.push(
        `interface ${f.number} calls itself "MTP" (storage) but was decided without its name: left unauthorized; decide again`,
      );
    }
    if (f.authorized === undefined) {
      // No per-interface authorization: only acceptable when nothing must be held back.
      if (!opens(v)) return deauthorize('this kernel cannot block one interface alone', extra);
      continue;
    }
    const want = opens(v) ? '1' : '0';
    if (f.authorized !== want) {
      const werr = await writeAttr(path.join(dir, f.folder, 'authorized'), want);
      if (werr) {
        if (GONE.has(werr) && !(await exists(dir))) return { applied: 'block', gone: true };
        if (want === '0')
          return deauthorize(`interface ${f.number}: writing 0 failed (${werr})`, extra);
        notes.push(`interface ${f.number}: writing 1 failed (${werr})`);
        continue;
      }
    }
    if (want === '1' && !f.bound) toProbe.push(f.folder);
  }
  const missing = numbers.filter((n) => !folders.some((f) => f.number === n));
  if (missing.length)
    notes.push(
      `interface ${missing.join(', ')} did not appear (left to the default: unauthorized)`,
    );

  // --- read back: an interface that should be held back but reads 1 takes the device down.
  for (const f of await interfaceFolders(ctx.paths, name)) {
    if (f.number === undefined || opens(verdictOf(f.number))) continue;
    if (f.authorized !== '0' && f.authorized !== undefined)
      return deauthorize(`interface ${f.number} reads authorized after writing 0`, extra);
  }
  // All authorized first, then probed (drivers that span interfaces need them all).
  for (const folder of toProbe) {
    const perr = await writeAttr(ctx.paths.probe, folder);
    if (perr && !GONE.has(perr)) notes.push(`drivers_probe ${folder} failed (${perr})`);
  }

  // --- read-only: the disks must read read-only, or they go (see the header).
  const readOnlyFolders = folders.filter(
    (f) => verdictOf(f.number!) === 'read-only' && f.class === '08',
  );
  if (readOnlyFolders.length > 0) {
    const writable = await writableDisks(
      ctx,
      name,
      readOnlyFolders.map((f) => f.folder),
    );
    if (writable === null) return { applied: 'block', gone: true };
    if (writable.length > 0) {
      const fell = { ...extra, readOnlyFellBack: true };
      const why = `read-only did not hold: ${writable
        .map(
          (w) => `${w.disk} reads ${w.ro === undefined ? 'no ro' : `ro ${JSON.stringify(w.ro)}`}`,
        )
        .join(', ')} (the udev rule did not make it read-only)`;
      const othersOpen = folders.some(
        (f) => opens(verdictOf(f.number!)) && verdictOf(f.number!) !== 'read-only',
      );
      if (!othersOpen) return deauthorize(why, fell);
      for (const folder of new Set(writable.map((w) => w.folder))) {
        const werr = await writeAttr(path.join(dir, folder, 'authorized'), '0');
        if (werr) {
          if (GONE.has(werr) && !(await exists(dir))) return { applied: 'block', gone: true };
          return deauthorize(`${why}; interface ${folder}: writing 0 failed (${werr})`, fell);
        }
      }
      notes.push(`${why}: its interface deauthorized, the rest of the device kept`);
      return readBack({ ...fell, error: notes.join('; ') });
    }
  }
  return readBack(notes.length ? { ...extra, error: notes.join('; ') } : extra);
}

/** A disk or partition below a USB interface and what its `ro` reads (undefined: unreadable). */
interface Disk {
  folder: string;
  disk: string;
  ro: string | undefined;
}

/** How deep below an interface folder `block/` may be (host6/target6:0:0/6:0:0:0/block). */
const MAX_BLOCK_DEPTH = 6;

/**
 * The disks and partitions below an interface folder: every `block/<disk>` and the
 * `block/<disk>/<partition>` folders (those with a `partition` file). Real folders only: sysfs
 * links (driver, subsystem, port) lead elsewhere, and following them could loop.
 */
async function disksBelow(dir: string, folder: string, depth = 0): Promise<Disk[]> {
  const children = async (d: string) => {
    try {
      return (await fs.readdir(d, { withFileTypes: true })).filter((e) => e.isDirectory());
    } catch {
      return [];
    }
  };
  const ro = async (d: string) => {
    const r = await readText(path.join(d, 'ro'));
    return r.ok ? r.value.trim() : undefined;
  };
  const out: Disk[] = [];
  for (const e of await children(dir)) {
    const at = path.join(dir, e.name);
    if (e.name !== 'block') {
      if (depth < MAX_BLOCK_DEPTH) out.push(...(await disksBelow(at, folder, depth + 1)));
      continue;
    }
    for (const disk of await children(at)) {
      const diskDir = path.join(at, disk.name);
      out.push({ folder, disk: disk.name, ro: await ro(diskDir) });
      for (const part of await children(diskDir))
        if (await exists(path.join(diskDir, part.name, 'partition')))
          out.push({ folder, disk: part.name, ro: await ro(path.join(diskDir, part.name)) });
    }
  }
  return out;
}

/**
 * Waits (bounded by ctx.readOnlyWaitMs) until every folder has a disk and every disk reads
 * `ro` 1; then, or when the time is up, the disks that do not read 1 (a disk that never
 * appears is not checked: the udev rule still applies when it does). Null: the device left.
 */
async function writableDisks(
  ctx: EnforceContext,
  name: string,
  folders: string[],
): Promise<Disk[] | null> {
  const dir = path.join(ctx.paths.devices, name);
  const step = 50;
  for (let waited = 0; ; waited += step) {
    if (!(await exists(dir))) return null;
    const found: Disk[] = [];
    for (const folder of folders) found.push(...(await disksBelow(path.join(dir, folder), folder)));
    const writable = found.filter((d) => d.ro !== '1');
    const everyFolder = folders.every((f) => found.some((d) => d.folder === f));
    if ((everyFolder && writable.length === 0) || waited >= ctx.readOnlyWaitMs) return writable;
    await sleep(ctx.clock, step);
  }
}

/** Why an interface the kernel made is not one that was decided (null: it is). */
function differs(device: UsbDevice, f: InterfaceFolder): string | null {
  if (f.number === undefined || f.class === undefined)
    return `interface folder ${f.folder} is unreadable`;
  const decided = device.interfaces.find((i) => i.number === f.number && i.alt === (f.alt ?? 0));
  if (!decided)
    return `interface ${f.number} (class ${f.class}) was not among the interfaces decided on`;
  const now = `${f.class}/${f.subclass ?? '??'}/${f.protocol ?? '??'}`;
  const then = `${decided.class}/${decided.subclass}/${decided.protocol}`;
  if (now !== then)
    return `interface ${f.number} is ${now} now, ${then} when decided (another configuration?)`;
  return null;
}

/**
 * The interface folders once the expected numbers are all there with their class readable,
 * or whatever is there when ctx.interfaceWaitMs runs out; null when the device left.
 */
async function waitForInterfaces(
  ctx: EnforceContext,
  name: string,
  numbers: number[],
): Promise<InterfaceFolder[] | null> {
  const step = 10;
  for (let waited = 0; ; waited += step) {
    if (!(await exists(path.join(ctx.paths.devices, name)))) return null;
    const folders = await interfaceFolders(ctx.paths, name);
    const ready = folders.filter((f) => f.number !== undefined && f.class !== undefined);
    const complete =
      ready.length === folders.length && numbers.every((n) => ready.some((f) => f.number === n));
    if (complete || waited >= ctx.interfaceWaitMs) return folders;
    await sleep(ctx.clock, step);
  }
}

/** Waits (bounded) until a deauthorized device's interface folders are gone; null: it left. */
async function waitForNoInterfaces(ctx: EnforceContext, name: string): Promise<true | null> {
  const step = 10;
  for (let waited = 0; ; waited += step) {
    if (!(await exists(path.join(ctx.paths.devices, name)))) return null;
    if ((await interfaceFolders(ctx.paths, name)).length === 0 || waited >= ctx.interfaceWaitMs)
      return true;
    await sleep(ctx.clock, step);
  }
}

function joinErr(a: string | undefined, b: string): string {
  return a ? `${a}; ${b}` : b;
}
