// The tray (issue 14): an icon whose state and menu follow the agent's status, the agent's
// notices as desktop notifications, the session's idle time and lock state forwarded to the
// agent (which owns the reminder policy), and the watermark overlays. Electron and the agent
// connection are passed in, so tests drive it with a fake electron and a fake connection.
import type * as electron from 'electron';
import { createCoreTranslator } from '../core/i18n/catalogs.js';
import type { Translate } from '../core/i18n/translate.js';
import type { Lang } from '../core/i18n/types.js';
import type { StatusResult } from '../core/protocol/messages.js';
import type {
  AgentConnection,
  ClientSubscription,
  ConnectionState,
  SubscriptionFrame,
} from '../ipc/index.js';
import type { TrayLog } from './log.js';
import { type MenuAction, type MenuEntry, trayMenu } from './menu.js';
import { trayMessages } from './messages.js';
import { noticeText } from './notice-text.js';
import type { Overlays } from './overlay.js';
import { type TrayState, type TrayView, tooltip, trayView, viewText } from './tray-state.js';

type ElectronModule = typeof electron;

export type TrayWindow =
  | 'log'
  /** The log's staff view (every event, admin.sock): opened for 'log' when admin.sock answers. */
  | 'log-all'
  | 'status'
  | 'request-exception'
  | 'redeem-token'
  | 'what-is-recorded'
  | 'pledge';

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
  /** The agent connection once connect() has given it (the windows' requests go through it). */
  readonly connection: AgentConnection | null;
  setLanguage(lang: Lang): void;
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
    tray.setContextMenu(
      e.Menu.buildFromTemplate(
        trayMenu(t, lang, view, { watermark: watermark?.enabled === true }).map(toElectron),
      ),
    );
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
  const setLanguage = (l: Lang) => {
    lang = l;
    t = createCoreTranslator(lang, [trayMessages]);
    render();
  };
  const onAction = (a: MenuAction) => {
    if (a === 'quit') return e.app.quit();
    if (a === 'language-en' || a === 'language-zh-CN')
      return setLanguage(a === 'language-en' ? 'en' : 'zh-CN');
    const w = WINDOW_OF[a];
    if (w) d.openWindow(w);
  };

  let conn: AgentConnection | null = null;
  let status: StatusResult | null = null;
  // The watermark and the person last named by the agent: kept while it cannot be asked (it
  // restarts, a request times out), so a lost answer never lifts the watermark (fail closed).
  let watermark: StatusResult['watermark'] = null;
  let seatUser = '';
  let lastProblem = '';
  const refresh = async () => {
    let problem = '';
    if (conn?.state === 'connected') {
      status = await conn.request('status', {}).catch((err: Error & { code?: string }) => {
        problem = err.code ?? err.message;
        return null;
      });
    } else {
      status = null;
      problem = 'disconnected';
    }
    if (stopped) return;
    // Why the agent cannot be asked, once per change (a denied socket is not "not running").
    if (problem !== lastProblem && problem)
      d.log.warn('agent status unavailable', { error: problem });
    lastProblem = problem;
    if (status) {
      watermark = status.watermark ?? null;
      seatUser = status.seatUser?.name ?? '';
    }
    const next = trayView(status);
    if (next.state !== view.state) d.log.info('tray state', { state: next.state });
    view = next;
    render();
    d.overlays.apply(watermark, { user: seatUser, host: d.host });
    // After the icon and the watermark: a slow answer about the pledge must not delay them.
    if (status) void askPledge(status.policy?.version ?? null);
  };

  // The confidentiality pledge (DESIGN.md "Pledge"): asked whenever a policy version comes into
  // force (the agent says whether this person confirmed this very text); the window opens
  // when they have not. Settled once per version by a clear answer, so a person who closes it
  // is asked again at the next policy or the next tray start, not every poll; an answer that
  // cannot say (no seat token yet: acknowledged null) or a failure is asked again next poll.
  let pledgeSettledFor: number | null = null;
  let pledgeAsking = false;
  let pledgeProblem = '';
  const askPledge = async (version: number | null) => {
    if (version === null || version === pledgeSettledFor || pledgeAsking) return;
    if (conn?.state !== 'connected') return;
    pledgeAsking = true;
    let problem = '';
    try {
      const p = await conn.request('pledge.get', {});
      if (!p.pledge || p.acknowledged !== null) pledgeSettledFor = version;
      else problem = 'PLEDGE_NO_SEAT_USER';
      if (p.pledge && p.acknowledged === false && !stopped) d.openWindow('pledge');
    } catch (err) {
      const code = (err as { code?: string }).code ?? String(err);
      // An older agent does not know the request: it has no pledge to ask about.
      if (code === 'PROTOCOL_UNKNOWN_TYPE') pledgeSettledFor = version;
      problem = code;
    } finally {
      pledgeAsking = false;
    }
    if (problem && problem !== pledgeProblem) d.log.warn('pledge not settled', { error: problem });
    pledgeProblem = problem;
  };

  // Notices (and events, which the log viewer reads) come on one subscription from the newest
  // event: the tray shows what happens from now on, not the history.
  const onFrame = (f: SubscriptionFrame) => {
    if (f.push !== 'notice') return;
    const { title, body } = noticeText(t, f.notice);
    if (e.Notification.isSupported()) new e.Notification({ title, body }).show();
    else d.log.warn('notifications unsupported here', { code: f.notice.code });
  };
  // One subscription, resumed by the connection across agent restarts; one refused or lost for
  // another reason is logged and tried again with backoff (1 s doubling to 30 s), never dropped.
  let subscription: ClientSubscription | null = null;
  let subscribing = false;
  let retry: NodeJS.Timeout | null = null;
  let retryMs = 1000;
  const retrySubscribe = () => {
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = null;
      void subscribe();
    }, retryMs);
    retry.unref?.();
    retryMs = Math.min(retryMs * 2, 30_000);
  };
  const subscribe = async () => {
    if (stopped || subscribing || subscription || conn?.state !== 'connected') return;
    subscribing = true;
    const c = conn;
    let sub: ClientSubscription | null = null;
    try {
      const newest = await c.request('events.query', { filter: { order: 'desc', limit: 1 } });
      sub = c.subscribe({ afterSeq: newest.events[0]?.seq ?? 0, window: 50 }, onFrame);
      const mine = sub;
      sub.onError = (err) => {
        d.log.warn('subscription lost', { error: err.code });
        if (subscription === mine) subscription = null;
        void mine.close().catch(() => {});
        retrySubscribe();
      };
      await sub.ready;
      subscription = sub;
      retryMs = 1000;
    } catch (err) {
      d.log.warn('subscribe failed', { error: (err as { code?: string }).code ?? String(err) });
      await sub?.close().catch(() => {});
      retrySubscribe();
    } finally {
      subscribing = false;
    }
  };
  const onState = (s: ConnectionState) => {
    if (s === 'connected') void subscribe();
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
    get connection() {
      return conn;
    },
    setLanguage,
    refresh,
    stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
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
