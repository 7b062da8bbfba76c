// src/core reads no clock and touches no process state: time and environment are passed in.
// dependency-cruiser checks imports; this checks the globals an import rule cannot see.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const FORBIDDEN = [
  [/\bDate\.now\s*\(/, 'Date.now() — pass `now` in'],
  [/\bnew Date\s*\(\s*\)/, 'new Date() without an argument — pass `now` in'],
  [/\bperformance\.now\s*\(/, 'performance.now() — pass time in'],
  [/\bprocess\./, 'process.* — pass environment and arguments in'],
  [/\b(setTimeout|setInterval|setImmediate)\s*\(/, 'timers — the caller schedules'],
  [/\brequire\s*\(/, 'require() — use ESM imports so the layer check sees them'],
  [/\bimport\s*\(/, 'dynamic import() — use static imports so the layer check sees them'],
];

function* files(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else if (e.name.endsWith('.ts')) yield p;
  }
}

let bad = 0;
for (const file of files('src/core')) {
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    const code = line.replace(/\/\/.*$/, '');
    for (const [re, why] of FORBIDDEN) {
      if (re.test(code)) {
        console.error(`${file}:${i + 1}: ${why}`);
        bad++;
      }
    }
  });
}
if (bad) {
  console.error(`core purity: ${bad} problem(s); src/core must stay pure (DESIGN.md "Layers")`);
  process.exit(1);
}
console.log('core purity: ok');
