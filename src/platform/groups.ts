// A local group's id by name, from /etc/group (Linux and the BSDs; macOS keeps its groups in
// Directory Services, where this finds only those also in /etc/group). The agent opens
// admin.sock to the `baomi-admin` group this way (DESIGN.md: 0660 with that group where it
// exists, else 0600). Unreadable file or no such group: null.
import { readFileSync } from 'node:fs';

export const ADMIN_GROUP = 'baomi-admin';

export function groupId(name: string, file = '/etc/group'): number | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  for (const line of text.split('\n')) {
    const [group, , gid] = line.split(':');
    if (group !== name || gid === undefined || !/^\d+$/.test(gid)) continue;
    return Number(gid);
  }
  return null;
}
