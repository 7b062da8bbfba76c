// SD/MMC cards in built-in readers (issue 9, point 2). A laptop's card reader is an SD host
// controller on PCI (sdhci-pci, rtsx_pci) or the platform, and some USB readers (rtsx_usb) are
// an SD host too: the card is a device on the kernel's mmc bus, and the disk /dev/mmcblkN
// exists only while the mmc_block driver ("mmcblk") is bound to it. USB authorization never
// sees it.
//
// Race-free the way authorized_default=0 is for USB (Documentation/ABI/testing/sysfs-bus-*,
// drivers/base/bus.c): with 0 in /sys/bus/mmc/drivers_autoprobe the kernel binds no driver to a
// card that arrives (nor when mmc_block loads later), so the card waits with no /dev/mmcblk*
// until the agent decides. allow: its name into /sys/bus/mmc/drivers_probe (the driver binds
// at once, synchronously); block: it stays unbound (a card bound before the seal is unbound
// through its driver's `unbind`); read-only: marked for the udev rule, bound, then at once
// `force_ro` 1 on its disk (mmc_block's switch: the disk and every partition) and `blockdev
// --setro` on the disk and each partition (BLKROSET: /sys/block/*/ro cannot be written), then
// `ro` read back on each; one that reads writable unbinds the card again.
//
// SECURITY, fail closed, and what must not change:
// - Sealed means drivers_autoprobe reads 0 (checked every minute with the root hubs: seal.ts).
// - A card is bound only when its CID still hashes to what was decided.
// - A fixed card (soldered eMMC, often the system disk) is never unbound (decide.ts allows it).
// - Read-only: where udevd runs, only with the udev rule that covers mmc block devices (the
//   helper makes the disk read-only before udisks sees it); without udevd nothing automounts,
//   and the agent's own force_ro/setro, microseconds after the synchronous bind, holds. What
//   is not read back as read-only is unbound.
// - SDIO cards (Wi-Fi, Bluetooth) are not storage; their functions bind on the sdio bus, which
//   is not sealed, so nothing here can hold one back: a block on one is reported, not claimed.
// - Never throws: every outcome is an ApplyResult, read back from sysfs.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../../core/ports/clock.js';
import type { CommandRunner } from '../../../core/ports/commands.js';
import type { ApplyResult } from '../../../core/ports/usb.js';
import { isMmcCardName, type MmcAttributes, mmcDevice } from '../../../core/usb/mmc.js';
import type { Decision, UsbDevice } from '../../../core/usb/types.js';
import {
  markReadOnly,
  type ReadOnlyPaths,
  readOnlyProblem,
  udevRuns,
  unmarkReadOnly,
} from './read-only.js';
import { exists, GONE, readText, type SysfsPaths, writeAttr } from './sysfs.js';

export interface MmcContext {
  paths: SysfsPaths;
  readOnly: ReadOnlyPaths;
  clock: Clock;
  /** Runs `blockdev --setro`; absent: only force_ro is written (and read back all the same). */
  commands?: CommandRunner;
  /** Where the device nodes are ("/dev"). */
  devDir: string;
  /** How long to wait for a driver to take a card after drivers_probe (default 2000 ms). */
  bindWaitMs: number;
}

/** What seal state names the mmc bus by, when its drivers_autoprobe reads open. */
export const MMC_SEAL_NAME = 'mmc:drivers_autoprobe';

const sleep = (clock: Clock, ms: number) => new Promise<void>((r) => clock.after(ms, r));
const devicesOf = (p: SysfsPaths) => path.join(p.mmcBus, 'devices');
const autoprobeOf = (p: SysfsPaths) => path.join(p.mmcBus, 'drivers_autoprobe');

export async function hasMmcBus(p: SysfsPaths): Promise<boolean> {
  return exists(p.mmcBus);
}

/** The cards present ("mmc0:4567"), sorted; [] without an mmc bus. */
export async function mmcNames(p: SysfsPaths): Promise<string[]> {
  try {
    return (await fs.readdir(devicesOf(p))).filter(isMmcCardName).sort();
  } catch {
    return [];
  }
}

const ATTRS = [
  'type',
  'manfid',
  'oemid',
  'name',
  'serial',
  'cid',
  'removable',
  'vendor',
  'device',
] as const satisfies readonly (keyof MmcAttributes)[];

/** One card as a UsbDevice (core/usb/mmc.ts says what each field is), or null when it left. */
export async function readMmcCard(p: SysfsPaths, name: string): Promise<UsbDevice | null> {
  if (!isMmcCardName(name)) return null;
  const dir = path.join(devicesOf(p), name);
  const read = await Promise.all(ATTRS.map((a) => readText(path.join(dir, a))));
  if (!(await exists(dir))) return null;
  const attrs: MmcAttributes = {};
  const problems: string[] = [];
  for (const [i, a] of ATTRS.entries()) {
    const r = read[i]!;
    if (r.ok) attrs[a] = r.value;
    else if (!GONE.has(r.code)) problems.push(`${a}: unreadable (${r.code})`);
  }
  const d = mmcDevice(name, attrs);
  if (problems.length) d.problems = [...(d.problems ?? []), ...problems];
  return d;
}

