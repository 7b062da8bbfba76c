// npm links the bins of dependencies into node_modules/.bin, but not the project's own, so
// `npx baomi` in a fresh checkout would try to download a package called "baomi". Link ours
// after every install (npm's `prepare`), the way npm would for a dependency.
import { chmodSync, lstatSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

const binDir = join('node_modules', '.bin');
const target = join('..', '..', 'bin', 'baomi.js');
const link = join(binDir, process.platform === 'win32' ? 'baomi.js' : 'baomi');
mkdirSync(binDir, { recursive: true });
try {
  lstatSync(link);
  rmSync(link);
} catch {
  // no link yet
}
symlinkSync(target, link);
chmodSync(join('bin', 'baomi.js'), 0o755);
