// Benchmark: the tray's log viewer (issue 14 §5) over a large log, in Debian's Chromium
// (playwright-core), the page as built (dist/renderer/viewer.html, served by bare name as the
// tray's baomi://app/ serves it). No agent: window.baomi is the static bridge
// (tests/helpers/viewer-static-bridge.page.js), which makes each event in the page when asked
// for, so its cost is the same at any size and what grows is the page's own work. It answers
// at once (no agent, no IPC latency): a page of 10,000 lands on the page's thread as soon as
// it is asked for, at about what reading Electron's copy of it would cost.
//   firstPaint  navigation start → the first row of [data-testid="viewer-table"] tbody on screen:
//               its cells carry `elementtiming` (set by an init script's MutationObserver as
//               the row is added, before any frame), and Element Timing's renderTime is when
//               the frame that painted them was presented (layout, paint and rasterising in;
//               software rasterising here: --disable-gpu). `first_frame_ms` beside it: when
//               that frame began (its animation-frame callback), i.e. the page's own work
//               done; until 2026-12-02 that was the number called first paint. By the page's
//               clock (performance.now() counts from navigation start). A fresh context per
//               run, after one warm-up run per size;
//   baseline    the same with 100 events, in the same run, interleaved with the large runs:
//               `ratio` = the large log's p95 over the baseline's (target ≤ 1.5);
//   scroll      once every page is loaded ([data-testid="viewer-count"][data-complete=true]),
//               the scroll box [data-testid="viewer-scroll"] moved 60 px per frame for 600
//               frames (back to the top at the bottom): the frame-to-frame times, p95 (one
//               frame at 60 Hz is 16.7 ms; `late` counts frames of 1.5 intervals or more);
//               `bare` beside it: 3,000 plain rows in a plain scroll box, scrolled the same way
//               (what this machine's Chromium does with no page work at all).
//
//   npm run bench:viewer -- [--events N] [--runs N]
// The last line printed is the JSON summary. Exits 2 with one line when the page is not built
// or Chromium is missing.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist', 'renderer');
const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(join(DIST, 'viewer.html'))) {
  console.error('bench:viewer: dist/renderer/viewer.html is missing (build the log viewer first)');
  process.exit(2);
}
if (!existsSync(CHROMIUM)) {
  console.error(`bench:viewer: needs ${CHROMIUM} (scripts/install-e2e-deps.sh)`);
  process.exit(2);
}
const { chromium } = await import('playwright-core');

const arg = (name, d) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : d;
};
const LARGE = arg('events', 100_000);
const SMALL = 100;
const RUNS = arg('runs', 10);
const FRAMES = 600;
const FRAME_MS = 16.7;
/** Animation-frame times jitter by a few tenths of a millisecond (as bench/ui.mjs allows). */
const FRAME_SLACK_MS = 0.5;
const TARGET = 1.5;
/** Issue 14: first paint of 100,000 events within this, p95. */
const PAINT_TARGET_MS = 500;
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const BRIDGE = join(ROOT, 'tests', 'helpers', 'viewer-static-bridge.page.js');
const ROW = '[data-testid="viewer-table"] tbody tr';

/** Nearest-rank percentile (as bench/sim-agent.mjs), rounded to 0.1 ms. */
function percentile(values, p) {
  const s = Float64Array.from(values).sort();
  if (s.length === 0) return null;
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return Math.round(s[i] * 10) / 10;
}

