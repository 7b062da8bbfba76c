// Trusted keys: `<trustDir>/policy/*.pub` sign policies, `<trustDir>/exceptions/*.pub` sign
// temporary USB exceptions (DESIGN.md "Paths": a key trusted for one purpose cannot sign for
// the other, so each purpose reads its own folder and only that). SECURITY: a key file anyone
// may write is no trust anchor, so group- or world-writable keys are skipped; the same rules
// hold for both folders.
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TrustedKey } from '../../core/policy/types.js';
import type { Logger } from '../log.js';

/** The bundled DEMO key; trusted only with `baomi agent --trust-demo`. */
export const DEMO_TRUST_DIR = fileURLToPath(
  new URL('../../../policies/demo-trust', import.meta.url),
);

/** What a key in the trust dir may sign: the name of its folder there. */
export type KeyPurpose = 'policy' | 'exceptions';

export interface IgnoredKey {
  file: string;
  /** e.g. "0666" */
  mode: string;
  /** Who else could replace it: others or the group (the worse when both may write), a
   *  user other than root or the agent's own (`owner`), or a link whose target could be
   *  anything (`link`); or, the key itself being sound, its folder (`folder`: writable by
   *  others or its group, or not root's or the agent's user's), which could swap the file. */
  writableBy: 'others' | 'group' | 'owner' | 'link' | 'folder';
  /** With `folder`: the folder and its mode. */
  folder?: { path: string; mode: string };
}

export interface TrustDirReport {
  keys: TrustedKey[];
  /** Keys found but not trusted, and why: people must be told which and why, not "no key". */
  ignored: IgnoredKey[];
  /**
   * Set when `trustDir` looks like the policy/ folder itself (it holds .pub files and has no
   * policy/ of its own): --trust-dir names the parent (DESIGN.md "Paths").
   */
  policyDirItself?: { parent: string };
}

/**
 * `os`: Windows has no mode bits (Node reports every file 0666, or 0444 when read-only), so
 * there a key is judged by what it is (a regular file, not a link) and the folder's access
 * list, which the installer sets (native/windows/install-service.ps1: SYSTEM and
 * Administrators only), is what keeps others from replacing it.
 */
export function inspectTrustDir(
  trustDir: string,
  purpose: KeyPurpose = 'policy',
  os: NodeJS.Platform = process.platform,
): TrustDirReport {
  const report: TrustDirReport = { keys: [], ignored: [] };
  const dir = join(trustDir, purpose);
  if (!existsSync(dir)) {
    // (Said once, for policy/: the agent reads both folders from the same --trust-dir.)
    if (purpose === 'policy' && listPub(trustDir).length > 0)
      report.policyDirItself = { parent: dirname(trustDir) };
    return report;
  }
  // SECURITY: whoever can replace a key signs the policy (or opens a USB port). So the key
  // must be a regular file (not a link), owned by root or the agent's own user, writable by
  // its owner only, in a folder that others cannot write either (or they could swap the file
  // itself).
  const me = process.getuid?.();
  const modes = os !== 'win32';
  const trustedOwner = (uid: number) => me === undefined || uid === 0 || uid === me;
  const folder = lstatSync(dir);
  const folderUnsafe =
    !folder.isDirectory() || (modes && (!trustedOwner(folder.uid) || folder.mode & 0o022));
  for (const name of listPub(dir)) {
    const file = join(dir, name);
    const st = lstatSync(file);
    const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
    let writableBy: IgnoredKey['writableBy'] | null = null;
    // The key's own fault first (what to fix on the file), then its folder's (on the folder).
    if (st.isSymbolicLink()) writableBy = 'link';
    else if (!st.isFile()) continue;
    else if (modes && st.mode & 0o002) writableBy = 'others';
    else if (modes && st.mode & 0o020) writableBy = 'group';
    else if (modes && !trustedOwner(st.uid)) writableBy = 'owner';
    else if (folderUnsafe) writableBy = 'folder';
    if (writableBy) {
      report.ignored.push({
        file,
        mode,
        writableBy,
        ...(writableBy === 'folder'
          ? { folder: { path: dir, mode: (folder.mode & 0o7777).toString(8).padStart(4, '0') } }
          : {}),
      });
      continue;
    }
    report.keys.push({ name: basename(name, '.pub'), publicKeyPem: readFileSync(file, 'utf8') });
  }
  return report;
}

function listPub(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((n) => n.endsWith('.pub'))
      .sort();
  } catch {
    return [];
  }
}

/** The report's keys; each ignored key is logged with its reason (as `module`). */
export function loadTrustedKeys(
  trustDir: string,
  log: Logger,
  purpose: KeyPurpose = 'policy',
  module = 'policy',
): TrustedKey[] {
  return logTrustReport(trustDir, inspectTrustDir(trustDir, purpose), log, module).keys;
}

export function logTrustReport(
  trustDir: string,
  report: TrustDirReport,
  log: Logger,
  module: string,
): TrustDirReport {
  for (const k of report.ignored) {
    log.warn(
      { module, file: k.file, mode: k.mode, writableBy: k.writableBy, folder: k.folder },
      'trusted key is a link, writable by others or owned by another user; ignored',
    );
  }
  if (report.policyDirItself) {
    log.warn(
      { module, trustDir, parent: report.policyDirItself.parent },
      'trust dir holds .pub keys but no policy/ folder: --trust-dir names the parent of policy/',
    );
  }
  return report;
}
