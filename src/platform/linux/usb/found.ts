// What the USB seal found (Linux): before the agent's first seal of a boot writes 0 anywhere,
// it records what each place read (/run/baomi/usb-found.json), so that `baomi usb release`
// gives back an administrator's own setting made after boot (USBGuard's AuthorizedDefault, a
// udev rule or a boot script writing authorized_default) and not only what the kernel command
// line says. The seal lasts one boot and so does the record: /run is a tmpfs, and a record
// naming another boot (/proc/sys/kernel/random/boot_id) is not used. An agent restarted in the
// same boot keeps the record it finds (what it reads now is its own seal). A place that already
// reads 0 with no record is recorded as 0 (someone sealed it before the agent: release keeps
// it), unless this agent's own store says it sealed earlier in this boot (upgraded in place
// from an agent that kept no record, or one that could not write it): then that 0 may be its
// own and is left out, so release gives that place the kernel's default.
// The record steers what release WRITES into sysfs, so it is used only from a folder that is
// this user's and nobody else can write, as a regular file of this user's (opened without
// following a link, checked on the open file), naming this boot, with names and values the
// kernel would take; anything else is not used at all (release falls back to the kernel's
// defaults). A machine whose boot id cannot be read keeps no record.
import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../../core/ports/clock.js';
import { MMC_SEAL_NAME } from './mmc.js';
import { type SealPlace, sealPlaces, USBCORE_DEFAULT } from './seal.js';
import { isRootHub, readText, type SysfsPaths } from './sysfs.js';

export interface FoundPaths {
  /** <base>/run/baomi/usb-found.json, beside the sysfs root as the read-only marks are. */
  record: string;
  /** <base>/proc/sys/kernel/random/boot_id. */
  bootId: string;
}

export function foundPaths(p: SysfsPaths): FoundPaths {
  const base = path.dirname(path.resolve(p.root));
  return {
    record: path.join(base, 'run/baomi/usb-found.json'),
    bootId: path.join(base, 'proc/sys/kernel/random/boot_id'),
  };
}

interface FoundRecord {
  v: 1;
  bootId: string;
  at: string;
  places: Record<string, string>;
}

/** What each kind of place can hold (Documentation/usb/authorization.rst, hcd.c). */
const VALUES: Record<SealPlace['kind'], readonly string[]> = {
  hub: ['0', '1', '2'],
  interfaces: ['0', '1'],
  usbcore: ['-1', '0', '1', '2'],
  mmc: ['0', '1'],
};

/** The kind a recorded name is, or null for a name no seal place has. */
function kindOf(name: string): SealPlace['kind'] | null {
  if (isRootHub(name)) return 'hub';
  if (name.endsWith(':interfaces') && isRootHub(name.slice(0, -':interfaces'.length)))
    return 'interfaces';
  if (name === USBCORE_DEFAULT) return 'usbcore';
  if (name === MMC_SEAL_NAME) return 'mmc';
  return null;
}

async function bootId(f: FoundPaths): Promise<string> {
  const r = await readText(f.bootId);
  return r.ok ? r.value.trim() : '';
}

const uid = (): number | undefined => process.getuid?.();

/** Null when `dir` is a real folder of this user's that no one else can write; else why not. */
async function trustedDir(dir: string): Promise<string | null> {
  try {
    const st = await fs.lstat(dir);
    if (!st.isDirectory()) return `${dir} is not a folder`;
    if (uid() !== undefined && st.uid !== uid()) return `${dir} is not this user's`;
    if ((st.mode & 0o022) !== 0) return `${dir} can be written by others`;
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * The places as this boot's first seal found them, or null: no record, one of another boot,
 * or one that cannot be trusted (see the file comment).
 */
export async function readFound(p: SysfsPaths): Promise<Record<string, string> | null> {
  const f = foundPaths(p);
  const boot = await bootId(f);
  if (boot === '' || (await trustedDir(path.dirname(f.record))) !== null) return null;
  let rec: FoundRecord;
  let h: fs.FileHandle | undefined;
  try {
    h = await fs.open(f.record, constants.O_RDONLY | constants.O_NOFOLLOW);
    const st = await h.stat();
    if (!st.isFile() || (uid() !== undefined && st.uid !== uid()) || st.size > 64 * 1024)
      return null;
    rec = JSON.parse(await h.readFile('utf8')) as FoundRecord;
  } catch {
    return null;
  } finally {
    await h?.close().catch(() => {});
  }
  if (rec?.v !== 1 || rec.bootId !== boot) return null;
  if (typeof rec.places !== 'object' || rec.places === null || Array.isArray(rec.places))
    return null;
  const places: Record<string, string> = {};
  for (const [name, value] of Object.entries(rec.places)) {
    const kind = kindOf(name);
    if (kind === null || typeof value !== 'string' || !VALUES[kind].includes(value)) return null;
    places[name] = value;
  }
  return places;
}

/**
 * Records what every seal place reads now, unless this boot has a record already. Null when
 * recorded (or kept), else why not (for the log: release then falls back to the kernel's
 * defaults, and an administrator's own 0 set after boot would be opened by it). `ownZeros`:
 * this agent sealed earlier in this boot, so a 0 is not recorded (see the file comment).
 */
export async function recordFound(
  p: SysfsPaths,
  clock: Clock,
  o: { ownZeros: boolean },
): Promise<string | null> {
  if ((await readFound(p)) !== null) return null;
  const f = foundPaths(p);
  const boot = await bootId(f);
  if (boot === '') return `no boot id in ${f.bootId}`;
  const places: Record<string, string> = {};
  for (const place of await sealPlaces(p)) {
    const now = await readText(place.file);
    const value = now.ok ? now.value.trim() : '';
    if (o.ownZeros && value === '0') continue;
    if (VALUES[place.kind].includes(value)) places[place.name] = value;
  }
  const rec: FoundRecord = { v: 1, bootId: boot, at: new Date(clock.now()).toISOString(), places };
  const dir = path.dirname(f.record);
  const tmp = `${f.record}.${process.pid}.tmp`;
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o755 });
    const untrusted = await trustedDir(dir);
    if (untrusted) return untrusted;
    await fs.rm(tmp, { force: true });
    // O_EXCL: never written through a link or into a file someone else made.
    await fs.writeFile(tmp, `${JSON.stringify(rec)}\n`, { mode: 0o644, flag: 'wx' });
    await fs.rename(tmp, f.record);
    return null;
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => {});
    return (e as Error).message;
  }
}

/** Removes the record once everything was given back (a new agent then records afresh). */
export async function forgetFound(p: SysfsPaths): Promise<void> {
  await fs.rm(foundPaths(p).record, { force: true }).catch(() => {});
}
