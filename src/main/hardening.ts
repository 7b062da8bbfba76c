// Electron's security checklist for the tray (issue 14, "Security"), in one place: every
// window's webPreferences, no navigation, no new windows, no webviews, no permissions.
import type * as electron from 'electron';
import type { TrayLog } from './log.js';

type ElectronModule = typeof electron;

/** Every BrowserWindow of the tray gets these (overlay and viewer alike). */
export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  spellcheck: false,
} as const satisfies electron.WebPreferences;

/**
 * Call once the app is ready (the default session exists only then) and before any window:
 * applies to every web contents the app will create.
 */
export function hardenApp(e: ElectronModule, log: TrayLog): void {
  e.app.on('web-contents-created', (_event, contents) => {
    // The pages are one-page apps on baomi://app: they never navigate, so nothing may, in any
    // frame.
    contents.on('will-navigate', (ev, url) => {
      ev.preventDefault();
      log.warn('navigation refused', { url: url.slice(0, 200) });
    });
    contents.on('will-frame-navigate', (ev) => {
      ev.preventDefault();
      log.warn('frame navigation refused', { url: ev.url.slice(0, 200) });
    });
    contents.on('will-redirect', (ev, url) => {
      ev.preventDefault();
      log.warn('redirect refused', { url: url.slice(0, 200) });
    });
    contents.on('will-attach-webview', (ev) => {
      ev.preventDefault();
      log.warn('webview refused', {});
    });
    contents.setWindowOpenHandler(({ url }) => {
      log.warn('new window refused', { url: url.slice(0, 200) });
      return { action: 'deny' };
    });
  });
  const s = e.session.defaultSession;
  s.setPermissionRequestHandler((_contents, permission, callback) => {
    log.warn('permission refused', { permission });
    callback(false);
  });
  s.setPermissionCheckHandler(() => false);
}
