// The tray's status window (issue 14 §1: status, request an exception, redeem a token) in
// Debian's Chromium, built as the tray loads it (dist/renderer/status.html), with window.baomi
// forwarded through the tray's own IPC guard to a real agent that enforces on a fabricated sysfs
// (its small fake kernel authorizes what the agent writes), as the person at the computer
// (agent.sock with their seat token). A stick whose product name is hostile markup is blocked;
// the window shows the state and lists the stick as text; a request without a reason is refused
// before it is sent; a request is recorded by the agent as the person's; text that is no token is
// refused in the page, a forged token by the agent (which records it); the token IT issues opens
// the stick. Screenshots in zh-CN and English kept as artefacts (test-artifacts/screenshots).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAgent } from '../../../src/agent/agent.js';
import { FakeSession } from '../../../src/platform/fake/index.js';
import { createPlatform } from '../../../src/platform/index.js';
import {
  type AgentDirs,
  agentDirs,
  installSignedPolicy,
  issueToken,
  policyYaml,
  readEvents,
  trustExceptionKey,
  waitFor,
} from '../../helpers/agent.js';
import {
  axe,
  chromiumUnavailableReason,
  launch,
  open,
  screenshot,
  type Watched,
} from '../../helpers/browser.js';
import { FakeSysfs } from '../../helpers/fake-sysfs.js';
import { type RendererServer, serveRenderer } from '../../helpers/renderer-server.js';
import { QEMU_STICK } from '../../helpers/usb-descriptors.js';
import { type AgentBridge, installAgentBridge } from '../../helpers/viewer-bridge.js';

const skip =
  chromiumUnavailableReason() ??
  (existsSync(join(process.cwd(), 'dist/renderer/status.html')) ? null : 'needs npm run build');
const DIST_AGENT = '../../../dist/agent/agent.js';
const SEAT = { name: 'zhang.san', uid: 4243 };
const HOSTILE_PRODUCT = '<img src=x onerror=alert(1)>';
const SERIAL = 'STATUS-0001';
const DEVICE = `46f4:0001:${SERIAL}`;

let d: AgentDirs;
let sysfs: FakeSysfs;
let agent: RunningAgent | undefined;
let keys = '';
let token = '';
let server: RendererServer | undefined;
let browser: Browser;
const opened: Watched[] = [];

beforeAll(async () => {
  if (skip) return;
  const { startAgent } = (await import(DIST_AGENT)) as typeof import('../../../src/agent/agent.js');
  d = agentDirs();
  sysfs = new FakeSysfs();
  sysfs.rootHub(1);
  sysfs.plug('1-1', { descriptors: QEMU_STICK, product: HOSTILE_PRODUCT, serial: SERIAL });
  await sysfs.startKernel();
  installSignedPolicy(d, policyYaml(1, 'usb: { storage: block }'));
  keys = trustExceptionKey(d.trustDir);
  agent = await startAgent({
    policyFile: d.policyFile,
    dataDir: d.dataDir,
    trustDir: d.trustDir,
    sockets: { agent: join(d.socketDir, 'agent.sock'), admin: join(d.socketDir, 'admin.sock') },
    trustDemo: false,
    lang: 'en',
    enforce: true,
    platform: {
      ...createPlatform({ sysfsRoot: sysfs.sys }),
      session: new FakeSession({ name: SEAT.name, uid: SEAT.uid, source: 'fake' }),
    },
    logFile: join(d.root, 'agent.log'),
    seatTokenDir: () => join(d.root, 'baomi'),
  });
  await waitFor('the stick blocked', () =>
    readEvents(d.dataDir).find((e) => e.type === 'usb.blocked' && e.user === SEAT.name),
  );
  const file = join(d.root, 'baomi', 'seat.token');
  await waitFor('seat token', () => existsSync(file));
  token = readFileSync(file, 'utf8').trim();
  server = await serveRenderer();
  browser = await launch();
}, 120_000);

afterAll(async () => {
  for (const w of opened) expect(w.problems, 'console errors or dialogs').toEqual([]);
  await browser?.close();
  await server?.close();
  await agent?.stop('test');
  await sysfs?.close();
  for (const dir of [d?.root, keys]) if (dir) rmSync(dir, { recursive: true, force: true });
});

async function openStatus(
  locale: 'zh-CN' | 'en-US',
  part = '',
): Promise<{ p: Page; bridge: AgentBridge }> {
  const w = await open(browser, locale);
  opened.push(w);
  const bridge = await installAgentBridge(w.page, {
    socketPath: join(d.socketDir, 'agent.sock'),
    seatToken: token,
  });
  await w.page.goto(`${server!.base}/status.html${part}`);
  return { p: w.page, bridge };
}

const issue = () => issueToken(keys, DEVICE, SEAT.name);