export async function listMmc(p: SysfsPaths): Promise<UsbDevice[]> {
  const all = await Promise.all((await mmcNames(p)).map((n) => readMmcCard(p, n)));
  return all.filter((d): d is UsbDevice => d !== null);
}

/** Writes 0 into drivers_autoprobe when the bus exists and it does not read 0; the errno or null. */
export async function sealMmc(p: SysfsPaths): Promise<string | null> {
  if (!(await hasMmcBus(p))) return null;
  const now = await readText(autoprobeOf(p));
  if (now.ok && now.value.trim() === '0') return null;
  return writeAttr(autoprobeOf(p), '0');
}

/** The mmc bus's drivers_autoprobe file, when the bus exists here. */
export async function mmcAutoprobe(p: SysfsPaths): Promise<string | null> {
  return (await hasMmcBus(p)) ? autoprobeOf(p) : null;
}

/** [MMC_SEAL_NAME] when the bus exists and drivers_autoprobe does not read 0 (unreadable: open). */
export async function openMmc(p: SysfsPaths): Promise<string[]> {
  if (!(await hasMmcBus(p))) return [];
  const v = await readText(autoprobeOf(p));
  if (!v.ok && GONE.has(v.code) && !(await hasMmcBus(p))) return [];
  return v.ok && v.value.trim() === '0' ? [] : [MMC_SEAL_NAME];
}

/** A disk or partition of a card, and what its `ro` reads. */
interface CardDisk {
  /** "mmcblk0", "mmcblk0p1". */
  name: string;
  dir: string;
  partition: boolean;
  ro: string | undefined;
}

/** The card's disks (block/mmcblkN, and its boot areas on eMMC) and their partitions. */
async function cardDisks(cardDir: string): Promise<CardDisk[]> {
  const dirs = async (d: string) => {
    try {
      return (await fs.readdir(d, { withFileTypes: true }))
        .filter((e) => e.isDirectory())
        .map((e) => e.name);
    } catch {
      return [];
    }
  };
  const ro = async (d: string) => {
    const r = await readText(path.join(d, 'ro'));
    return r.ok ? r.value.trim() : undefined;
  };
  const out: CardDisk[] = [];
  const block = path.join(cardDir, 'block');
  for (const disk of await dirs(block)) {
    const dir = path.join(block, disk);
    out.push({ name: disk, dir, partition: false, ro: await ro(dir) });
    for (const part of await dirs(dir))
      if (await exists(path.join(dir, part, 'partition')))
        out.push({
          name: part,
          dir: path.join(dir, part),
          partition: true,
          ro: await ro(path.join(dir, part)),
        });
  }
  return out;
}

/** Null where read-only can be held on a card here; else why not. */
async function mmcReadOnlyProblem(ro: ReadOnlyPaths): Promise<string | null> {
  // No udevd: no udisks, no desktop automounter; the agent's own setro right after the
  // synchronous bind comes first. With udevd, the rule has to beat udisks (read-only.ts).
  if (!(await udevRuns(ro))) return null;
  return readOnlyProblem(ro, 'mmc');
}

