// The tray's main process (issue 14) against a fake electron and a fake agent connection: the
// icon follows the agent's status, notices become notifications in the person's language, lock
// and idle reach the agent, the watermark covers each display, the menu cannot weaken anything.
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusResult } from '../../../src/core/protocol/messages.js';
import type { AgentConnection, ConnectionState, FrameHandler } from '../../../src/ipc/index.js';
import { stderrLog } from '../../../src/main/log.js';
import { startOverlays } from '../../../src/main/overlay.js';
import { type RunningTray, startTray, type TrayWindow } from '../../../src/main/tray.js';
import { FakeTray, FakeWindow, fakeElectron } from '../../helpers/fake-electron.js';

const status = (over: Partial<StatusResult> = {}): StatusResult => ({
  running: true,
  policy: { name: 'HQ', version: 3 },
  folders: 1,
  watched: [{ path: '/srv/secret', level: 'AA', state: 'watching' }],
  events: { stored: 10, unsynced: 0 },
  seatUser: { name: 'zhang.san', source: 'logind' },
  seatSource: 'logind',
  idleSource: 'tray',
  usb: { enforcing: true },
  ...over,
});

/** A connection whose answers and state the test sets. */
function fakeConnection() {
  const requests: { type: string; body: unknown }[] = [];
  let onState: (s: ConnectionState) => void = () => {};
  let frames: FrameHandler | null = null;
  const c = {
    socket: '/fake/agent.sock',
    state: 'connected' as ConnectionState,
    status: status(),
    pledge: { pledge: null, acknowledged: null } as {
      pledge: unknown;
      acknowledged: boolean | null;
    },
    closed: false,
    requests,
    async request(type: string, body: unknown) {
      requests.push({ type, body });
      if (c.state !== 'connected') throw new Error('SOCKET_CLOSED');
      if (type === 'status') return c.status;
      if (type === 'events.query') return { events: [{ seq: 41 }] };
      if (type === 'pledge.get') return c.pledge;
      return {};
    },
    /** How many of the next subscribes the agent refuses. */
    refuseSubscribes: 0,
    subscribe(opts: { afterSeq: number }, f: FrameHandler) {
      requests.push({ type: 'subscribe', body: opts });
      const refused = c.refuseSubscribes > 0;
      if (refused) c.refuseSubscribes -= 1;
      else frames = f;
      const ready = refused
        ? Promise.reject(Object.assign(new Error('refused'), { code: 'PROTOCOL_ADMIN_ONLY' }))
        : Promise.resolve();
      ready.catch(() => {});
      return { lastSeq: opts.afterSeq, active: true, ready, close: async () => {} } as never;
    },
    close() {
      c.closed = true;
    },
    setState(s: ConnectionState) {
      c.state = s;
      onState(s);
    },
    push(frame: Parameters<FrameHandler>[0]) {
      return frames?.(frame);
    },
    bind(l: (s: ConnectionState) => void) {
      onState = l;
    },
  };
  return c;
}

let running: RunningTray | null = null;

