// The tray's entry point, run by Electron (issue 14). Thin on purpose: it finds the agent's
// socket, serves the baomi:// pages and hands the real electron module to tray.ts, whose logic
// is unit-tested with a fake one. Its windows (the log viewer, status, the pledge) open in
// windows.ts.
import { existsSync, statSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as electron from 'electron';
import { pickLang } from '../core/i18n/types.js';
import { adminBeside, connectAgent, osName, readPlaces, requestOnce } from '../ipc/index.js';
import { hardenApp } from './hardening.js';
import { registerIpc } from './ipc.js';
import { APP_ORIGIN, PAGE_CSP } from './ipc-guard.js';
import { stderrLog } from './log.js';
import { startOverlays } from './overlay.js';
import { staffAccess } from './staff.js';
import { startTray } from './tray.js';
import type { TrayState } from './tray-state.js';
import { windowOpener } from './windows.js';

const { app, protocol, net } = electron;
const log = stderrLog();
/** The first of these folders there is: the packed app's layout (main.mjs beside renderer/ and
 *  icons/: scripts/pack-tray.mjs), then a development checkout's (dist/main/index.js). */
const folder = (...candidates: string[]) => {
  const paths = candidates.map((c) => fileURLToPath(new URL(c, import.meta.url)));
  return paths.find((p) => existsSync(p)) ?? (paths.at(-1) as string);
};
const assets = folder('./icons/', '../../native/tray/');
const pages = folder('./renderer/', '../renderer/');
/** The windows' preload: preload.cjs beside main.mjs when packed (vite.tray.config.mjs). */
const preload = folder('./preload.cjs', '../preload/preload.js');

/**
 * The agent's socket for this person: BAOMI_TRAY_SOCKET (npm start names its agent's), else
 * the first agent.sock there is (the user's own development agent, then the system's). The
 * tray is the employee's; the same agent's admin.sock serves the log's staff view (staff.ts).
 * Looked for again every 2 s until one appears, so a tray started before its agent finds it.
 */
async function agentSocket(): Promise<string> {
  const named = process.env.BAOMI_TRAY_SOCKET;
  if (named) return named;
  const uid = process.getuid?.() ?? 0;
  const places = readPlaces(osName(process.platform), uid, process.env, homedir()).flatMap((p) =>
    p.kind === 'socket' && !p.admin ? [p.path] : [],
  );
  // Windows: named pipes are not files to stat; the connection's own retries find the agent.
  if (process.platform === 'win32') return places[places.length - 1] ?? '\\\\.\\pipe\\baomi-agent';
  for (let said = false; ; said = true) {
    for (const p of places) {
      try {
        if (existsSync(p) && statSync(p).isSocket()) return p;
      } catch {}
    }
    if (!said) log.warn('no agent socket yet; looking again every 2 s', { places });
    await new Promise((r) => setTimeout(r, 2000));
  }
}

function icons(): Record<TrayState, string> {
  const out = {} as Record<TrayState, string>;
  for (const s of ['protected', 'policy-problem', 'sync-waiting', 'agent-down'] as const) {
    out[s] = join(assets, `${s}.png`);
    if (!existsSync(out[s])) log.warn('tray icon missing', { file: out[s] });
  }
  return out;
}

app.enableSandbox();
// codeCache: V8 keeps the pages' compiled scripts (in the user's profile, checked against the
// source), so a window opened again skips compiling its ~250 KB script; Chromium does this only
// for http(s) unless a standard scheme asks (bench:viewer: a new window's start is most of its
// first paint). Unverified here: Electron cannot start on the build machines.
protocol.registerSchemesAsPrivileged([
  {
    scheme: 'baomi',
    privileges: { standard: true, secure: true, supportFetchAPI: false, codeCache: true },
  },
]);
// The tray quits alone: closing every window must not end it (the icon stays).
app.on('window-all-closed', () => {});

if (!app.requestSingleInstanceLock()) {
  log.info('a tray is already running for this session', {});
  app.exit(0);
} else {
  app.whenReady().then(async () => {
    hardenApp(electron, log);
    // Only files at the top of the renderer's folder, by bare name; never a path from the URL.
    protocol.handle('baomi', async (req) => {
      const u = new URL(req.url);
      const name = u.pathname.replace(/^\/+/, '');
      if (`${u.protocol}//${u.host}` !== APP_ORIGIN || !/^[\w-]+\.(html|js|css|svg)$/.test(name))
        return new Response('not found', { status: 404 });
      const file = await net.fetch(pathToFileURL(join(pages, name)).href);
      const headers = new Headers(file.headers);
      headers.set('content-security-policy', PAGE_CSP);
      return new Response(file.body, { status: file.status, headers });
    });
    const windows = windowOpener(electron, { origin: APP_ORIGIN, preload, log });
    /** The agent.sock the tray found: its admin.sock is the staff view's. */
    let socket: string | null = null;
    const agent = () => {
      const c = tray.connection;
      if (!c) throw new Error('SOCKET_UNREACHABLE');
      return c;
    };
    const staff = staffAccess({
      adminSocket: () => (socket ? adminBeside(socket) : null),
      agent,
      once: (path, type, body) => requestOnce(path, type, body, { seatToken: null }),
      // An agent still starting, or one not answering within 1.5 s, gives the person's own view
      // now rather than a menu that seems to do nothing.
      probe: (path) =>
        requestOnce(path, 'status', {}, { seatToken: null, timeoutMs: 1500, startingMs: 0 }),
      log,
    });
    const tray = await startTray({
      electron,
      lang: pickLang(undefined, { LANG: app.getLocale() }),
      icons: icons(),
      host: hostname(),
      log,
      overlays: startOverlays(electron, `${APP_ORIGIN}/overlay.html`, Date.now, log),
      connect: async (onState) => {
        socket = await agentSocket();
        return connectAgent(socket, { reconnect: { maxMs: 10_000 }, onState });
      },
      // "Open the event log": every event for security staff (admin.sock answers them), else
      // the person's own.
      openWindow: (w) => {
        if (w !== 'log') return windows.open(w);
        void staff
          .check()
          .catch(() => false)
          .then((all) => windows.open(all ? 'log-all' : 'log'))
          .catch((e: Error) => log.warn('window not opened', { window: w, error: e.message }));
      },
    });
    // What the windows' preload may ask (ipc-guard.ts checks every call before these run). The
    // log's staff view (#all) asks admin.sock; every other page the tray's agent.sock.
    registerIpc(
      electron,
      {
        'baomi:status': async (_, from) => staff.ask(from, 'status', {}),
        'baomi:events': async (filter, from) => staff.ask(from, 'events.query', { filter }),
        'baomi:verify': async (_, from) => staff.ask(from, 'verify', {}),
        'baomi:exception-request': async (input) => agent().request('usb.exception.request', input),
        'baomi:exception-redeem': async ({ token }) =>
          agent().request('usb.exception.redeem', { token }),
        'baomi:language': async (lang) => tray.setLanguage(lang),
        'baomi:pledge': async () => agent().request('pledge.get', {}),
        'baomi:pledge-acknowledge': async ({ sha256 }) =>
          agent().request('pledge.acknowledge', { sha256 }),
      },
      log,
    );
  });
}
