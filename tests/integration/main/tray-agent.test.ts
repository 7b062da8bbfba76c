// The tray's main process (fake electron) against the agent's real socket server on a real unix
// socket: the icon goes from protected to "agent not running" when the agent stops and back
// when it restarts, and notices pushed after the restart still become notifications.
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestHandler } from '../../../src/agent/module.js';
import type { StatusResult } from '../../../src/core/protocol/messages.js';
import { connectAgent } from '../../../src/ipc/index.js';
import { stderrLog } from '../../../src/main/log.js';
import { startOverlays } from '../../../src/main/overlay.js';
import { type RunningTray, startTray } from '../../../src/main/tray.js';
import { FakeTray, fakeElectron } from '../../helpers/fake-electron.js';
import { MemoryLog, serveLog, socketDir, until } from '../ipc/helpers.js';

const STATUS: StatusResult = {
  running: true,
  policy: { name: 'HQ', version: 2 },
  folders: 0,
  watched: [],
  events: { stored: 0, unsynced: 0 },
  seatUser: { name: 'wang.wu', source: 'logind' },
  seatSource: 'logind',
  idleSource: 'tray',
  usb: { enforcing: true },
};

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('tray ↔ agent socket', () => {
  it('follows the agent going away and coming back, notices included', async () => {
    const p = socketDir();
    const log = new MemoryLog();
    log.append(5);
    const handler: RequestHandler = (req, asker) =>
      req.type === 'status' ? STATUS : log.handler(req, asker);
    let servers = await serveLog(p, log, {}, handler);
    cleanup.push(() => servers.close());
    const fe = fakeElectron();
    const tray: RunningTray = await startTray({
      electron: fe.module,
      connect: (onState) =>
        connectAgent(p.admin, { reconnect: { minMs: 20, maxMs: 100 }, onState }),
      lang: 'en',
      icons: {
        protected: 'ok.png',
        'policy-problem': 'problem.png',
        'sync-waiting': 'waiting.png',
        'agent-down': 'down.png',
      },
      overlays: startOverlays(
        fe.module,
        'baomi://app/overlay.html',
        Date.now,
        stderrLog(() => {}),
      ),
      host: 'ws-1',
      log: stderrLog(() => {}),
      openWindow: () => {},
    });
    cleanup.push(() => tray.stop());
    const icon = () => FakeTray.all[0]!.image;
    await until('protected', () => icon() === 'ok.png');

    const blocked = {
      code: 'usb.notice.blocked',
      params: { count: 1, devices: ['SanDisk Cruzer'], more: 0, rule: { by: 'storage' } },
    };
    // The subscription is ready when a notice arrives: retry the push until one shows.
    await until('first notice', () => {
      log.notice(blocked);
      return fe.notifications.length > 0;
    });
    expect(fe.notifications[0]!.body).toContain('SanDisk Cruzer');

    await servers.close();
    await until('agent down', () => icon() === 'down.png');
    expect(FakeTray.all[0]!.tip).toMatch(/not running/);

    servers = await serveLog(p, log, {}, handler);
    await until('protected again', () => icon() === 'ok.png');
    const before = fe.notifications.length;
    await until('notice after restart', () => {
      log.notice({ ...blocked, params: { ...blocked.params, devices: ['Kingston'] } });
      return fe.notifications.length > before;
    });
    expect(fe.notifications.at(-1)!.body).toContain('Kingston');
  });
});
