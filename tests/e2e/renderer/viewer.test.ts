// The tray's log viewer and pledge window (issue 14 §3, §5) in Debian's Chromium, built as the
// tray loads them (dist/renderer), with window.baomi provided by a test bridge that forwards
// each call, through the tray's own IPC guard, to a real agent (real store of 100,000 seeded
// events, real sockets): security staff on admin.sock see every event and scroll all 100,000
// rows; the person on agent.sock (their seat token) sees their own, in plain words, with the
// hostile file names as text; filters, detail with the rule that fired, CSV and JSON exports
// compared with the agent's own answer, the language switch kept across a reload, the chain
// check; the pledge confirmed and recorded by the agent. No console error or dialog anywhere.
// Screenshots in zh-CN and English kept as artefacts (test-artifacts/screenshots/tray-*).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvReader, decodeCsvCell } from '../../../src/core/csv.js';
import type { BaomiEvent } from '../../../src/core/events/types.js';
import type { EventFilter } from '../../../src/core/protocol/messages.js';
import type { AgentConnection } from '../../../src/ipc/index.js';
import {
  type AgentDirs,
  agentDirs,
  installSignedPolicy,
  policyYaml,
  readEvents,
  waitFor,
} from '../../helpers/agent.js';
import {
  chromiumUnavailableReason,
  launch,
  open,
  screenshot,
  type Watched,
} from '../../helpers/browser.js';
import { type RendererServer, serveRenderer } from '../../helpers/renderer-server.js';
import { type SeatAgent, startSeatAgent } from '../../helpers/seat-agent.js';
import { HOSTILE_NAMES, type SeedResult, seedEvents } from '../../helpers/seed-events.js';
import { type AgentBridge, installAgentBridge } from '../../helpers/viewer-bridge.js';

const skip =
  chromiumUnavailableReason() ??
  (existsSync(join(process.cwd(), 'dist/renderer/viewer.html')) ? null : 'needs npm run build');
const N = 100_000;
const SEAT = 'zhang.san';
const PLEDGE = {
  'zh-CN': '一、不得将涉密文件拷贝到个人设备。\n二、离开座位须锁屏。',
  en: '1. Never copy classified files to personal devices.\n2. Lock the screen when you leave.',
};

let d: AgentDirs;
let seeded: SeedResult;
let running: SeatAgent | undefined;
let admin: AgentConnection;
let token = '';
let server: RendererServer | undefined;
let browser: Browser;
const opened: Watched[] = [];

beforeAll(async () => {
  if (skip) return;
  d = agentDirs();
  const pledge = `pledge:\n  zh-CN: ${JSON.stringify(PLEDGE['zh-CN'])}\n  en: ${JSON.stringify(PLEDGE.en)}`;
  installSignedPolicy(d, policyYaml(1, pledge));
  seeded = await seedEvents(d.dataDir, N, { seatUser: SEAT });
  running = await startSeatAgent(d, { name: SEAT, uid: 4242 });
  admin = running.admin;
  token = running.token;
  server = await serveRenderer();
  browser = await launch();
}, 120_000);

afterAll(async () => {
  for (const w of opened) expect(w.problems, 'console errors or dialogs').toEqual([]);
  await browser?.close();
  await server?.close();
  await running?.stop();
});

/** Every event the agent answers for `filter` on admin.sock, newest first. */
async function agentSays(filter: EventFilter): Promise<BaomiEvent[]> {
  const out: BaomiEvent[] = [];
  for (let before: number | undefined; ; ) {
    const { events } = await admin.request('events.query', {
      filter: { ...filter, order: 'desc', limit: 10_000, ...(before ? { beforeSeq: before } : {}) },
    });
    if (events.length === 0) return out;
    out.push(...events);
    before = events.at(-1)!.seq;
  }
}

