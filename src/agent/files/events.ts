// What the folder watcher saw, as events (DESIGN.md "Contracts": file event data). Paths are
// recorded, never contents; a name that is not valid UTF-8 keeps its raw bytes in pathBytes.
import type { EventInput, Json } from '../../core/events/types.js';
import type { UserDirectory } from '../../core/ports/users.js';
import type { BatchInfo, FileChange, HashResult, WatchNotice } from '../folders/types.js';

/** `users` names the file's owner (platform.users); an unknown uid is "uid:<n>". */
export function fileEvent(
  c: FileChange,
  level: string,
  info: BatchInfo,
  users: UserDirectory,
): EventInput {
  const data: Record<string, Json> = { path: c.path };
  if (c.pathBytes) data.pathBytes = c.pathBytes;
  if (c.kind === 'renamed' && c.oldPath !== undefined) {
    data.oldPath = c.oldPath;
    if (c.oldPathBytes) data.oldPathBytes = c.oldPathBytes;
  }
  data.root = c.root;
  if (c.entry.type !== 'file') data.entry = c.entry.type;
  data.size = c.size;
  if (c.owner !== undefined) data.owner = users.nameOf(c.owner) ?? `uid:${c.owner}`;
  data.detectedBy = c.detectedBy;
  if (c.offline) data.offline = true;
  if (info.baseline) data.baseline = true;
  return { type: `file.${c.kind}`, severity: 'info', level, data };
}

export function hashEvent(h: HashResult, level: string, ofSeq: number | undefined): EventInput {
  const data: Record<string, Json> = { path: h.path };
  if (h.pathBytes) data.pathBytes = h.pathBytes;
  data.sha256 = h.sha256;
  data.size = h.size;
  if (ofSeq !== undefined) data.ofSeq = ofSeq;
  return { type: 'file.hashed', severity: 'info', level, data };
}

/** The sysctl that raises the inotify watch limit, for the person who reads the event. */
export const WATCH_LIMIT_HINT = 'sysctl -w fs.inotify.max_user_watches=524288';

/** A watcher notice as an event, or null for notices that only go to the log. */
export function noticeEvent(
  n: WatchNotice,
  levelOf: (root: string) => string | undefined,
): EventInput | null {
  const lv = (root?: string) => {
    const level = root ? levelOf(root) : undefined;
    return level ? { level } : {};
  };
  switch (n.kind) {
    case 'overflow':
      return {
        type: 'watch.overflow',
        severity: 'medium',
        ...lv(n.root),
        data: {
          reason: n.reason,
          ...(n.value !== undefined ? { value: n.value } : {}),
          ...(n.root ? { root: n.root } : {}),
        },
      };
    case 'scanCompleted': {
      const { kind: _k, ...rest } = n;
      return {
        type: 'scan.completed',
        severity: 'info',
        ...lv(n.root),
        data: rest as Record<string, Json>,
      };
    }
    case 'watchLimit':
      return {
        type: 'watch.limit',
        severity: 'high',
        ...lv(n.root),
        data: {
          root: n.root,
          path: n.path,
          sysctl: n.sysctl,
          ...(n.limit !== undefined ? { limit: n.limit } : {}),
          unwatched: n.unwatched,
          hint: WATCH_LIMIT_HINT,
        },
      };
    case 'rootMissing':
      return {
        type: 'watch.folder-missing',
        severity: 'medium',
        ...lv(n.root),
        data: { root: n.root, ...(n.watching ? { waitingOn: n.watching } : {}) },
      };
    case 'rootDeleted':
      return {
        type: 'watch.folder-missing',
        severity: 'high',
        ...lv(n.root),
        data: { root: n.root, deleted: true },
      };
    case 'rootAppeared':
      return {
        type: 'watch.folder-found',
        severity: 'info',
        ...lv(n.root),
        data: { root: n.root },
      };
    case 'watching':
    case 'error':
      return null;
  }
}
