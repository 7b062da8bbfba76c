// The watermark overlays (issue 14): one transparent, click-through, always-on-top window per
// display that never takes focus, following displays as they come, go and change. What to open,
// move and close is planned by watermark.ts; this file only does it.
import type * as electron from 'electron';
import { SECURE_WEB_PREFERENCES } from './hardening.js';
import type { TrayLog } from './log.js';
import { planOverlays, type Rect, type WatermarkPolicy, watermarkText } from './watermark.js';

type ElectronModule = typeof electron;

export interface Overlays {
  /** Shows `policy`'s watermark (null or disabled: none) filled for this person. */
  apply(policy: WatermarkPolicy | null | undefined, fill: { user: string; host: string }): void;
  close(): void;
}

/** `pageUrl`: the overlay page, given the text and opacity in its hash. */
export function startOverlays(
  e: ElectronModule,
  pageUrl: string,
  now: () => number,
  log: TrayLog,
): Overlays {
  const windows = new Map<number, electron.BrowserWindow>();
  let current: {
    policy: WatermarkPolicy | null | undefined;
    fill: { user: string; host: string };
  } = {
    policy: null,
    fill: { user: '', host: '' },
  };
  let shown = '';
  const url = () => {
    const p = current.policy;
    const text = p ? watermarkText(p.text, { ...current.fill, now: now() }) : '';
    return `${pageUrl}#${new URLSearchParams({ text, opacity: String(p?.opacity ?? 0) })}`;
  };
  // A page that does not load leaves a blank overlay: said in the log, never silent.
  const load = (w: electron.BrowserWindow, u: string) =>
    w.loadURL(u).catch((err: Error) => {
      if (!/ERR_ABORTED/.test(err.message))
        log.warn('watermark page not loaded', { error: err.message });
    });
  const open = (bounds: Rect) => {
    const w = new e.BrowserWindow({
      ...bounds,
      transparent: true,
      frame: false,
      focusable: false,
      alwaysOnTop: true,
      skipTaskbar: true,
      hasShadow: false,
      resizable: false,
      movable: false,
      minimizable: false,
      maximizable: false,
      fullscreenable: false,
      show: false,
      webPreferences: { ...SECURE_WEB_PREFERENCES },
    });
    w.setIgnoreMouseEvents(true);
    w.setAlwaysOnTop(true, 'screen-saver');
    w.setVisibleOnAllWorkspaces(true, { visibleOnFullScreen: true });
    void load(w, shown);
    w.showInactive();
    return w;
  };
  const sync = () => {
    const openNow = new Map<number, Rect>([...windows].map(([id, w]) => [id, w.getBounds()]));
    const plan = planOverlays(openNow, e.screen.getAllDisplays(), current.policy);
    for (const id of plan.close) {
      windows.get(id)?.destroy();
      windows.delete(id);
    }
    for (const d of plan.move) windows.get(d.id)?.setBounds(d.bounds);
    for (const d of plan.open) windows.set(d.id, open(d.bounds));
  };
  const onDisplays = () => sync();
  e.screen.on('display-added', onDisplays);
  e.screen.on('display-removed', onDisplays);
  e.screen.on('display-metrics-changed', onDisplays);
  return {
    apply(policy, fill) {
      current = { policy, fill };
      // The text holds the date: a poll after midnight (or a new policy) loads it again.
      const next = url();
      if (next !== shown) for (const w of windows.values()) void load(w, next);
      shown = next;
      sync();
    },
    close() {
      e.screen.off('display-added', onDisplays);
      e.screen.off('display-removed', onDisplays);
      e.screen.off('display-metrics-changed', onDisplays);
      for (const w of windows.values()) w.destroy();
      windows.clear();
    },
  };
}
