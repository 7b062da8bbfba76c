// uid → user name from /etc/passwd, for the `owner` of file events (the owner recorded by the
// file system, not the actor). Read once and again only when an unknown uid shows up, at most
// once a minute; a uid with no name is reported as "uid:<n>".
import { readFileSync } from 'node:fs';

let names = new Map<number, string>();
let readAt = Number.NEGATIVE_INFINITY;

function load(now: number): void {
  readAt = now;
  try {
    const next = new Map<number, string>();
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [name, , uid] = line.split(':');
      if (name && uid && /^\d+$/.test(uid)) next.set(Number(uid), name);
    }
    names = next;
  } catch {
    // no /etc/passwd (not Linux, or a minimal container): numeric owners only
  }
}

export function userName(uid: number, now = Date.now()): string {
  if (!names.has(uid) && now - readAt > 60_000) load(now);
  return names.get(uid) ?? `uid:${uid}`;
}
