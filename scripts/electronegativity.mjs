// Electronegativity (Doyensec's Electron security scanner) over the tray app as it is packed:
// what scripts/pack-tray.mjs assembles for app.asar (the bundled main.mjs and preload.cjs, the
// pages, the package.json), the bundles copied as .js (the scanner reads only .js/.ts/.html
// files), with zero findings allowed (issue 14). Extra files given as arguments are scanned
// with it (the test plants bad ones to show the scanner reads our kind of JavaScript). Prints
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
import { parse } from '@babel/parser';
import babelTraverse from '@babel/traverse';

// @babel/traverse is CommonJS: its function is the default export's default.
const traverse = babelTraverse.default ?? babelTraverse;

const root = fileURLToPath(new URL('..', import.meta.url));

/** How a timer's first argument is known to be code, not text; null when it is not. */
function functionArgument(path) {
  const arg = path.node.arguments[0];
  if (!arg) return 'no argument';
  if (arg.type === 'ArrowFunctionExpression' || arg.type === 'FunctionExpression')
    return 'a function';
  if (arg.type !== 'Identifier') return null;
  const binding = path.scope.getBinding(arg.name);
  if (!binding) return null;
  // Assigned again somewhere (`let f = () => {}; f = '…'`): not known to be code.
  if (!binding.constant) return null;
  if (binding.kind === 'param') return 'a callback it was given';
  const decl = binding.path.node;
  if (decl.type === 'FunctionDeclaration') return 'a function';
  const init = decl.type === 'VariableDeclarator' ? decl.init?.type : null;
  return init === 'ArrowFunctionExpression' || init === 'FunctionExpression' ? 'a function' : null;
}

/**
 * DANGEROUS_FUNCTIONS_JS_CHECK flags a setTimeout/setInterval whose first argument it cannot
 * resolve, for a person to review (its own "manual review" mark): in the page bundles, Preact's
 * hooks schedule a callback they were given. Reviewed here for this rule in page scripts
 * (renderer/) only: the very call the tool names (its line and column) must be a timer given a
 * function (a function or arrow, a name bound to one and never assigned again, or a parameter:
 * a callback passed in; never a string, template or concatenation), and every page's CSP must
 * leave 'unsafe-eval' out, so a string timer could not run there anyway. Anything else stays a
 * finding. Returns what was accepted, or null.
 */
function reviewedTimer(app, result) {
  if (result.ruleId !== 'DANGEROUS_FUNCTIONS_JS_CHECK') return null;
  const loc = result.locations?.[0]?.physicalLocation;
  const uri = (loc?.artifactLocation?.uri ?? '').replace(/^.*?(renderer\/)/, '$1');
  const line = loc?.region?.startLine;
  const column = loc?.region?.startColumn;
  if (!/^renderer\/[\w-]+\.js$/.test(uri) || !line || !column) return null;
  const pages = readdirSync(join(app, 'renderer')).filter((f) => f.endsWith('.html'));
  const evalAllowed = pages.some((p) => {
    const csp = /Content-Security-Policy"\s+content="([^"]*)"/.exec(
      readFileSync(join(app, 'renderer', p), 'utf8'),
    );
    return !csp || csp[1].includes('unsafe-eval');
  });
  if (evalAllowed) return null;
  const ast = parse(readFileSync(join(app, uri), 'utf8'), { sourceType: 'unambiguous' });
  const seen = [];
  traverse(ast, {
    CallExpression(path) {
      const { callee, loc: at } = path.node;
      const name = callee.type === 'MemberExpression' ? callee.property.name : callee.name;
      // The very call the tool names (SARIF columns count from 1, Babel's from 0); it must be a
      // timer: any other call there (eval, Function) is not this review's to accept.
      if (at?.start.line !== line || at.start.column !== column - 1) return;
      const timer = ['setTimeout', 'setInterval', 'setImmediate'].includes(name);
      seen.push(timer && functionArgument(path) ? `${name} given ${functionArgument(path)}` : null);
    },
  });
  if (seen.length !== 1 || seen[0] === null) return null;
  return `${seen[0]}, under a CSP without 'unsafe-eval'`;
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
  // Planted by the test: `page:FILE` goes among the page scripts (renderer/), FILE beside main.
  for (const extra of process.argv.slice(2)) {
    const page = extra.startsWith('page:');
    const file = page ? extra.slice(5) : extra;
    cpSync(file, join(app, page ? 'renderer' : '', basename(file)));
  }
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
    const timer = reviewedTimer(app, r);
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