describe.skipIf(skip)('tray status window against a real agent', () => {
  it('shows the state and what stands behind it, in English and Chinese', async () => {
    const { p } = await openStatus('en-US');
    // The agent enforces USB and watches no folder: protected (or, while the console is
    // unset, nothing else to say).
    await expect.poll(() => p.getByTestId('status-state').textContent()).toMatch(/protected/);
    expect(await p.getByTestId('status-policy').textContent()).toMatch(/version 1/);
    expect(await p.getByTestId('status-usb').textContent()).toBe('Blocked unless approved');
    expect(await p.getByTestId('status-user').textContent()).toBe(SEAT.name);
    expect(await p.getByTestId('status-sync').textContent()).toMatch(/No console/);
    expect(await axe(p)).toEqual([]);
    await screenshot(p, 'tray-status.en');
    const zh = await openStatus('zh-CN');
    await expect.poll(() => zh.p.getByTestId('status-state').textContent()).toMatch(/本机受保护/);
    expect(await zh.p.getByTestId('status-usb').textContent()).toBe('未经批准一律拦截');
    await screenshot(zh.p, 'tray-status.zh-CN');
  });

  it('lists the blocked stick as text and refuses a request without a reason before sending', async () => {
    const { p, bridge } = await openStatus('en-US', '#request');
    const stick = p.locator('[data-testid="request-form"] label.choice').first();
    await expect.poll(() => stick.textContent()).toContain(`${HOSTILE_PRODUCT} (46f4:0001)`);
    expect(await p.locator('[data-testid="request-form"] img').count()).toBe(0);
    expect(await stick.locator('input').isChecked()).toBe(true);
    // The tray opened it at the form: the reason box has the cursor.
    await expect
      .poll(() => p.evaluate('document.activeElement?.getAttribute("name")'))
      .toBe('reason');
    await p.getByRole('button', { name: 'Send the request' }).click();
    expect(await p.getByTestId('request-error').textContent()).toMatch(/plain text/);
    expect(bridge.calls.filter((c) => c.channel === 'baomi:exception-request')).toEqual([]);
  });

  it('sends a request the agent records as the person’s, keeping nothing typed once recorded', async () => {
    const { p } = await openStatus('zh-CN', '#request');
    const reason = '给审计部门拷贝报表 <b>urgent</b>';
    await p.locator('textarea[name="reason"]').fill(reason);
    await p.getByRole('button', { name: '提交申请' }).click();
    await expect
      .poll(() => p.getByTestId('request-sent').textContent())
      .toMatch(/已为 .* 记录申请/);
    expect(await p.getByTestId('request-sent').textContent()).toMatch(/未配置控制台/);
    const recorded = readEvents(d.dataDir).filter((e) => e.type === 'usb.exception-requested');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.user).toBe(SEAT.name);
    expect(recorded[0]!.data).toMatchObject({ reason });
    // The hash of the stick, as the agent compares it: the page named it so.
    expect(await p.getByTestId('request-sent').textContent()).toContain(
      String(recorded[0]!.data.device),
    );
    expect(await axe(p)).toEqual([]);
    await screenshot(p, 'tray-status.request.zh-CN');
  });

  it('moves between its forms as the tray does (an in-page move), keeping what was typed', async () => {
    const { p } = await openStatus('en-US', '#request');
    await p.locator('textarea[name="reason"]').fill('half-typed reason');
    await p.evaluate('location.hash = "#redeem"');
    await expect
      .poll(() => p.evaluate('document.activeElement?.getAttribute("name")'))
      .toBe('token');
    await p.locator('textarea[name="token"]').fill('BMX1.half');
    await p.evaluate('location.hash = "#request"');
    await expect
      .poll(() => p.evaluate('document.activeElement?.getAttribute("name")'))
      .toBe('reason');
    expect(await p.locator('textarea[name="reason"]').inputValue()).toBe('half-typed reason');
    expect(await p.locator('textarea[name="token"]').inputValue()).toBe('BMX1.half');
  });

  it('redeems: no token refused in the page, a forged one by the agent, the issued one opens the stick', async () => {
    const { p, bridge } = await openStatus('en-US', '#redeem');
    const box = p.locator('textarea[name="token"]');
    await expect
      .poll(() => p.evaluate('document.activeElement?.getAttribute("name")'))
      .toBe('token');
    await box.fill('hello');
    await p.getByRole('button', { name: 'Redeem' }).click();
    await expect
      .poll(() => p.getByTestId('redeem-error').textContent())
      .toMatch(/^This is not a whole exception token/);
    expect(bridge.calls.filter((c) => c.channel === 'baomi:exception-redeem')).toEqual([]);

    const real = issue();
    const [head, payload, sig] = real.split('.');
    const forged = `${head}.${payload}.${sig!.slice(0, -4)}AAAA`;
    await box.fill(forged);
    await p.getByRole('button', { name: 'Redeem' }).click();
    await expect
      .poll(() => p.getByTestId('redeem-error').textContent())
      .toMatch(/^Not done: The exception token was changed after it was signed/);
    expect(await box.inputValue()).toBe(forged); // kept, to be looked at again
    // The refusal on screen is reworded by the language switch, not left in the old language.
    await p.getByRole('button', { name: '中文' }).click();
    await expect.poll(() => p.getByTestId('redeem-error').textContent()).toMatch(/^未完成：/);
    await p.getByRole('button', { name: 'English' }).click();
    await waitFor('the refusal recorded', () =>
      readEvents(d.dataDir).find((e) => e.type === 'usb.exception-refused'),
    );
    expect(sysfs.attr('1-1', 'authorized')).toBe('0');

    // As e-mail delivers it: wrapped, with spaces.
    await box.fill(`${real.slice(0, 60)}\n  ${real.slice(60)}\n`);
    await p.getByRole('button', { name: 'Redeem' }).click();
    await expect
      .poll(() => p.getByTestId('redeem-done').textContent())
      .toMatch(/Exception granted for .* until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    await waitFor('the stick opened', () => sysfs.attr('1-1', 'authorized') === '1');
    expect(await box.inputValue()).toBe('');
    expect(await axe(p)).toEqual([]);
    await screenshot(p, 'tray-status.redeem.en');
  });
});
