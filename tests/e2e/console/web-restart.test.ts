// Issue 13, "Bad input": the console restarting under an open page. Stopped, the page says so in
// the person's language (not a blank page) and keeps what was typed; started again on the same
// port over the same data, the same action works with the same session, and the message goes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chromiumUnavailableReason,
  launch,
  open,
  screenshot,
  type Watched,
} from '../../helpers/browser.js';
import {
  addStaff,
  type ConsoleProcess,
  killConsole,
  StaffApi,
  startConsole,
} from '../../helpers/console-process.js';
import { makeTls, type TlsFiles } from '../../helpers/fake-console.js';
import { SimAgent } from '../../helpers/sim-agent.js';

const why = chromiumUnavailableReason();
const PASSWORD = 'web restart password';

describe.skipIf(why !== null)(
  `the web UI while the console restarts${why ? ` (skipped: ${why})` : ''}`,
  () => {
    let root: string;
    let tls: TlsFiles;
    let dataDir: string;
    let c: ConsoleProcess;
    let browser: Browser;
    let w: Watched;

    beforeAll(async () => {
      root = mkdtempSync(join(tmpdir(), 'baomi-web-restart-'));
      tls = makeTls(root);
      dataDir = join(root, 'console');
      const r = await addStaff({ dataDir }, 'ada', 'admin', PASSWORD);
      expect(r.code, r.stderr).toBe(0);
      c = await startConsole({ dataDir, tls, port: 0, syncInterval: '5s' });
      const admin = await StaffApi.login(() => c.url, tls.certPem, 'ada', PASSWORD);
      const tok = await admin.ok<{ token: string }>('POST', '/api/v1/enrollment-tokens', {
        group: 'finance',
        uses: 1,
      });
      const agent = await SimAgent.enroll(c.url, tok.token, { ca: tls.certPem, host: 'ws-01' });
      await agent.sync(
        agent.next(
          [
            { type: 'file.created', user: 'li.si', data: { path: '/srv/机密/plan.docx' } },
            { type: 'usb.blocked', user: 'li.si', severity: 'high', data: { device: '1:2:3' } },
          ],
          Date.now() - 60_000,
        ),
      );
      browser = await launch();
    }, 60_000);

    afterAll(async () => {
      await w?.context.close().catch(() => {});
      await browser?.close();
      if (c) await killConsole(c, 'SIGTERM');
      if (root) rmSync(root, { recursive: true, force: true });
    }, 60_000);

    it('says the console is unreachable in Chinese, keeps the filter typed, and works again once it is back', async () => {
      w = await open(browser, 'zh-CN');
      const p = w.page;
      await p.goto(c.url);
      await p.locator('input[name=name]').fill('ada');
      await p.locator('input[name=password]').fill(PASSWORD);
      await p.locator('form button[type=submit]').click();
      await p.locator('header nav').waitFor();
      await p.goto(`${c.url}/#/events`);
      const table = p.getByTestId('events-table');
      await expect.poll(() => table.getAttribute('aria-rowcount')).toBe('3');

      // The console stops; the person filters.
      const port = c.port;
      await killConsole(c, 'SIGTERM');
      await p.locator('input[name=type]').fill('usb.*');
      await p.locator('form.filters button[type=submit]').click();
      const alert = p.locator('main p.error[role=alert]');
      await expect
        .poll(() => alert.textContent())
        .toBe('无法连接控制台。请检查网络；内容未丢失，请重试。');
      expect(await p.locator('input[name=type]').inputValue()).toBe('usb.*');
      expect(await p.locator('header nav').isVisible()).toBe(true);
      await screenshot(p, 'console-down.zh-CN');

      // Back on the same port over the same data: the same session, the same filter answered.
      c = await startConsole({ dataDir, tls, port, syncInterval: '5s' });
      await p.locator('form.filters button[type=submit]').click();
      await expect.poll(() => table.getAttribute('aria-rowcount'), { timeout: 15_000 }).toBe('2');
      expect(await table.locator('tbody tr td:nth-child(4)').allInnerTexts()).toEqual([
        'usb.blocked',
      ]);
      await expect.poll(() => alert.count()).toBe(0);
      expect(await p.locator('input[name=name]').count()).toBe(0); // not sent back to log in
      // What the browser logged: the failed requests while the console was down, nothing else.
      expect(w.problems.filter((m) => !/ERR_CONNECTION_REFUSED/.test(m))).toEqual([]);
    }, 90_000);
  },
);
