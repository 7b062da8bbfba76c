// The tray's windows (issue 14 §1, §3, §5): the log viewer, opened from "Open the event log" and
// from "What is recorded about me" (the same page: the person's own events, with the monitoring
// notice above them); the status window, also opened at its request and redeem forms by those
// menu items (status.html#request, #redeem); and the confidentiality pledge the tray opens when
// it is unconfirmed. One window per page, focused again when asked twice (and moved to the form
// asked for, keeping what was typed); closed, not hidden,
// when the person closes it (an idle viewer would keep ~100 MB of events and a renderer
// alive: README "The desktop app"). Every window gets the secure preferences and the preload's named methods only.
import type * as electron from 'electron';
import { SECURE_WEB_PREFERENCES } from './hardening.js';
import type { TrayLog } from './log.js';
import type { TrayWindow } from './tray.js';

type ElectronModule = typeof electron;

/** The page each window shows: a bare name under baomi://app/, maybe with a #part. */
export const PAGE_OF: Record<TrayWindow, string> = {
  log: 'viewer.html',
  'log-all': 'viewer.html#all',
  'what-is-recorded': 'viewer.html',
  status: 'status.html',
  'request-exception': 'status.html#request',
  'redeem-token': 'status.html#redeem',
  pledge: 'pledge.html',
};

export interface Windows {
  open(w: TrayWindow): void;
  /** Windows open now, by page. */
  readonly count: number;
  closeAll(): void;
}

export function windowOpener(
  e: ElectronModule,
  o: { origin: string; preload: string; log: TrayLog },
): Windows {
  const open = new Map<string, electron.BrowserWindow>();
  const load = (win: electron.BrowserWindow, url: string, page: string) =>
    win.loadURL(url).catch((err: Error) => {
      if (!/ERR_ABORTED/.test(err.message))
        o.log.warn('window page not loaded', { page, error: err.message });
    });
  return {
    open(w) {
      const target = PAGE_OF[w];
      const [page = target, part] = target.split('#');
      const url = `${o.origin}/${target}`;
      // #all is another view (every event, from admin.sock): a window of its own beside the
      // person's own log. Other parts are places in one page (status's forms).
      const key = part === 'all' ? target : page;
      const existing = open.get(key);
      if (existing && !existing.isDestroyed()) {
        // The tray asks for the pledge again when another text comes into force: a window left
        // open on "confirmed" must show the new text, not the old confirmation.
        if (page === PAGE_OF.pledge) existing.webContents.reload();
        // Another part of the same page: an in-page move (hashchange), the forms keep their text.
        else if (part !== undefined && key === page) load(existing, url, page);
        if (existing.isMinimized()) existing.restore();
        existing.focus();
        return;
      }
      const win = new e.BrowserWindow({
        width: 1200,
        height: 820,
        minWidth: 720,
        minHeight: 480,
        show: false,
        autoHideMenuBar: true,
        webPreferences: { ...SECURE_WEB_PREFERENCES, preload: o.preload },
      });
      open.set(key, win);
      win.once('ready-to-show', () => win.show());
      win.on('closed', () => {
        if (open.get(key) === win) open.delete(key);
      });
      load(win, url, page);
    },
    get count() {
      return open.size;
    },
    closeAll() {
      for (const w of open.values()) if (!w.isDestroyed()) w.destroy();
      open.clear();
    },
  };
}
