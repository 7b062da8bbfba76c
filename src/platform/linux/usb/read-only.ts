// Read-only USB storage on Linux. The kernel has no "authorize read-only" switch, so the
// agent marks the device (/run/baomi/usb-ro/<sysfs name>) BEFORE it authorizes it, and a udev
// rule shipped in native/udev (70-baomi-usb-ro.rules + the baomi-usb-ro helper) runs
// `blockdev --setro` on every disk and partition that appears below a marked device,
// deauthorizing the device if that fails.
//
// The trade-off: the guarantee is udev's. RUN programs finish before udev passes the event
// to listeners, so udisks and desktop automounting (which wait for udev) never see the device
// writable; root could mount the raw /dev node in the milliseconds before, but root can also
// write `authorized` itself. Without the rule, the helper or a running udevd nothing would
// make the disk read-only, so read-only is then refused: the device is blocked and the result
// says readOnlyFellBack (fail closed), never "read-only" on trust.
import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

export const RULE_FILE = '70-baomi-usb-ro.rules';
/** What the installed rule must run (the path in native/udev/70-baomi-usb-ro.rules). */
export const HELPER = '/usr/lib/baomi/baomi-usb-ro';

export interface ReadOnlyPaths {
  /** udev rule folders, highest priority first (a file in /etc masks one in /lib). */
  rulesDirs: string[];
  /** Exists while udevd runs. */
  udevControl: string;
  /** The helper the rule runs. */
  helper: string;
  /** Where the agent marks devices to be read-only. */
  markDir: string;
}

/** The default places, as siblings of the sysfs root ("/sys" → "/etc/udev/rules.d", …). */
export function readOnlyPaths(sysfsRoot: string, o: Partial<ReadOnlyPaths> = {}): ReadOnlyPaths {
  const base = path.dirname(path.resolve(sysfsRoot));
  return {
    rulesDirs: o.rulesDirs ?? [
      path.join(base, 'etc/udev/rules.d'),
      path.join(base, 'run/udev/rules.d'),
      path.join(base, 'lib/udev/rules.d'),
      path.join(base, 'usr/lib/udev/rules.d'),
    ],
    udevControl: o.udevControl ?? path.join(base, 'run/udev/control'),
    helper: o.helper ?? path.join(base, HELPER),
    markDir: o.markDir ?? path.join(base, 'run/baomi/usb-ro'),
  };
}

/** Whether udevd runs here (its control socket exists). */
export async function udevRuns(p: ReadOnlyPaths): Promise<boolean> {
  try {
    await fs.stat(p.udevControl);
    return true;
  } catch {
    return false;
  }
}

/** The text of the rule file udev uses, '' for one masked or unreadable, null when none. */
async function installedRule(p: ReadOnlyPaths): Promise<string | null> {
  // udev reads one file per name: the first folder that has it wins (a link to /dev/null masks).
  for (const dir of p.rulesDirs) {
    const file = path.join(dir, RULE_FILE);
    try {
      await fs.lstat(file);
    } catch {
      continue;
    }
    try {
      const st = await fs.stat(file);
      return st.isFile() ? await fs.readFile(file, 'utf8') : '';
    } catch {
      return '';
    }
  }
  return null;
}

/**
 * Null when read-only can be guaranteed here; else why not (for the event and the log).
 * `subsystem`: the rule must run the helper for block devices below that bus ("usb"; "mmc": an
 * SD card in a built-in reader, mmc.ts), not only for another one.
 */
export async function readOnlyProblem(
  p: ReadOnlyPaths,
  subsystem?: string,
): Promise<string | null> {
  if (!(await udevRuns(p))) return `udevd is not running (no ${p.udevControl})`;
  const rule = await installedRule(p);
  if (rule === null) return `the udev rule ${RULE_FILE} is not installed`;
  if (!runsHelper(rule, subsystem))
    return subsystem
      ? `the installed ${RULE_FILE} does not run ${HELPER} for ${subsystem} block devices`
      : `the installed ${RULE_FILE} does not run ${HELPER}`;
  try {
    await fs.access(p.helper, constants.X_OK);
  } catch {
    return `the helper ${p.helper} is missing or not executable`;
  }
  return null;
}

/**
 * Whether udev rule text runs the helper: a rule line (not a comment; udev joins lines that
 * end in a backslash) that assigns RUN (`+=`, `=` or `:=`, `RUN{program}` too) a command
 * starting with HELPER. The shipped rule names the helper in its comment as well, so finding
 * the path anywhere in the file proves nothing: a file emptied down to its comments would pass.
 */
export function runsHelper(rule: string, subsystem?: string): boolean {
  const helper = HELPER.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const run = new RegExp(`(^|[\\s,])RUN(\\{program\\})?\\s*(\\+=|:=|=)\\s*"${helper}[\\s"]`);
  return rule
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .some(
      (line) =>
        !/^\s*#/.test(line) &&
        run.test(line) &&
        (subsystem === undefined || matchesSubsystems(line, subsystem)),
    );
}

/**
 * Whether a rule line applies below `subsystem`: it tests no SUBSYSTEMS (every bus), or tests
 * SUBSYSTEMS=="…" with `subsystem` among its |-separated names.
 */
function matchesSubsystems(line: string, subsystem: string): boolean {
  const m = /(^|[\s,])SUBSYSTEMS\s*==\s*"([^"]*)"/.exec(line);
  return m === null || m[2]!.split('|').includes(subsystem);
}

/** Marks a device read-only before it is authorized; null or the error. */
export async function markReadOnly(
  p: ReadOnlyPaths,
  name: string,
  note: string,
): Promise<string | null> {
  try {
    await fs.mkdir(p.markDir, { recursive: true, mode: 0o755 });
    await fs.writeFile(path.join(p.markDir, name), `${note}\n`, { mode: 0o644 });
    return null;
  } catch (e) {
    return `cannot mark ${name} read-only: ${(e as Error).message}`;
  }
}

/**
 * Takes a mark away (a device at the same port that is now allowed writable). A mark that
 * cannot be removed only makes the next device read-only: the safe side.
 */
export async function unmarkReadOnly(p: ReadOnlyPaths, name: string): Promise<boolean> {
  try {
    await fs.rm(path.join(p.markDir, name));
    return true;
  } catch {
    return false;
  }
}