/** Waits for what the tray does after an answer (it asks about the pledge in the background). */
async function until(probe: () => boolean) {
  for (let i = 0; i < 200 && !probe(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(probe()).toBe(true);
}
afterEach(() => {
  running?.stop();
  running = null;
});

async function start(
  lang: 'en' | 'zh-CN' = 'en',
  setUp: (conn: ReturnType<typeof fakeConnection>) => void = () => {},
) {
  const fe = fakeElectron();
  const conn = fakeConnection();
  setUp(conn);
  const opened: TrayWindow[] = [];
  const logged: string[] = [];
  running = await startTray({
    electron: fe.module,
    connect: async (onState) => {
      conn.bind(onState);
      // As the real client does: told "connected" before connect() returns.
      onState(conn.state);
      return conn as unknown as AgentConnection;
    },
    lang,
    icons: {
      protected: 'ok.png',
      'policy-problem': 'problem.png',
      'sync-waiting': 'waiting.png',
      'agent-down': 'down.png',
    },
    overlays: startOverlays(
      fe.module,
      'baomi://app/overlay.html',
      () => Date.UTC(2026, 11, 2, 8),
      stderrLog((l) => logged.push(l)),
    ),
    host: 'ws-042',
    log: stderrLog((l) => logged.push(l)),
    openWindow: (w) => opened.push(w),
    pollMs: 60_000,
    idleMs: 60_000,
  });
  await running.refresh();
  const tray = FakeTray.all[0]!;
  return { fe, conn, tray, opened, logged };
}

describe('tray', () => {
  it('shows protected, then the agent gone, then back, with the menu following', async () => {
    const { conn, tray } = await start('en');
    expect(tray.image).toBe('ok.png');
    expect(tray.tip).toBe('Baomi: this computer is protected');
    expect(tray.labels()).toContain('Open the event log');

    conn.setState('disconnected');
    await running!.refresh();
    expect(tray.image).toBe('down.png');
    expect(tray.tip).toMatch(/agent is not running/);
    // With no agent, what needs one is off; status and "what is recorded" still open.
    expect(tray.labels()).toContain('Open the event log (off)');
    expect(tray.labels()).toContain('Request a USB exception… (off)');
    expect(tray.labels()).toContain('What is recorded about me');

    conn.status = status({ usb: { enforcing: false, reason: 'USB_NOT_ROOT' } });
    conn.setState('connected');
    await running!.refresh();
    expect(tray.image).toBe('problem.png');
    expect(tray.tip).toContain('USB storage is not being blocked');
  });

  it('names an unwatched classified folder and a failing console', async () => {
    const { conn, tray } = await start('zh-CN');
    conn.status = status({
      watched: [{ path: '/srv/绝密', level: '绝密', state: 'missing' }],
    });
    await running!.refresh();
    expect(tray.image).toBe('problem.png');
    expect(tray.tip).toBe('保密：策略有问题，请联系 IT\n有涉密文件夹未被监控：/srv/绝密');

    conn.status = status({
      sync: {
        console: 'https://console.example',
        eventsWaiting: 120,
        lastSuccess: Date.UTC(2026, 11, 1, 9),
        lastError: { code: 'SYNC_UNREACHABLE', params: {}, at: Date.UTC(2026, 11, 2, 7) },
      },
    });
    await running!.refresh();
    expect(tray.image).toBe('waiting.png');
    expect(tray.tip).toContain('120 条事件等待上报控制台');
    expect(tray.tip).toContain('2026');
  });

  it('subscribes from the newest event and shows notices in the chosen language', async () => {
    const { fe, conn, tray } = await start('en');
    expect(conn.requests).toContainEqual({ type: 'subscribe', body: { afterSeq: 41, window: 50 } });
    await conn.push({
      push: 'notice',
      notice: {
        code: 'usb.notice.blocked',
        params: { count: 1, devices: ['Kingston DataTraveler'], more: 0, rule: { by: 'storage' } },
      },
    });
    expect(fe.notifications).toHaveLength(1);
    expect(fe.notifications[0]!.body).toContain('Kingston DataTraveler');

    expect(tray.click('中文')).toBe(true);
    expect(running!.lang).toBe('zh-CN');
    expect(tray.tip).toBe('保密：本机受保护');
    await conn.push({
      push: 'notice',
      notice: { code: 'idle.notice.remind', params: { idleMs: 180_000 } },
    });
    expect(fe.notifications[1]!.title).toMatch(/[\u4e00-\u9fff]/);
    // A notice this tray does not know still shows, and says so.
    await conn.push({ push: 'notice', notice: { code: 'future.notice<b>', params: {} } });
    expect(fe.notifications[2]!.body).toContain('future.noticeb');
    // Events are the viewer's: no notification for them.
    await conn.push({ push: 'event', event: { seq: 42 } as never });
    expect(fe.notifications).toHaveLength(3);
  });

  it('subscribes once when told "connected" before connect() returns', async () => {
    const { conn } = await start();
    expect(conn.requests.filter((r) => r.type === 'subscribe')).toHaveLength(1);
  });

  it('logs a refused subscription and tries again until the agent takes it', async () => {
    const { fe, conn, logged } = await start('en', (c) => {
      c.refuseSubscribes = 1;
    });
    expect(
      logged.some((l) => l.includes('subscribe failed') && l.includes('PROTOCOL_ADMIN_ONLY')),
    ).toBe(true);
    // The retry comes after a second (then two, four… up to 30).
    await new Promise((r) => setTimeout(r, 1300));
    expect(conn.requests.filter((r) => r.type === 'subscribe')).toHaveLength(2);
    await conn.push({ push: 'notice', notice: { code: 'idle.notice.locked', params: {} } });
    expect(fe.notifications).toHaveLength(1);
  });

  it('opens the pledge window when this person has not confirmed the text in force, once a version', async () => {
    const { conn, opened, logged } = await start('en', (c) => {
      c.pledge = {
        pledge: { en: 'I will', 'zh-CN': '我承诺', sha256: 'a'.repeat(64), version: 3 },
        acknowledged: null,
      };
    });
    // The agent cannot say whose answer it would be yet (no seat token): logged, asked again.
    await until(() => logged.some((l) => l.includes('pledge not settled')));
    expect(opened).toEqual([]);
    conn.pledge = { ...conn.pledge, acknowledged: false };
    await running!.refresh();
    await until(() => opened.length > 0);
    expect(opened).toEqual(['pledge']);
    const asked = () => conn.requests.filter((r) => r.type === 'pledge.get').length;
    const settled = asked();
    await running!.refresh(); // the same version, settled: not asked again
    await new Promise((r) => setTimeout(r, 20));
    expect(asked()).toBe(settled);
    conn.pledge = { ...conn.pledge, acknowledged: true };
    conn.status = status({ policy: { name: 'HQ', version: 4 } });
    await running!.refresh(); // a new version, already confirmed: asked, no window
    await until(() => asked() === settled + 1);
    expect(opened).toEqual(['pledge']);
  });

  it('forwards lock, unlock and idle time to the agent', async () => {
    const { fe, conn } = await start();
    fe.powerMonitor.idleSeconds = 95;
    fe.powerMonitor.emit('lock-screen');
    fe.powerMonitor.emit('unlock-screen');
    const reports = conn.requests.filter((r) => r.type === 'idle.report');
    expect(reports.map((r) => r.body)).toMatchObject([
      { idleMs: 95_000, locked: true },
      { idleMs: 95_000, locked: false },
    ]);
  });

  it('opens windows and quits only itself from the menu; nothing there asks the agent', async () => {
    const { fe, conn, tray, opened } = await start();
    const before = conn.requests.length;
    for (const label of ['Open the event log', 'Status', 'What is recorded about me'])
      expect(tray.click(label)).toBe(true);
    expect(opened).toEqual(['log', 'status', 'what-is-recorded']);
    expect(tray.click('Quit the tray (protection keeps running)')).toBe(true);
    expect(fe.app.quits).toBe(1);
    expect(conn.requests.length).toBe(before);
  });

  it('covers each display with a click-through watermark that follows the displays', async () => {
    const { fe, conn } = await start();
    expect(FakeWindow.all).toHaveLength(0); // the policy names no watermark
    conn.status = status({
      watermark: { enabled: true, text: '{user}@{host} {date}', opacity: 0.1 },
    });
    await running!.refresh();
    expect(FakeWindow.all).toHaveLength(1);
    const w = FakeWindow.all[0]!;
    expect(w.options).toMatchObject({ focusable: false, transparent: true, frame: false });
    expect(w.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true });
    expect(w.ignoreMouse).toBe(true);
    expect(w.onTop).toBe('screen-saver');
    expect(w.shownInactive).toBe(true);
    const hash = new URLSearchParams(new URL(w.urls[0]!).hash.slice(1));
    expect(hash.get('text')).toBe('zhang.san@ws-042 2026-12-02');
    expect(hash.get('opacity')).toBe('0.1');

    fe.screen.displays.push({ id: 2, bounds: { x: 1920, y: 0, width: 1280, height: 1024 } });
    fe.screen.emit('display-added');
    expect(FakeWindow.all).toHaveLength(2);
    expect(FakeWindow.all[1]!.bounds).toEqual({ x: 1920, y: 0, width: 1280, height: 1024 });
    fe.screen.displays[0]!.bounds = { x: 0, y: 0, width: 2560, height: 1440 };
    fe.screen.emit('display-metrics-changed');
    expect(w.bounds.width).toBe(2560);
    fe.screen.displays.pop();
    fe.screen.emit('display-removed');
    expect(FakeWindow.all[1]!.destroyed).toBe(true);

    // While the policy draws it, quitting the tray (which would lift it) is off.
    expect(FakeTray.all[0]!.labels()).toContain(
      'Quit (not while the policy shows a watermark) (off)',
    );
    // The agent gone or a status request failing does not lift it either (fail closed).
    conn.setState('disconnected');
    await running!.refresh();
    expect(FakeTray.all[0]!.image).toBe('down.png');
    expect(w.destroyed).toBe(false);
    conn.setState('connected');

    conn.status = status({ watermark: { enabled: false, text: '{user}', opacity: 0.1 } });
    await running!.refresh();
    expect(w.destroyed).toBe(true);
  });
});