export async function applyMmc(
  ctx: MmcContext,
  device: UsbDevice,
  decision: Decision,
): Promise<ApplyResult> {
  const name = device.id;
  if (!isMmcCardName(name))
    return { applied: 'block', error: `not an SD/MMC card name: ${JSON.stringify(name)}` };
  const dir = path.join(devicesOf(ctx.paths), name);
  const sdio = device.mmc?.type === 'SDIO';

  const driver = async (): Promise<string | null> => {
    try {
      return path.basename(await fs.readlink(path.join(dir, 'driver')));
    } catch {
      return null;
    }
  };
  const readBack = async (extra: Partial<ApplyResult> = {}): Promise<ApplyResult> => {
    if (!(await exists(dir))) return { applied: 'block', gone: true };
    if (sdio)
      return { applied: decision.verdict === 'block' ? 'allow' : decision.verdict, ...extra };
    const bound = (await driver()) !== null;
    return {
      applied: bound ? (decision.verdict === 'block' ? 'allow' : decision.verdict) : 'block',
      ...extra,
    };
  };
  /** Unbinds the card from its driver (no driver: nothing to do); null or why not. */
  const unbind = async (): Promise<string | null> => {
    const drv = await driver();
    if (drv === null) return null;
    const err = await writeAttr(path.join(ctx.paths.mmcBus, 'drivers', drv, 'unbind'), name);
    if (err && !(GONE.has(err) && !(await exists(dir))))
      return `unbinding from ${drv} failed (${err})`;
    // The kernel unbinds during the write; a slow one is given bindWaitMs.
    for (let waited = 0; (await driver()) !== null; waited += 10) {
      if (waited >= ctx.bindWaitMs) return `still bound to ${drv} after unbinding`;
      await sleep(ctx.clock, 10);
    }
    return null;
  };
  const refuse = async (why: string, extra: Partial<ApplyResult> = {}): Promise<ApplyResult> => {
    const err = await unbind();
    const r = await readBack(extra);
    return { ...r, error: err ? `${why}; ${err}` : why };
  };
  /** drivers_probe until a driver takes the card (bounded); null or why not. */
  const bind = async (): Promise<string | null> => {
    const step = 50;
    let lastErr: string | null = null;
    for (let waited = 0; waited <= ctx.bindWaitMs; waited += step) {
      if (!(await exists(dir))) return null; // gone: readBack says so
      if ((await driver()) !== null) return null;
      // Again every 250 ms: mmc_block may still be loading (udev loads it for a new card).
      if (waited % 250 === 0)
        lastErr = await writeAttr(path.join(ctx.paths.mmcBus, 'drivers_probe'), name);
      if ((await driver()) !== null) return null;
      await sleep(ctx.clock, step);
    }
    return lastErr
      ? `drivers_probe failed (${lastErr})`
      : 'no driver took the card (is mmc_block loaded?)';
  };

  // --- block: unbound, and nothing else. A fixed card (the system's eMMC) is never unbound.
  if (decision.verdict === 'block') {
    if (device.mmc?.fixed === true)
      return readBack({ error: 'a built-in (fixed) card is never unbound' });
    if (sdio)
      return readBack({
        error: 'an SDIO card is not held back here (its functions bind on the sdio bus)',
      });
    await unmarkReadOnly(ctx.readOnly, name);
    const err = await unbind();
    return readBack(err ? { error: err } : {});
  }

  // --- the card in this slot must still be the one decided on.
  const now = await readMmcCard(ctx.paths, name);
  if (now === null) return { applied: 'block', gone: true };
  if (now.hash !== device.hash)
    return refuse('the card in this slot changed since it was read (CID differs)');

  if (sdio) {
    await bind(); // binds nothing on the mmc bus today; harmless, and right if that changes
    return readBack();
  }

  // --- allow, audit: bound. One made read-only before is bound anew, so its disk is writable.
  if (decision.verdict !== 'read-only') {
    const wasReadOnly = await unmarkReadOnly(ctx.readOnly, name);
    if (wasReadOnly && (await driver()) !== null) {
      const err = await unbind();
      if (err) return readBack({ error: `read-only before; ${err}` });
    }
    const err = await bind();
    return readBack(err ? { error: err } : {});
  }

  // --- read-only.
  const problem = await mmcReadOnlyProblem(ctx.readOnly);
  const markedBefore = await exists(path.join(ctx.readOnly.markDir, name));
  const marked = problem ?? (await markReadOnly(ctx.readOnly, name, device.hash ?? ''));
  if (marked !== null)
    return refuse(`read-only cannot be guaranteed here: ${marked}`, { readOnlyFellBack: true });
  // Already held (an agent restarted, a policy that changed something else): kept as it is.
  const held = await cardDisks(dir);
  if (
    markedBefore &&
    (await driver()) !== null &&
    held.length > 0 &&
    held.every((d) => d.ro === '1')
  )
    return readBack();
  // A card bound before: its disk was made writable, and may be open: bound anew under the mark.
  const was = await unbind();
  if (was)
    return refuse(`read-only needs the card unbound first: ${was}`, { readOnlyFellBack: true });
  const bindErr = await bind();
  if (bindErr) return refuse(bindErr, { readOnlyFellBack: true });
  const notes: string[] = [];
  // At once: the block driver's own switch (disk and partitions), then BLKROSET on each.
  for (const d of await cardDisks(dir)) {
    if (!d.partition) {
      const err = await writeAttr(path.join(d.dir, 'force_ro'), '1');
      if (err && err !== 'ENOENT') notes.push(`${d.name}: force_ro failed (${err})`);
    }
  }
  const disks = await cardDisks(dir);
  if (ctx.commands)
    for (const d of disks) {
      const r = await ctx.commands.run('blockdev', ['--setro', path.join(ctx.devDir, d.name)]);
      if (r.code !== 0)
        notes.push(
          `blockdev --setro ${d.name}: ${r.missing ? 'blockdev is not installed' : (r.stderr.trim() || `exit ${r.code}`).slice(0, 200)}`,
        );
    }
  // Read back: every disk and partition must read ro 1, and there must be a disk.
  const after = await cardDisks(dir);
  if (!(await exists(dir))) return { applied: 'block', gone: true };
  const writable = after.filter((d) => d.ro !== '1');
  if (after.length === 0 || writable.length > 0) {
    const what =
      after.length === 0
        ? 'the card has no disk to hold read-only'
        : writable
            .map((d) => `${d.name} reads ${d.ro === undefined ? 'no ro' : `ro ${d.ro}`}`)
            .join(', ');
    return refuse(`read-only did not hold: ${[what, ...notes].join('; ')}`, {
      readOnlyFellBack: true,
    });
  }
  return readBack(notes.length ? { error: notes.join('; ') } : {});
}
