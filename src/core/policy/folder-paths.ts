// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${dataDir} is the policy file's own variable, not a JS template.
// Folder paths no agent could ever watch, decided from the text alone. Shared by the schema
// (what is written, with its line and column) and folders.ts (what it expands to on this
// machine), so `policy validate` and the agent's judge refuse the same paths with the same
// codes. Imports nothing of the policy core: the schema depends on it.
import type { Json } from '../events/types.js';

/** Linux's PATH_MAX less its NUL; the tightest limit of the OSes we run on (bytes, UTF-8). */
export const MAX_FOLDER_PATH_BYTES = 4095;
/** NAME_MAX on Linux and macOS (bytes); Windows allows 255 UTF-16 units, never fewer bytes. */
export const MAX_FOLDER_NAME_BYTES = 255;

export interface FolderPathProblem {
  code:
    | 'POLICY_FOLDER_CONTROL_CHAR'
    | 'POLICY_FOLDER_DATADIR_PLACE'
    | 'POLICY_FOLDER_TOO_LONG'
    | 'POLICY_FOLDER_NAME_TOO_LONG'
    | 'POLICY_FOLDER_WINDOWS_CHAR';
  params: Record<string, Json>;
}

const DATA_DIR = '${dataDir}';
const utf8Length = (s: string) => new TextEncoder().encode(s).length;
const WINDOWS_PREFIX = /^([A-Za-z]:[\\/]|\\\\[^\\]+\\[^\\]+)/;

/**
 * Why the agent could never watch this folder path, decided without touching the disk, or
 * null. `flavour` is how the path will be used: a `windows` variant is a Windows path, `linux`
 * and `darwin` are POSIX, and `path` is used on every OS that has no variant (Windows rules
 * then apply when it starts with a drive or a UNC share). The schema calls this for what is
 * written and tryResolveFolders for what it expands to, so the validator and the agent's judge
 * refuse the same paths with the same codes.
 */
export function folderPathProblem(
  p: string,
  flavour: 'any' | 'posix' | 'windows',
): FolderPathProblem | null {
  // A NUL ends the string the kernel sees; other controls are never intended and make the
  // path unreadable in every log and table that shows it (C0, DEL and C1).
  for (let i = 0; i < p.length; i++) {
    const c = p.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      const char = `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
      return { code: 'POLICY_FOLDER_CONTROL_CHAR', params: { char, index: i } };
    }
  }
  // ${dataDir} is absolute: anywhere but at the start it makes a path that exists nowhere
  // ("/srv//var/lib/baomi", "C:C:\\ProgramData\\Baomi"), and glued to a name it names a
  // sibling of the data dir ("/var/lib/baomidemo").
  const at = p.indexOf(DATA_DIR);
  if (at >= 0) {
    const after = p.slice(at + DATA_DIR.length);
    if (at > 0 || after.includes(DATA_DIR) || !(after === '' || /^[\\/]/.test(after))) {
      return { code: 'POLICY_FOLDER_DATADIR_PLACE', params: {} };
    }
  }
  const length = utf8Length(p);
  if (length > MAX_FOLDER_PATH_BYTES) {
    return { code: 'POLICY_FOLDER_TOO_LONG', params: { length, max: MAX_FOLDER_PATH_BYTES } };
  }
  const windows = flavour === 'windows' || (flavour === 'any' && WINDOWS_PREFIX.test(p));
  for (const name of p.split(windows ? /[\\/]/ : '/')) {
    const n = utf8Length(name);
    if (n > MAX_FOLDER_NAME_BYTES) {
      return {
        code: 'POLICY_FOLDER_NAME_TOO_LONG',
        params: { name: `${name.slice(0, 40)}…`, length: n, max: MAX_FOLDER_NAME_BYTES },
      };
    }
  }
  if (windows) {
    const rest = p.startsWith(DATA_DIR)
      ? p.slice(DATA_DIR.length)
      : // The prefix may hold ? . : legitimately: \\?\ (long paths), \\.\, a drive, a share.
        p.replace(/^\\\\[?.]\\(UNC\\)?/i, '').replace(/^([A-Za-z]:|\\\\)/, '');
    const bad = /[<>:"|?*]/.exec(rest);
    if (bad) return { code: 'POLICY_FOLDER_WINDOWS_CHAR', params: { char: bad[0] } };
  }
  return null;
}
