// The tray's watermark page (issue 14) in Debian's Chromium, built as the tray loads it (dist/
// renderer, served here over HTTP as baomi://app/ serves it there): the text from the hash
// tiled over the whole window as text (a hostile user name stays text, no dialog), faint, never
// taking the pointer, redrawn when the hash or the window changes; no console error (a CSP
// violation would be one). Screenshots kept as artefacts.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumUnavailableReason, launch, open, screenshot } from '../../helpers/browser.js';
import { type RendererServer, serveRenderer } from '../../helpers/renderer-server.js';

const skip = chromiumUnavailableReason();

let server: RendererServer | undefined;
let base = '';
let browser: Browser;

beforeAll(async () => {
  if (skip) return;
  server = await serveRenderer();
  base = server.base;
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const hash = (text: string, opacity = 0.1) =>
  `#${new URLSearchParams({ text, opacity: String(opacity) })}`;

/** Whether every corner and the centre of the viewport lies inside some tile's box (in the page). */
const COVERED = `(() => {
  const boxes = [...document.querySelectorAll('.tile')].map((t) => t.getBoundingClientRect());
  const w = innerWidth;
  const h = innerHeight;
  const points = [[2, 2], [w - 2, 2], [2, h - 2], [w - 2, h - 2], [w / 2, h / 2]];
  return points.every(([x, y]) =>
    boxes.some((b) => x >= b.left && x <= b.right && y >= b.top && y <= b.bottom));
})()`;
/** Polls an expression in the page (waitForFunction would eval() it, which the page's CSP refuses). */
async function until(page: Page, expression: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${expression}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const style = (selector: string, prop: string) =>
  `getComputedStyle(document.querySelector(${JSON.stringify(selector)}))[${JSON.stringify(prop)}]`;

describe.skipIf(skip)('watermark overlay page', () => {
  it('tiles a hostile name over the window as text, faint and click-through', async () => {
    const { page, problems, context } = await open(browser, 'zh-CN');
    const hostile =
      '张三 <img src=x onerror=alert(1)> "><script>alert(2)</script> ws-42 2026-12-02';
    await page.goto(`${base}/overlay.html${hash(hostile, 0.12)}`);
    await page.waitForSelector('.tile');
    const texts = await page.$$eval('.tile', (ts) => ts.map((t) => t.textContent));
    expect(texts.length).toBeGreaterThan(10);
    expect(new Set(texts)).toEqual(new Set([hostile]));
    expect(await page.$$('img, script:not([src])')).toHaveLength(0);
    expect(await page.evaluate(COVERED)).toBe(true);
    expect(await page.evaluate(style('.tiles', 'opacity'))).toBe('0.12');
    expect(await page.evaluate(style('body', 'pointerEvents'))).toBe('none');
    expect(await page.evaluate(style('.tile', 'userSelect'))).toBe('none');
    await screenshot(page, 'tray-watermark.zh-CN');

    // The main process changes the hash (a new day, a new policy) and the window's size.
    await page.evaluate(`location.hash = ${JSON.stringify(hash('li.si ws-7 2026-12-03', 0.3))}`);
    await until(page, `document.querySelector('.tile')?.textContent === 'li.si ws-7 2026-12-03'`);
    await page.setViewportSize({ width: 2560, height: 1440 });
    await until(page, COVERED);
    expect(await page.evaluate(style('.tiles', 'opacity'))).toBe('0.3');
    await screenshot(page, 'tray-watermark.en');

    // Nothing to draw, or an opacity out of range: no tiles / the default.
    await page.evaluate(`location.hash = '#text=&opacity=1'`);
    await until(page, `document.querySelectorAll('.tile').length === 0`);
    expect(await page.evaluate(style('.tiles', 'opacity'))).toBe('0.08');
    expect(problems).toEqual([]);
    await context.close();
  });
});
