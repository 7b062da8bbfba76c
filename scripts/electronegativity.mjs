// Electronegativity (Doyensec's Electron security scanner) over the tray app as it would be
// packed: the built main process, preload and pages (dist/main, dist/preload, dist/renderer)
// and the app's package.json naming the Electron version, with zero findings allowed (issue 14).
// Extra files given as arguments are scanned with it (the test plants a bad one to show the
// scanner reads our kind of JavaScript). Prints each finding; exits 1 on any.
// Offline, its check for newer Electron releases cannot fetch them and is skipped by the tool.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const electron = JSON.parse(
  readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8'),
).version;
const app = mkdtempSync(join(tmpdir(), 'baomi-tray-app-'));
try {
  for (const part of ['main', 'preload', 'renderer'])
    cpSync(join(root, 'dist', part), join(app, part), {
      recursive: true,
      filter: (f) => !f.endsWith('.map'),
    });
  for (const extra of process.argv.slice(2)) cpSync(extra, join(app, 'main', basename(extra)));
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'baomi-tray', main: 'main/index.js', devDependencies: { electron } }),
  );
  const sarif = join(app, 'findings.sarif');
  const cli = join(root, 'node_modules/@doyensec/electronegativity/dist/index.js');
  const shim = join(root, 'scripts/electronegativity-commander.cjs');
  const args = ['-r', shim, cli, '-i', app, '-e', electron, '-r', '-o', sarif];
  const run = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    timeout: 300_000,
  });
  let results;
  try {
    results = JSON.parse(readFileSync(sarif, 'utf8')).runs.flatMap((r) => r.results ?? []);
  } catch {
    console.error(
      `electronegativity did not report (exit ${run.status}):\n${run.stdout}${run.stderr}`,
    );
    process.exit(1);
  }
  for (const r of results) {
    const loc = r.locations?.[0]?.physicalLocation;
    console.log(
      `${r.ruleId} ${loc?.artifactLocation?.uri}:${loc?.region?.startLine ?? '?'} ${r.message?.text ?? ''}`,
    );
  }
  console.log(`electronegativity (Electron ${electron}): ${results.length} finding(s)`);
  process.exit(results.length === 0 ? 0 : 1);
} finally {
  rmSync(app, { recursive: true, force: true });
}
