// The agent service, composed: store → policy → sockets → retention. Reads like a table of
// contents (STYLE.md 10); each part lives in its own module. An agent that cannot record
// does not run: a store failure at start is fatal (exit 1 with one line).
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { compileAlertRules, createAlertEngine } from '../core/alerts/index.js';
import type { Lang } from '../core/i18n/types.js';
import type { Platform } from '../core/ports/index.js';
import type { Request } from '../core/protocol/messages.js';
import { sanitizeFilter } from '../core/protocol/messages.js';
import { createPlatform } from '../platform/index.js';
import { osName } from '../platform/paths.js';
import { type FolderRecorder, startFolderRecorder } from './files/recorder.js';
import { acquireLock } from './lock.js';
import { createLogger, type Logger } from './log.js';
import { type InForce, PolicyManager } from './policy/manager.js';
import { DEMO_TRUST_DIR, loadTrustedKeys } from './policy/trust.js';
import { startRetention } from './retention.js';
import { type SocketServers, startSocketServers } from './socket/server.js';
import { statusFromStore } from './status.js';
import { type EventStore, openStore } from './store/index.js';
import { VERSION } from './version.js';

export interface AgentOptions {
  policyFile: string;
  dataDir: string;
  trustDir: string;
  sockets: { agent: string; admin: string };
  trustDemo: boolean;
  lang: Lang;
  /** The store failed to commit: the caller must stop the process (exit 1). */
  onFatal?: (error: unknown) => void;
  /** Diagnostic log file; default `<dataDir>/agent.log`. */
  logFile?: string;
  now?: () => number;
  /** The OS adapters (default: picked for this machine; tests may pass the fake one). */
  platform?: Platform;
}

export interface RunningAgent {
  store: EventStore;
  policy: PolicyManager;
  /** Resolves when the folder recorder for the policy in force has started (tests). */
  foldersReady(): Promise<void>;
  log: Logger;
  logFile: string;
  stop(reason: string): Promise<void>;
}

export async function startAgent(o: AgentOptions): Promise<RunningAgent> {
  const now = o.now ?? Date.now;
  const store = openStore({ dataDir: o.dataDir, host: hostname(), now });
  let lock: { release(): void };
  try {
    lock = acquireLock(o.dataDir);
  } catch (e) {
    store.close();
    throw e;
  }
  const logFile = o.logFile ?? join(o.dataDir, 'agent.log');
  const log = createLogger(logFile);
  const platform =
    o.platform ?? createPlatform({ say: (line) => log.warn({ module: 'platform' }, line) });
  for (const line of platform.lacks) log.warn({ module: 'platform' }, line);
  // An agent that cannot record must not go on enforcing silently.
  store.onFailure((error) => {
    log.fatal({ module: 'store', err: String(error) }, 'cannot write the event store; stopping');
    o.onFatal?.(error);
  });
  const me = userInfo();
  await store.append({
    type: 'agent.started',
    severity: 'info',
    data: {
      version: VERSION,
      pid: process.pid,
      uid: me.uid,
      dataDir: o.dataDir,
      policyFile: o.policyFile,
      trustDemo: o.trustDemo,
    },
  });
  log.info({ module: 'agent', version: VERSION, dataDir: o.dataDir }, 'agent started');

  const trusted = loadTrustedKeys(o.trustDir, log);
  if (o.trustDemo) trusted.push(...loadTrustedKeys(DEMO_TRUST_DIR, log));

  // Early warning (预报): the policy's alert rules watch every committed event.
  let alerts = createAlertEngine([]);
  store.onCommitted((events) => {
    const t = now();
    for (const e of events) {
      // A hash completes an event already counted; it is not more activity.
      if (e.type === 'file.hashed') continue;
      for (const alert of alerts.observe(e, t)) store.append(alert).catch(() => {});
    }
  });

  // Classified folders: one recorder per folder set; replaced when a policy changes it.
  let recorder: FolderRecorder | null = null;
  let foldersKey = '';
  let folderWork: Promise<void> = Promise.resolve();
  let shuttingDown = false;
  const applyFolders = (p: InForce) => {
    const key = JSON.stringify([p.folders, p.policy.scan.interval]);
    if (key === foldersKey) return;
    foldersKey = key;
    folderWork = folderWork
      .then(async () => {
        await recorder?.stop();
        recorder = null;
        if (shuttingDown || p.folders.length === 0) return;
        recorder = await startFolderRecorder({
          store,
          folders: p.folders,
          scanIntervalMs: p.policy.scan.interval,
          log,
          now,
          platform,
        });
      })
      .catch((e) => log.error({ module: 'folders', err: String(e) }, 'cannot watch folders'));
  };

  let retention: { stop(): void } | null = null;
  const policy = new PolicyManager({
    file: o.policyFile,
    trusted,
    store,
    dataDir: o.dataDir,
    os: osName(process.platform),
    now,
    log,
    onApplied: (p: InForce) => {
      retention?.stop();
      retention = startRetention(store, p.policy, now, log);
      alerts = createAlertEngine(compileAlertRules(p.policy.alerts));
      applyFolders(p);
    },
  });
  let sockets: SocketServers | null = null;
  try {
    await policy.start();
    sockets = await startSocketServers(o.sockets, (req: Request, access) => {
      switch (req.type) {
        case 'status':
          // The summary is written with the policy in force, so it is the same answer the
          // CLI gets from a data dir opened read-only.
          return statusFromStore(store);
        case 'events.query': {
          const filter = sanitizeFilter(req.filter);
          // agent.sock is open to every local user: only the seat user's own events. The seat
          // user is not known yet (no tray, no logind source), so nobody's events are shown.
          if (access === 'agent') filter.user = '\u0000nobody';
          return { events: store.query(filter) };
        }
        case 'verify':
          return store.verify();
      }
    });
  } catch (e) {
    policy.stop();
    shuttingDown = true;
    await folderWork;
    await (recorder as FolderRecorder | null)?.stop();
    await recordStop(store, 'start-failed');
    store.close();
    lock.release();
    throw e;
  }

  let stopping: Promise<void> | null = null;
  return {
    store,
    policy,
    log,
    logFile,
    foldersReady: () => folderWork,
    stop(reason: string) {
      stopping ??= (async () => {
        policy.stop();
        retention?.stop();
        await sockets?.close();
        await policy.idle();
        shuttingDown = true;
        await folderWork;
        await recorder?.stop();
        await recordStop(store, reason);
        store.close();
        lock.release();
        log.info({ module: 'agent', reason }, 'agent stopped');
      })();
      return stopping;
    },
  };
}

async function recordStop(store: EventStore, reason: string): Promise<void> {
  await store.append({ type: 'agent.stopped', severity: 'info', data: { reason } });
}
