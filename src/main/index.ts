// The tray's entry point, run by Electron (issue 14). Thin on purpose: it picks the agent's
// socket, registers the baomi:// protocol and hands the real electron module to tray.ts, whose
// logic is unit-tested with a fake one. The log viewer's pages (src/renderer) are not built
// yet: the menu items that open them log that instead of opening an empty window.
import { existsSync, statSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as electron from 'electron';
import { pickLang } from '../core/i18n/types.js';
import { connectAgent, osName, readPlaces } from '../ipc/index.js';
import { hardenApp } from './hardening.js';
import { APP_ORIGIN } from './ipc-guard.js';
import { stderrLog } from './log.js';
import { startOverlays } from './overlay.js';
import { startTray } from './tray.js';

const { app, protocol, net } = electron;
const log = stderrLog();
const assets = fileURLToPath(new URL('../../native/tray/', import.meta.url));
const pages = fileURLToPath(new URL('../renderer/', import.meta.url));

/** The first agent socket there is: the user's own (development) agent, then the system's. */
function agentSocket(): string | null {
  const uid = process.getuid?.() ?? 0;
  for (const p of readPlaces(osName(process.platform), uid, process.env, homedir())) {
    if (p.kind !== 'socket') continue;
    try {
      if (existsSync(p.path) && statSync(p.path).isSocket()) return p.path;
    } catch {}
  }
  return null;
}

protocol.registerSchemesAsPrivileged([
  { scheme: 'baomi', privileges: { standard: true, secure: true, supportFetchAPI: false } },
]);
if (!app.requestSingleInstanceLock()) app.quit();
hardenApp(electron, log);

app.whenReady().then(async () => {
  // Only files under the renderer's folder, by name; never a path from the URL as given.
  protocol.handle('baomi', (req) => {
    const u = new URL(req.url);
    const name = u.pathname.replace(/^\/+/, '');
    if (`${u.protocol}//${u.host}` !== APP_ORIGIN || !/^[\w-]+\.(html|js|css)$/.test(name))
      return new Response('not found', { status: 404 });
    return net.fetch(`file://${join(pages, name)}`);
  });
  const socket = agentSocket();
  if (!socket) log.warn('no agent socket found; the icon says the agent is not running', {});
  await startTray({
    electron,
    lang: pickLang(undefined, { LANG: app.getLocale() }),
    icons: {
      protected: join(assets, 'protected.png'),
      'policy-problem': join(assets, 'policy-problem.png'),
      'sync-waiting': join(assets, 'sync-waiting.png'),
      'agent-down': join(assets, 'agent-down.png'),
    },
    host: hostname(),
    log,
    overlays: startOverlays(electron, `${APP_ORIGIN}/overlay.html`, Date.now),
    connect: (onState) =>
      connectAgent(socket ?? '/nonexistent/agent.sock', { reconnect: { maxMs: 10_000 }, onState }),
    openWindow: (w) => log.warn('window not built yet', { window: w }),
  });
});
// The tray quits alone: closing every window must not end it (the icon stays).
app.on('window-all-closed', () => {});
