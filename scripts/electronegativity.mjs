// Electronegativity (Doyensec's Electron security scanner) over the tray app as it is packed:
// what scripts/pack-tray.mjs assembles for app.asar (the bundled main.mjs and preload.cjs, the
// pages, the package.json), the bundles copied as .js (the scanner reads only .js/.ts/.html
// files), with zero findings allowed (issue 14). Extra files given as arguments are scanned
// with it (the test plants a bad one to show the scanner reads our kind of JavaScript). Prints
// each finding; exits 1 on any.
// Offline, its check for newer Electron releases cannot fetch them and is skipped by the tool.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const electron = JSON.parse(
  readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8'),
).version;
const app = mkdtempSync(join(tmpdir(), 'baomi-tray-app-'));
try {
  const packed = spawnSync(process.execPath, [join(root, 'scripts/pack-tray.mjs'), '--app', app], {
    encoding: 'utf8',
  });
  if (packed.status !== 0) {
    console.error(`pack-tray failed:\n${packed.stdout}${packed.stderr}`);
    process.exit(1);
  }
  renameSync(join(app, 'main.mjs'), join(app, 'main.js'));
  renameSync(join(app, 'preload.cjs'), join(app, 'preload.js'));
  for (const extra of process.argv.slice(2)) cpSync(extra, join(app, basename(extra)));
  const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ ...pkg, main: 'main.js', devDependencies: { electron } }),
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
