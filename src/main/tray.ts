// The tray (issue 14): an icon whose state and menu follow the agent's status, the agent's
// notices as desktop notifications, the session's idle time and lock state forwarded to the
// agent (which owns the reminder policy), and the watermark overlays. Electron and the agent
// connection are passed in, so tests drive it with a fake electron and a fake connection.
import type * as electron from 'electron';
import { createCoreTranslator } from '../core/i18n/catalogs.js';
import type { Translate } from '../core/i18n/translate.js';
import type { Lang } from '../core/i18n/types.js';
import type { StatusResult } from '../core/protocol/messages.js';
import type { AgentConnection, ConnectionState, SubscriptionFrame } from '../ipc/index.js';
import type { TrayLog } from './log.js';
import { type MenuAction, type MenuEntry, trayMenu } from './menu.js';
import { trayMessages } from './messages.js';
import { noticeText } from './notice-text.js';
import type { Overlays } from './overlay.js';
import { type TrayState, type TrayView, tooltip, trayView, viewText } from './tray-state.js';

type ElectronModule = typeof electron;

export type TrayWindow =
  | 'log'
  | 'status'
  | 'request-exception'
  | 'redeem-token'
  | 'what-is-recorded';

export interface TrayDeps {
  electron: ElectronModule;
  /** Opens the (reconnecting) connection; `onState` is told when it comes and goes. */
  connect(onState: (s: ConnectionState) => void): Promise<AgentConnection>;
  lang: Lang;
  /** An icon file per state. */
  icons: Record<TrayState, string>;
  overlays: Overlays;
  /** Who and where, for the watermark. */
  host: string;
  log: TrayLog;
  openWindow(w: TrayWindow): void;
  now?: () => number;
  /** How often status is asked while connected, ms (it has no push). Default 30 000. */
  pollMs?: number;
  /** How often idle time is reported, ms. Default 15 000. */
  idleMs?: number;
}

export interface RunningTray {
  readonly view: TrayView;
  readonly lang: Lang;
  refresh(): Promise<void>;
  stop(): void;
}

const WINDOW_OF: Partial<Record<MenuAction, TrayWindow>> = {
  'open-log': 'log',
  status: 'status',
  'request-exception': 'request-exception',
  'redeem-token': 'redeem-token',
  'what-is-recorded': 'what-is-recorded',
};

export async function startTray(d: TrayDeps): Promise<RunningTray> {
  const e = d.electron;
  const now = d.now ?? Date.now;
  let lang = d.lang;
  let t: Translate = createCoreTranslator(lang, [trayMessages]);
  let view: TrayView = trayView(null);
  let stopped = false;
  const tray = new e.Tray(d.icons['agent-down']);

  const render = () => {
    const lines = viewText(t, lang, view);
    tray.setImage(d.icons[view.state]);
    tray.setToolTip(tooltip(lines));
    tray.setContextMenu(e.Menu.buildFromTemplate(trayMenu(t, lang, view).map(toElectron)));
  };
  const toElectron = (m: MenuEntry): electron.MenuItemConstructorOptions => {
    if (m.kind === 'separator') return { type: 'separator' };
    if (m.kind === 'submenu') return { label: m.label, submenu: m.items.map(toElectron) };
    const action = m.action;
    return {
      label: m.label,
      enabled: m.enabled,
      ...(m.checked === undefined ? {} : { type: 'radio' as const, checked: m.checked }),
      click: () => onAction(action),
    };
  };
  const onAction = (a: MenuAction) => {
    if (a === 'quit') return e.app.quit();
    if (a === 'language-en' || a === 'language-zh-CN') {
      lang = a === 'language-en' ? 'en' : 'zh-CN';
      t = createCoreTranslator(lang, [trayMessages]);
      return render();
    }
    const w = WINDOW_OF[a];
    if (w) d.openWindow(w);
  };

  let conn: AgentConnection | null = null;
  let status: StatusResult | null = null;
  const refresh = async () => {
    status =
      conn?.state === 'connected' ? await conn.request('status', {}).catch(() => null) : null;
    if (stopped) return;
    const next = trayView(status);
    if (next.state !== view.state) d.log.info('tray state', { state: next.state });
    view = next;
    render();
    d.overlays.apply(status?.watermark, { user: status?.seatUser?.name ?? '', host: d.host });
  };

  // Notices (and events, which the log viewer reads) come on one subscription from the newest
  // event: the tray shows what happens from now on, not the history.
  const onFrame = (f: SubscriptionFrame) => {
    if (f.push !== 'notice') return;
    const { title, body } = noticeText(t, f.notice);
    if (e.Notification.isSupported()) new e.Notification({ title, body }).show();
    else d.log.warn('notifications unsupported here', { code: f.notice.code });
  };
  const subscribe = async (c: AgentConnection) => {
    const newest = await c.request('events.query', { filter: { order: 'desc', limit: 1 } });
    c.subscribe({ afterSeq: newest.events[0]?.seq ?? 0, window: 50 }, onFrame);
  };
  let subscribed = false;
  const onState = (s: ConnectionState) => {
    if (s === 'connected' && !subscribed && conn) {
      subscribed = true;
      subscribe(conn).catch((err: Error) => {
        subscribed = false;
        d.log.warn('subscribe failed', { error: err.message });
      });
    }
    void refresh();
  };

  // Idle time and lock state: the agent decides what to remind and when (DESIGN.md).
  let locked = false;
  const reportIdle = () => {
    if (conn?.state !== 'connected') return;
    const idleMs = e.powerMonitor.getSystemIdleTime() * 1000;
    conn.request('idle.report', { idleMs, locked, at: now() }).catch((err: Error) => {
      d.log.warn('idle report refused', { error: err.message });
    });
  };
  const onLock = () => {
    locked = true;
    reportIdle();
  };
  const onUnlock = () => {
    locked = false;
    reportIdle();
  };
  e.powerMonitor.on('lock-screen', onLock);
  e.powerMonitor.on('unlock-screen', onUnlock);

  render();
  // onState may be told before connect() returns (conn is still null then): told again here.
  const opened = await d.connect(onState);
  conn = opened;
  if (opened.state === 'connected') onState('connected');
  const poll = setInterval(() => void refresh(), d.pollMs ?? 30_000);
  const idle = setInterval(reportIdle, d.idleMs ?? 15_000);

  return {
    get view() {
      return view;
    },
    get lang() {
      return lang;
    },
    refresh,
    stop() {
      stopped = true;
      clearInterval(poll);
      clearInterval(idle);
      e.powerMonitor.off('lock-screen', onLock);
      e.powerMonitor.off('unlock-screen', onUnlock);
      d.overlays.close();
      opened.close();
      tray.destroy();
    },
  };
}
