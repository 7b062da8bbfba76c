// Trusted policy keys: `<trustDir>/policy/*.pub` (DESIGN.md "Paths": a key trusted for
// policies cannot sign exceptions, which live in `<trustDir>/exceptions/`). SECURITY: a key
// file anyone may write is no trust anchor, so group- or world-writable keys are skipped.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TrustedKey } from '../../core/policy/types.js';
import type { Logger } from '../log.js';

/** The bundled DEMO key; trusted only with `baomi agent --trust-demo`. */
export const DEMO_TRUST_DIR = fileURLToPath(
  new URL('../../../policies/demo-trust', import.meta.url),
);

export function loadTrustedKeys(trustDir: string, log: Logger): TrustedKey[] {
  const dir = join(trustDir, 'policy');
  if (!existsSync(dir)) return [];
  const keys: TrustedKey[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.pub')) continue;
    const file = join(dir, name);
    const st = statSync(file);
    if (!st.isFile()) continue;
    if (st.mode & 0o022) {
      log.warn({ module: 'policy', file }, 'trusted key is group/world-writable; ignored');
      continue;
    }
    keys.push({ name: basename(name, '.pub'), publicKeyPem: readFileSync(file, 'utf8') });
  }
  return keys;
}
