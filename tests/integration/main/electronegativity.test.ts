// Electronegativity over the tray app as it is packed (scripts/pack-tray.mjs's bundles) (issue 14: zero findings, in CI),
// and over the same app with one badly made window planted, so that a silent scanner (one that
// parsed nothing of our ES modules) could not pass for a clean app.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SCRIPT = new URL('../../../scripts/electronegativity.mjs', import.meta.url).pathname;
const scan = (...extra: string[]) =>
  spawnSync(process.execPath, [SCRIPT, ...extra], { encoding: 'utf8', timeout: 240_000 });

describe('electronegativity', () => {
  it('finds nothing in the tray app', () => {
    const r = scan();
    expect(r.stdout, r.stderr).toMatch(/electronegativity \(Electron [\d.]+\): 0 finding\(s\)/);
    expect(r.status).toBe(0);
  }, 240_000);

  it('finds a window with Node integration and no sandbox planted in it', () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'baomi-bad-')), 'bad-window.js');
    writeFileSync(
      bad,
      "import { BrowserWindow } from 'electron';\nexport const w = () =>\n  new BrowserWindow({ webPreferences: { nodeIntegration: true, sandbox: false } });\n",
    );
    const r = scan(bad);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/SANDBOX_JS_CHECK bad-window\.js:3/);
    expect(r.stdout).not.toMatch(/ 0 finding/);
  }, 240_000);

  it('still flags a timer given a string, or an eval beside a timer, in a page script, beside the reviewed ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baomi-bad-'));
    const bad = join(dir, 'bad-page.js');
    writeFileSync(
      bad,
      // Line 4: an eval beside a harmless timer on the same line is not the timer's to excuse.
      "const later = 'alert(1)';\nsetTimeout(later + '', 10);\nsetTimeout(later, 10);\nexport function run(code) { setTimeout(() => 0, 1); eval(code + ''); }\n",
    );
    const r = scan(`page:${bad}`);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^DANGEROUS_FUNCTIONS_JS_CHECK renderer\/bad-page\.js:2 /m);
    expect(r.stdout).toMatch(/^DANGEROUS_FUNCTIONS_JS_CHECK renderer\/bad-page\.js:3 /m);
    expect(r.stdout).toMatch(/^DANGEROUS_FUNCTIONS_JS_CHECK renderer\/bad-page\.js:4 /m);
    expect(r.stdout).toMatch(/reviewed DANGEROUS_FUNCTIONS_JS_CHECK renderer\/viewer-/);
  }, 240_000);
});
