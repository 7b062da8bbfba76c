// Debian's Chromium driven by playwright-core (issue 13: `npx playwright install` cannot
// download here), with what every web UI test asserts on: the page's console errors, uncaught
// exceptions and any dialog (an alert() from an injected script would be one), and where its
// screenshots go (kept as artefacts of the run: test-artifacts/, ignored by git).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
export const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'screenshots');

export function chromiumUnavailableReason(): string | null {
  return existsSync(CHROMIUM)
    ? null
    : `needs ${CHROMIUM} (apt-get install chromium: scripts/install-e2e-deps.sh)`;
}

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
}

export interface Watched {
  context: BrowserContext;
  page: Page;
  /** Console errors, page errors and dialogs seen so far. */
  problems: string[];
}

/** A context in `locale` (its Accept-Language and navigator.languages) and a watched page. */
export async function open(browser: Browser, locale: 'zh-CN' | 'en-US'): Promise<Watched> {
  const context = await browser.newContext({
    locale,
    ignoreHTTPSErrors: true, // the console's self-signed test certificate
    viewport: { width: 1400, height: 900 },
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.type()} ${d.message()}`);
    void d.dismiss();
  });
  return { context, page, problems };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** axe-core, run in the page (Runtime.evaluate is not held by the page's CSP). */
const AXE = readFileSync(join(process.cwd(), 'node_modules/axe-core/axe.min.js'), 'utf8');

interface AxeResult {
  violations: { id: string; impact: string | null; nodes: unknown[] }[];
}

/** axe-core's serious and critical violations on the page as it is now, as `id (impact, nodes)`. */
export async function axe(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const r = (await page.evaluate(
    'axe.run(document, { resultTypes: ["violations"] })',
  )) as AxeResult;
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}, ${v.nodes.length})`);
}