/** dist/renderer by bare name, as tests/helpers/renderer-server.ts (and the tray) serve it. */
function serve() {
  const types = { html: 'text/html', js: 'text/javascript', css: 'text/css', svg: 'image/svg+xml' };
  const server = createServer((req, res) => {
    const name = (req.url ?? '/').split(/[?#]/)[0].replace(/^\/+/, '');
    const ext = /^[\w-]+\.(html|js|css|png|svg)$/.exec(name)?.[1];
    try {
      if (!ext) throw new Error('not a page file');
      const body = readFileSync(join(DIST, name));
      res.writeHead(200, { 'content-type': types[ext] ?? 'image/png' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

/** In the page from its start, by the page's clock: when the frame carrying the first row begins
 *  (__firstRows), and when that row is on screen (__rowsShown: Element Timing's renderTime, set
 *  on the row's cells as it is added, before any frame could paint it). */
const PROBE = `(() => {
  const seen = new MutationObserver(() => {
    const row = document.querySelector(${JSON.stringify(ROW)});
    if (!row) return;
    seen.disconnect();
    for (const cell of row.querySelectorAll('td')) cell.setAttribute('elementtiming', 'first-row');
    requestAnimationFrame(() => { globalThis.__firstRows = performance.now(); });
  });
  seen.observe(document, { childList: true, subtree: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      if (e.identifier === 'first-row' && e.renderTime > 0 && globalThis.__rowsShown === undefined)
        globalThis.__rowsShown = e.renderTime;
  }).observe({ type: 'element', buffered: true });
})();`;

async function until(page, expression, what, timeoutMs, problems) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await page.evaluate(expression);
    if (v) return v;
    if (problems.length > 0 || Date.now() > end)
      throw new Error(`${what}: ${problems.length ? problems.join('; ') : 'timed out'}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A fresh context with the static bridge of `count` events, at viewer.html. */
async function openViewer(browser, base, count) {
  const context = await browser.newContext({
    locale: 'zh-CN',
    viewport: { width: 1400, height: 900 },
  });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  await page.addInitScript({ content: `globalThis.__baomiStatic = ${JSON.stringify({ count })};` });
  await page.addInitScript({ path: BRIDGE });
  await page.addInitScript({ content: PROBE });
  await page.goto(`${base}/viewer.html`);
  return { context, page, problems };
}

async function firstPaint(browser, base, count) {
  const { context, page, problems } = await openViewer(browser, base, count);
  try {
    await until(page, 'globalThis.__firstRows', `first rows (${count})`, 30_000, problems);
    const shown = 'globalThis.__rowsShown && [globalThis.__firstRows, globalThis.__rowsShown]';
    return await until(page, shown, `first rows shown (${count})`, 30_000, problems);
  } finally {
    await context.close();
  }
}

async function scroll(browser, base, count) {
  const { context, page, problems } = await openViewer(browser, base, count);
  try {
    await until(page, 'globalThis.__firstRows', `first rows (${count})`, 30_000, problems);
    const complete = `document.querySelector('[data-testid="viewer-count"]')?.dataset.complete === 'true'`;
    await until(page, complete, `every page loaded (${count})`, 120_000, problems);
    return await scrollFrames(page, '[data-testid="viewer-scroll"]');
  } finally {
    await context.close();
  }
}

async function bareScroll(browser) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const row =
    '<tr><td>2026-12-01 10:00</td><td>/srv/finance/project-7/报告-7.docx</td><td>file.created</td></tr>';
  await page.setContent(
    `<div id="box" style="height:800px;overflow:auto"><table>${row.repeat(3000)}</table></div>`,
  );
  try {
    return await scrollFrames(page, '#box');
  } finally {
    await context.close();
  }
}

/** FRAMES animation frames of 60 px each in the page; the frame-to-frame times. */
function scrollFrames(page, selector) {
  return page.evaluate(
    ([selector, frames]) => {
      const box = document.querySelector(selector);
      return new Promise((done) => {
        const out = [];
        let last = performance.now();
        const step = (now) => {
          out.push(now - last);
          last = now;
          const bottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 1;
          box.scrollTop = bottom ? 0 : box.scrollTop + 60;
          if (out.length < frames) requestAnimationFrame(step);
          else done(out.slice(1));
        };
        requestAnimationFrame(step);
      });
    },
    [selector, FRAMES],
  );
}

const server = await serve();
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
try {
  const frame = { [SMALL]: [], [LARGE]: [] };
  const paint = { [SMALL]: [], [LARGE]: [] };
  await firstPaint(browser, base, SMALL); // warm-up: Chromium's first page, the server's
  await firstPaint(browser, base, LARGE); // first reads
  for (let i = 0; i < RUNS; i++) {
    const order = i % 2 === 0 ? [SMALL, LARGE] : [LARGE, SMALL];
    for (const n of order) {
      const [f, p] = await firstPaint(browser, base, n);
      frame[n].push(f);
      paint[n].push(p);
    }
  }
  const frames = {
    [SMALL]: await scroll(browser, base, SMALL),
    [LARGE]: await scroll(browser, base, LARGE),
    bare: await bareScroll(browser),
  };
  const fp = (n, of = paint) => ({
    p50: percentile(of[n], 50),
    p95: percentile(of[n], 95),
    runs: of[n].length,
  });
  const ratio =
    Math.round((percentile(paint[LARGE], 95) / percentile(paint[SMALL], 95)) * 100) / 100;
  const sizes = { [`n${SMALL}`]: SMALL, [`n${LARGE}`]: LARGE, bare: 'bare' };
  const per = (f) => Object.fromEntries(Object.entries(sizes).map(([k, n]) => [k, f(frames[n])]));
  const scrollP95 = per((xs) => percentile(xs, 95));
  process.stdout.write(
    `${JSON.stringify({
      first_paint_ms: { [`n${SMALL}`]: fp(SMALL), [`n${LARGE}`]: fp(LARGE) },
      // The page's own work done: the frame that carries the first row begins (before its
      // layout, paint and rasterising, which first_paint_ms includes).
      first_frame_ms: { [`n${SMALL}`]: fp(SMALL, frame), [`n${LARGE}`]: fp(LARGE, frame) },
      ratio,
      target: TARGET,
      // The issue's absolute bound for the large log's first paint (not met on this shared
      // 2-core machine: README "The desktop app" has the numbers and where the time goes).
      first_paint_target_ms: PAINT_TARGET_MS,
      first_paint_within_target: percentile(paint[LARGE], 95) <= PAINT_TARGET_MS,
      scroll_frame_ms_p95: scrollP95,
      scroll_late_frames: per((xs) => xs.filter((f) => f >= 1.5 * FRAME_MS).length),
      scroll_frames: FRAMES - 1,
      target_scroll_frame_ms: FRAME_MS,
      load: loadavg().map((x) => Math.round(x * 100) / 100),
      pass:
        ratio <= TARGET &&
        percentile(paint[LARGE], 95) <= PAINT_TARGET_MS &&
        scrollP95[`n${LARGE}`] <= FRAME_MS + FRAME_SLACK_MS,
    })}\n`,
  );
} catch (e) {
  console.error(`bench:viewer: ${e instanceof Error ? e.message : e}`);
  process.exitCode = 1;
} finally {
  await browser.close();
  server.close();
}
