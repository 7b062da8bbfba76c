// Trusted policy keys: `<trustDir>/policy/*.pub` (DESIGN.md "Paths": a key trusted for
// policies cannot sign exceptions, which live in `<trustDir>/exceptions/`). SECURITY: a key
// file anyone may write is no trust anchor, so group- or world-writable keys are skipped.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TrustedKey } from '../../core/policy/types.js';
import type { Logger } from '../log.js';

/** The bundled DEMO key; trusted only with `baomi agent --trust-demo`. */
export const DEMO_TRUST_DIR = fileURLToPath(
  new URL('../../../policies/demo-trust', import.meta.url),
);

export interface IgnoredKey {
  file: string;
  /** e.g. "0666" */
  mode: string;
  /** The worse of the two when both may write. */
  writableBy: 'others' | 'group';
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

export function inspectTrustDir(trustDir: string): TrustDirReport {
  const report: TrustDirReport = { keys: [], ignored: [] };
  const dir = join(trustDir, 'policy');
  if (!existsSync(dir)) {
    if (listPub(trustDir).length > 0) report.policyDirItself = { parent: dirname(trustDir) };
    return report;
  }
  for (const name of listPub(dir)) {
    const file = join(dir, name);
    const st = statSync(file);
    if (!st.isFile()) continue;
    if (st.mode & 0o022) {
      report.ignored.push({
        file,
        mode: (st.mode & 0o7777).toString(8).padStart(4, '0'),
        writableBy: st.mode & 0o002 ? 'others' : 'group',
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

export function loadTrustedKeys(trustDir: string, log: Logger): TrustedKey[] {
  const report = inspectTrustDir(trustDir);
  for (const k of report.ignored) {
    log.warn(
      { module: 'policy', file: k.file, mode: k.mode, writableBy: k.writableBy },
      'trusted key is group/world-writable; ignored',
    );
  }
  if (report.policyDirItself) {
    log.warn(
      { module: 'policy', trustDir, parent: report.policyDirItself.parent },
      'trust dir holds .pub keys but no policy/ folder: --trust-dir names the parent of policy/',
    );
  }
  return report.keys;
}