async function openPage(
  as: 'staff' | 'person',
  locale: 'zh-CN' | 'en-US',
  page = 'viewer.html',
): Promise<{ w: Watched; p: Page; bridge: AgentBridge }> {
  const w = await open(browser, locale);
  opened.push(w);
  const bridge = await installAgentBridge(w.page, {
    socketPath: `${d.socketDir}/${as === 'staff' ? 'admin' : 'agent'}.sock`,
    seatToken: as === 'person' ? token : null,
  });
  await w.page.goto(
    `${server!.base}/${page}${as === 'staff' && page === 'viewer.html' ? '#all' : ''}`,
  );
  return { w, p: w.page, bridge };
}

const complete = (p: Page) => p.locator('[data-testid="viewer-count"][data-complete="true"]');
const rows = (p: Page) => p.locator('[data-testid="viewer-table"] tbody tr');

describe.skipIf(skip)('tray log viewer against a real agent', () => {
  it('shows security staff all 100,000 events, scrolling to the oldest with few rows in the page', async () => {
    const { p, bridge } = await openPage('staff', 'en-US');
    await complete(p).waitFor({ timeout: 60_000 });
    // The first page is asked for once: before the page is built (viewer.tsx's head start),
    // and the load takes that answer instead of asking again.
    const firsts = bridge.calls.filter(
      (c) =>
        c.channel === 'baomi:events' &&
        (c.arg as EventFilter).beforeSeq === undefined &&
        // (following the log asks from after the newest row: not a first page)
        (c.arg as EventFilter).afterSeq === undefined &&
        (c.arg as EventFilter).order === 'desc',
    );
    expect(firsts).toHaveLength(1);
    const all = await agentSays({});
    expect(all.length).toBeGreaterThanOrEqual(N);
    await expect
      .poll(() => p.getByTestId('viewer-count').textContent())
      .toBe(`${all.length.toLocaleString('en')} events`);
    expect(await p.getByTestId('viewer-table').getAttribute('aria-rowcount')).toBe(
      String(all.length + 1),
    );
    expect(await rows(p).first().getAttribute('data-seq')).toBe(String(all[0]!.seq));
    expect(await p.getByTestId('viewer-scope').textContent()).toMatch(/security staff/);
    await screenshot(p, 'tray-viewer.staff.en');
    const box = p.getByTestId('viewer-scroll');
    for (const frac of [0.25, 0.5, 1]) {
      await box.evaluate((el, f) => el.scrollTo({ top: el.scrollHeight * f }), frac);
      await p.waitForTimeout(100);
      expect(await rows(p).count()).toBeLessThan(150);
    }
    await expect.poll(() => p.locator('tr[data-seq="1"]').count()).toBe(1);
  });

  it('shows the person their own events in plain Chinese, hostile names as text', async () => {
    const { p } = await openPage('person', 'zh-CN');
    await complete(p).waitFor({ timeout: 60_000 });
    const mine = (await agentSays({})).filter((e) => e.user === SEAT).length;
    expect(mine).toBeGreaterThanOrEqual(seeded.seatUserEvents);
    const own = mine.toLocaleString('zh-CN');
    await expect.poll(() => p.getByTestId('viewer-count').textContent()).toBe(`共 ${own} 条事件`);
    expect(await p.getByTestId('viewer-scope').textContent()).toBe('本机记录的与您有关的事件');
    const users = await p
      .locator('[data-testid="viewer-table"] tbody td:nth-child(6)')
      .allTextContents();
    expect(new Set(users)).toEqual(new Set([SEAT]));
    const what = await p.locator('[data-testid="viewer-table"] tbody td.what').allTextContents();
    for (const name of HOSTILE_NAMES)
      expect(
        what.some((t) => t.includes(name)),
        name,
      ).toBe(true);
    expect(
      await p
        .locator('[data-testid="viewer-table"] img, [data-testid="viewer-table"] script')
        .count(),
    ).toBe(0);
    // The agent's own check of its chain, in the person's words; the full walk is staff's.
    await expect.poll(() => p.getByTestId('viewer-chain').textContent()).toMatch(/完整/);
    expect(await p.getByRole('button', { name: '立即校验整个日志' }).count()).toBe(0);
    expect(await p.getByTestId('viewer-sync').textContent()).toBe(
      '未配置控制台：事件只保存在本机。',
    );
    await screenshot(p, 'tray-viewer.person.zh-CN');
  });

  it('filters, opens an event with the rule that fired, and exports what the agent answers', async () => {
    const { p } = await openPage('staff', 'en-US');
    await complete(p).waitFor({ timeout: 60_000 });
    await p.fill('input[name="type"]', 'usb.blocked');
    await p.selectOption('select[name="severity"]', 'medium');
    await p.click('button[type="submit"]');
    const expected = await agentSays({ types: ['usb.blocked'], minSeverity: 'medium' });
    expect(expected.length).toBeGreaterThan(0);
    await expect
      .poll(() => p.locator('[data-testid="viewer-count"][data-complete="true"]').textContent(), {
        timeout: 30_000,
      })
      .toBe(`${expected.length.toLocaleString('en')} events`);
    const types = await p
      .locator('[data-testid="viewer-table"] tbody td:nth-child(3)')
      .allTextContents();
    expect(new Set(types)).toEqual(new Set(['usb.blocked']));

    await rows(p).first().locator('button').click();
    const detail = p.getByTestId('viewer-detail');
    await expect
      .poll(() => detail.getByRole('heading', { level: 2 }).textContent())
      .toBe(`Event ${expected[0]!.seq}`);
    expect(await p.getByTestId('detail-what').textContent()).toMatch(
      /^A USB storage device was blocked: /,
    );
    expect(await p.getByTestId('detail-rule').textContent()).not.toBe(
      'No rule: recorded as it happened.',
    );
    expect(JSON.parse((await p.getByTestId('detail-raw').textContent())!)).toEqual(
      expected[0]!.data,
    );
    await screenshot(p, 'tray-viewer.detail.en');
    await p.keyboard.press('Escape');
    expect(await detail.count()).toBe(0);

    const [csv] = await Promise.all([p.waitForEvent('download'), p.click('text=Export CSV')]);
    expect(csv.suggestedFilename()).toMatch(/^baomi-events-.*\.csv$/);
    const reader = new CsvReader();
    const text = readFileSync((await csv.path())!, 'utf8').replace(/^\ufeff/, '');
    const records = [...reader.push(text), ...reader.end()];
    const [head, ...body] = records;
    expect(head!.slice(0, 3)).toEqual(['seq', 'id', 'ts']);
    expect(body.map((r) => Number(r[0]))).toEqual(expected.map((e) => e.seq));
    const dataAt = head!.indexOf('data');
    expect(body.map((r) => JSON.parse(decodeCsvCell(r[dataAt]!)!))).toEqual(
      expected.map((e) => e.data),
    );
    await expect
      .poll(() => p.getByTestId('export-state').textContent())
      .toMatch(
        new RegExp(`^${expected.length.toLocaleString('en')} events saved as baomi-events-`),
      );

    const [json] = await Promise.all([p.waitForEvent('download'), p.click('text=Export JSON')]);
    const lines = readFileSync((await json.path())!, 'utf8')
      .trimEnd()
      .split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual(expected);
  });

  it('switches language, tells the tray, and keeps the choice for the next window', async () => {
    const { p, bridge } = await openPage('staff', 'en-US');
    await complete(p).waitFor({ timeout: 60_000 });
    await p.getByRole('button', { name: '中文' }).click();
    await expect.poll(() => p.locator('h1').textContent()).toBe('保密 事件日志');
    expect(await p.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(bridge.languages).toEqual(['zh-CN']);
    await screenshot(p, 'tray-viewer.staff.zh-CN');
    await p.reload();
    await expect.poll(() => p.locator('h1').textContent()).toBe('保密 事件日志');
    // Staff run the full walk on admin.sock.
    await p.getByRole('button', { name: '立即校验整个日志' }).click();
    await expect
      .poll(() => p.getByTestId('viewer-verify').textContent(), { timeout: 60_000 })
      .toMatch(/^日志完整：已校验 /);
  });

  it('shows the pledge and the monitoring notice, and the agent records the confirmation', async () => {
    const { p } = await openPage('person', 'en-US', 'pledge.html');
    await expect.poll(() => p.getByTestId('pledge-text-en').textContent()).toBe(PLEDGE.en);
    expect(await p.getByTestId('pledge-text-zh-CN').textContent()).toBe(PLEDGE['zh-CN']);
    expect(await p.getByTestId('pledge-recorded').textContent()).toMatch(/never its contents/);
    await screenshot(p, 'tray-pledge.en');
    await p.getByRole('button', { name: 'I have read these rules and will keep them' }).click();
    await expect
      .poll(() => p.getByTestId('pledge-state').textContent())
      .toBe('Confirmed. Thank you; this window can be closed.');
    const ack = await waitFor('policy.acknowledged', () =>
      readEvents(d.dataDir).find((e) => e.type === 'policy.acknowledged'),
    );
    expect(ack).toMatchObject({ user: SEAT, data: { version: 1 } });
    await p.reload();
    await expect
      .poll(() => p.getByTestId('pledge-state').textContent())
      .toBe('You have already confirmed this text.');
    const zh = await openPage('person', 'zh-CN', 'pledge.html');
    await expect
      .poll(() => zh.p.getByTestId('pledge-state').textContent())
      .toBe('您已确认过此文本。');
    await screenshot(zh.p, 'tray-pledge.zh-CN');
  });

  it('follows the log: what the agent records while it is open appears, the rows being read stay in view', async () => {
    const { p } = await openPage('staff', 'en-US');
    await complete(p).waitFor({ timeout: 60_000 });
    const before = (await agentSays({})).length;
    // Someone reading further down the table.
    const box = p.getByTestId('viewer-scroll');
    await box.evaluate((el) => el.scrollTo({ top: 6000 }));
    await p.waitForTimeout(200);
    /** The seq of the row under a point near the top of the scroll box, below its header. */
    const rowInView = () =>
      p.evaluate(`(() => {
        const r = document.querySelector('[data-testid="viewer-scroll"]').getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + 30, r.top + 80);
        return hit?.closest('tr')?.getAttribute('data-seq') ?? null;
      })()`);
    const reading = await rowInView();
    expect(reading).not.toBeNull();
    // The agent records a new policy while the window is open.
    const pledge = `pledge:\n  zh-CN: ${JSON.stringify(PLEDGE['zh-CN'])}\n  en: ${JSON.stringify(PLEDGE.en)}`;
    installSignedPolicy(d, policyYaml(2, pledge));
    let applied: BaomiEvent | undefined;
    await expect
      .poll(
        async () => {
          const { events } = await admin.request('events.query', {
            filter: { types: ['policy.applied'], order: 'desc', limit: 1 },
          });
          applied = events[0];
          return applied?.data.version;
        },
        { timeout: 30_000 },
      )
      .toBe(2);
    const after = (await agentSays({})).length;
    expect(after).toBeGreaterThan(before);
    await expect
      .poll(() => p.getByTestId('viewer-count').textContent(), { timeout: 30_000 })
      .toBe(`${after.toLocaleString('en')} events`);
    expect(await rowInView()).toBe(reading);
    await box.evaluate((el) => el.scrollTo({ top: 0 }));
    await expect.poll(() => p.locator(`tr[data-seq="${applied!.seq}"]`).count()).toBe(1);
    expect(await rows(p).first().getAttribute('data-seq')).toBe(
      String((await agentSays({}))[0]!.seq),
    );
  });
});
