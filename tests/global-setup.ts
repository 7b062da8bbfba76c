// Every test run gets its own temporary root (TMPDIR), removed when the run ends, so the
// hundreds of folders the suites create (agents' data dirs, sockets, evidence copies) do not
// pile up in /tmp. 0755 so that tests which drop to another user can still reach their dirs.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'baomi-tests-'));
  chmodSync(root, 0o755);
  const before = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(root, { recursive: true, force: true });
  };
}
