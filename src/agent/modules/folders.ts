// Classified folders: one recorder per folder set of the policy in force (replaced when a
// policy changes the set), and the state of each folder for `baomi status`. SECURITY: a
// folder the agent cannot watch for any reason other than "does not exist yet" is never
// silent: it is `failed` in status and a `watch.folder-failed` event of severity high.
import { folderPathProblem } from '../../core/policy/folder-paths.js';
import type { ResolvedFolder } from '../../core/policy/types.js';
import { type FolderRecorder, startFolderRecorder } from '../files/recorder.js';
import type { WatchNotice } from '../folders/types.js';
import type { AgentModule, ModuleContext } from '../module.js';
import type { EventStore } from '../store/index.js';

export type FolderState = 'starting' | 'watching' | 'limited' | 'missing' | 'failed';

export interface WatchedFolder {
  path: string;
  level: string;
  state: FolderState;
  /** Why it is failed or limited, in the words of the OS. */
  reason?: string;
}

/** Why a path can never be watched, decided before the OS is asked (defence in depth: the
 *  policy schema refuses these too). */
export function unwatchablePath(path: string): string | null {
  // The policy schema's own rule (core), so the agent and `policy validate` agree.
  const problem = folderPathProblem(path, 'any');
  if (problem?.code === 'POLICY_FOLDER_CONTROL_CHAR')
    return `the path contains a control character (${problem.params.char})`;
  if (problem) return `the path is refused by the policy schema (${problem.code})`;
  if (!path.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(path) && !path.startsWith('\\\\'))
    return 'the path is not absolute';
  return null;
}

/** Files of these folders whose last change awaits its SHA-256 (the store's hash queue). */
export function hashesPending(store: EventStore, watched: readonly { path: string }[]): number {
  return store.hashQueue.count(watched.map((w) => w.path));
}

export interface FoldersModule extends AgentModule {
  /** Resolves when the recorder for the policy in force has started (tests). */
  ready(): Promise<void>;
}

export function foldersModule(): FoldersModule {
  let ctx: ModuleContext | null = null;
  // Kept after stop: the agent assembles a last status before it closes the store.
  let store: EventStore | null = null;
  let recorder: FolderRecorder | null = null;
  let key = '';
  let work: Promise<void> = Promise.resolve();
  let stopping = false;
  let watched: WatchedFolder[] = [];
  const reported = new Set<string>();

  const byPath = (root: string) => watched.find((w) => w.path === root);

  const fail = (f: WatchedFolder, reason: string, code?: string) => {
    f.state = 'failed';
    f.reason = reason;
    const once = `${f.path}\u0000${code ?? reason}`;
    if (!ctx || reported.has(once)) return;
    reported.add(once);
    ctx.log.error({ module: 'folders', root: f.path, reason }, 'cannot watch a classified folder');
    ctx.store
      .append({
        type: 'watch.folder-failed',
        severity: 'high',
        ...(f.level ? { level: f.level } : {}),
        data: { root: f.path, reason, ...(code ? { code } : {}) },
      })
      .catch(() => {}); // a failed commit stops the agent (store.onFailure)
  };

  const onNotice = (n: WatchNotice) => {
    const root = 'root' in n ? n.root : undefined;
    const f = root ? byPath(root) : undefined;
    if (!f) return;
    switch (n.kind) {
      case 'watching':
        if (f.state !== 'limited') f.state = 'watching';
        delete f.reason;
        // Watched again: the same failure later is news again (an event, a log line).
        for (const k of [...reported]) if (k.startsWith(`${f.path}\u0000`)) reported.delete(k);
        break;
      case 'watchLimit':
        f.state = 'limited';
        f.reason = `${n.unwatched} directories left to scans (inotify watch limit)`;
        break;
      case 'rootMissing':
      case 'rootDeleted': {
        // A path that is there but is not a folder (a file, a device) will not "appear":
        // that is a folder the agent cannot watch, not one that does not exist yet.
        const st = ctx?.platform.tree.stat(f.path);
        if (st && !st.isDirectory()) fail(f, 'the path is not a folder', 'ENOTDIR');
        else f.state = 'missing';
        break;
      }
      case 'rootAppeared':
        f.state = 'starting';
        break;
      case 'error':
        // Before the folder is watched, an error means it cannot be watched at all (a
        // permission, an invalid path, an I/O error). Later ones concern one file or
        // directory inside and are logged by the recorder.
        if (f.state === 'starting') fail(f, n.message, n.code);
        break;
      default:
        break;
    }
  };

  const replace = (folders: ResolvedFolder[], scanIntervalMs: number) => {
    work = work
      .then(async () => {
        try {
          await recorder?.stop();
        } catch (e) {
          // The old set's watches are what failed to close; the new set is still watched.
          ctx?.log.error(
            { module: 'folders', err: String(e) },
            'stopping the old folder set failed',
          );
        }
        recorder = null;
        if (stopping || !ctx) return;
        watched = folders.map((f) => ({ path: f.path, level: f.level, state: 'starting' }));
        const usable: ResolvedFolder[] = [];
        for (const [i, f] of folders.entries()) {
          const why = unwatchablePath(f.path);
          if (why) fail(watched[i] as WatchedFolder, why, 'INVALID_PATH');
          else usable.push(f);
        }
        if (usable.length === 0) return;
        try {
          recorder = await startFolderRecorder({
            store: ctx.store,
            folders: usable,
            scanIntervalMs,
            log: ctx.log,
            platform: ctx.platform,
            onNotice,
          });
        } catch (e) {
          for (const w of watched) if (w.state === 'starting') fail(w, String(e));
        }
      })
      .catch((e) => ctx?.log.error({ module: 'folders', err: String(e) }, 'cannot watch folders'));
  };

  return {
    name: 'folders',
    start(c) {
      ctx = c;
      store = c.store;
    },
    apply(p) {
      const next = JSON.stringify([p.folders, p.policy.scan.interval]);
      if (next === key) return;
      key = next;
      replace(p.folders, p.policy.scan.interval);
    },
    ready: () => work,
    async stop() {
      stopping = true;
      await work;
      await recorder?.stop();
      recorder = null;
      ctx = null;
    },
    status: () => ({
      folders: watched.length,
      watched: watched.map((w) => ({ ...w })),
      hashesPending: store ? hashesPending(store, watched) : 0,
    }),
  };
}
