// Electronegativity (Doyensec's Electron security scanner) over the tray app as it is packed:
// what scripts/pack-tray.mjs assembles for app.asar (the bundled main.mjs and preload.cjs, the
// pages, the package.json), the bundles copied as .js (the scanner reads only .js/.ts/.html
// files), with zero findings allowed (issue 14). Extra files given as arguments are scanned
// with it (the test plants a bad one to show the scanner reads our kind of JavaScript). Prints
// each finding; exits 1 on any.
// Offline, its check for newer Electron releases cannot fetch them and is skipped by the tool.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * DANGEROUS_FUNCTIONS_JS_CHECK flags a setTimeout/setInterval whose first argument it cannot
 * resolve, for a person to review (its own "manual review" mark): in the page bundles, Preact's
 * hooks schedule a callback they were given. Reviewed here, call by call (the pages are built
 * unminified, so each call has its line): accepted only in a page script (renderer/), at a
 * timer call whose first argument is not a string or template literal (nothing written as text
 * is evaluated), and only while every page's CSP leaves 'unsafe-eval' out, so a string timer
 * could not run there anyway. Anything else stays a finding. Returns what was accepted, or null.
 */
function timerWithFunction(app, loc) {
  const uri = loc?.artifactLocation?.uri ?? '';
  const line = loc?.region?.startLine;
  const column = loc?.region?.startColumn;
  if (!/^renderer\/[\w-]+\.js$/.test(uri.replace(/^.*?(renderer\/)/, '$1')) || !line || !column)
    return null;
  const pages = readdirSync(join(app, 'renderer')).filter((f) => f.endsWith('.html'));
  const evalAllowed = pages.some((p) => {
    const csp = /Content-Security-Policy"\s+content="([^"]*)"/.exec(
      readFileSync(join(app, 'renderer', p), 'utf8'),
    );
    return !csp || csp[1].includes('unsafe-eval');
  });
  if (evalAllowed) return null;
  const file = join(app, uri.replace(/^.*?(renderer\/)/, '$1'));
  const text = readFileSync(file, 'utf8').split('\n')[line - 1] ?? '';
  // SARIF columns count from 1; the tool reports the call's start (callee included).
  const call = /^(?:[\w$]+\.)?(setTimeout|setInterval)\(\s*([^\s])/.exec(text.slice(column - 1));
  if (!call || /['"`]/.test(call[2])) return null;
  return `${call[1]} with no string to evaluate, under a CSP without 'unsafe-eval'`;
}
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
  const findings = [];
  for (const r of results) {
    const loc = r.locations?.[0]?.physicalLocation;
    const where = `${loc?.artifactLocation?.uri}:${loc?.region?.startLine ?? '?'}`;
    const timer = timerWithFunction(app, loc);
    if (timer) {
      console.log(`reviewed ${r.ruleId} ${where}: ${timer}`);
      continue;
    }
    findings.push(r);
    console.log(`${r.ruleId} ${where} ${r.message?.text ?? ''}`);
  }
  console.log(`electronegativity (Electron ${electron}): ${findings.length} finding(s)`);
  process.exit(findings.length === 0 ? 0 : 1);
} finally {
  rmSync(app, { recursive: true, force: true });
}
