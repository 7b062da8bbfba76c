// uid → user name from /etc/passwd, for the `owner` of file events (the owner recorded by the
// file system, not the actor). Read once, and again only when an unknown uid shows up, at
// most once a minute. Undefined for a uid with no name (events then say "uid:<n>").
import fs from 'node:fs';
import type { UserDirectory } from '../../core/ports/users.js';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** Parses passwd(5) lines; comments, blank and malformed lines are skipped. */
export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const [name, , uid, gid, , home] = line.split(':');
    if (!name || !uid || !/^\d+$/.test(uid) || !gid || !/^\d+$/.test(gid)) continue;
    out.push({ name, uid: Number(uid), gid: Number(gid), home: home ?? '' });
  }
  return out;
}

export interface LinuxUsers extends UserDirectory {
  /** The passwd entry of a name or uid (the notifier needs the seat user's gid). */
  entry(who: string | number): PasswdEntry | undefined;
}

export function createLinuxUsers(
  o: { passwd?: string; now?: () => number; rereadMs?: number } = {},
): LinuxUsers {
  const file = o.passwd ?? '/etc/passwd';
  const now = o.now ?? Date.now;
  const rereadMs = o.rereadMs ?? 60_000;
  let byUid = new Map<number, PasswdEntry>();
  let byName = new Map<string, PasswdEntry>();
  let readAt = Number.NEGATIVE_INFINITY;
  const load = () => {
    readAt = now();
    try {
      const list = parsePasswd(fs.readFileSync(file, 'utf8'));
      // The first line of a uid wins, as getpwuid does.
      byUid = new Map();
      for (const e of list) if (!byUid.has(e.uid)) byUid.set(e.uid, e);
      byName = new Map(list.map((e) => [e.name, e]));
    } catch {
      // no passwd file (a minimal container): numeric owners only
    }
  };
  const fresh = (hit: boolean) => {
    if (!hit && now() - readAt > rereadMs) load();
  };
  return {
    nameOf(uid) {
      fresh(byUid.has(uid));
      return byUid.get(uid)?.name;
    },
    entry(who) {
      if (typeof who === 'number') {
        fresh(byUid.has(who));
        return byUid.get(who);
      }
      fresh(byName.has(who));
      return byName.get(who);
    },
  };
}
