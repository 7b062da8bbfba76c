// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${dataDir} is the policy file's own variable, not a JS template.
// One signed policy serves a whole fleet: a folder may name a per-OS variant and may start
// with ${dataDir}, so the demo policy can point at a folder on any machine. Resolution is
// per machine, so it happens here rather than in the schema.
import { posix, win32 } from 'node:path';
import { BaomiError } from '../errors.js';
import type { Json } from '../events/types.js';
import { folderPathProblem } from './folder-paths.js';
import type { Policy, PolicyErrorCode, PolicyIssue, PolicyOs, ResolvedFolder } from './types.js';

export interface ResolveContext {
  os: PolicyOs;
  /** Absolute data directory of this agent (DESIGN.md "Paths"). */
  dataDir: string;
}

export type ResolveResult =
  | { ok: true; folders: ResolvedFolder[] }
  | { ok: false; issue: PolicyIssue };

export function isAbsoluteFor(os: PolicyOs, p: string): boolean {
  // Drive-relative ("\\foo", "C:foo") paths depend on the current drive: not absolute here.
  return os === 'windows' ? /^([A-Za-z]:[\\/]|\\\\[^\\]+\\[^\\]+)/.test(p) : p.startsWith('/');
}

export function tryResolveFolders(
  policy: Pick<Policy, 'folders'>,
  ctx: ResolveContext,
): ResolveResult {
  const folders: ResolvedFolder[] = [];
  const lib = ctx.os === 'windows' ? win32 : posix;
  if (!isAbsoluteFor(ctx.os, ctx.dataDir)) {
    return notAbsolute('dataDir', ctx.dataDir, ctx);
  }
  const dataDir = ctx.dataDir.length > 1 ? ctx.dataDir.replace(/[\\/]+$/, '') : ctx.dataDir;
  for (const [index, f] of policy.folders.entries()) {
    const written = f[ctx.os] ?? f.path;
    const expanded = written.split('${dataDir}').join(dataDir);
    if (!isAbsoluteFor(ctx.os, expanded)) {
      return notAbsolute(
        `folders[${index}].${f[ctx.os] === undefined ? 'path' : ctx.os}`,
        written,
        ctx,
      );
    }
    const field = `folders[${index}].${f[ctx.os] === undefined ? 'path' : ctx.os}`;
    const problem = folderPathProblem(expanded, ctx.os === 'windows' ? 'windows' : 'posix');
    if (problem) return refused(problem.code, field, { ...problem.params, value: written });
    let path = lib.normalize(expanded);
    if (path.length > 1 && /[\\/]$/.test(path) && !/^[A-Za-z]:\\$/.test(path))
      path = path.slice(0, -1);
    // A recursive folder that holds the data dir would record the agent's own database
    // writes, each write an event that is another write: never apply it.
    if (holds(path, dataDir, f.recursive, ctx.os)) {
      return refused('POLICY_FOLDER_HOLDS_DATA_DIR', field, { value: written, dataDir });
    }
    folders.push({ path, level: f.level, recursive: f.recursive, ignore: [...f.ignore] });
  }
  return { ok: true, folders };
}

/** Folders for this machine. Throws BaomiError POLICY_FOLDER_NOT_ABSOLUTE. */
export function resolveFolders(
  policy: Pick<Policy, 'folders'>,
  ctx: ResolveContext,
): ResolvedFolder[] {
  const r = tryResolveFolders(policy, ctx);
  if (!r.ok) throw new BaomiError(r.issue.code, { ...r.issue.params, path: r.issue.path }, 2);
  return r.folders;
}

/**
 * The one name Windows opens for a path written several ways: the `\\?\` and `\\.\` prefixes
 * (`\\?\UNC\` for a share) off, and each name's trailing dots and spaces off (Windows drops
 * them: `Baomi.` and `Baomi ` are `Baomi`; under `\\?\` it keeps them, so there this refuses a
 * folder that is only next to the data dir: more, never less). Not resolved here (no file
 * system): 8.3 short names (PROGRA~3) and a share of the local disk (\\127.0.0.1\c$).
 */
export function windowsCanonical(p: string): string {
  const s = win32
    .normalize(p.replace(/\//g, '\\'))
    .replace(/^\\\\[?.]\\UNC\\/i, '\\\\')
    .replace(/^\\\\[?.]\\(?=[A-Za-z]:)/, '');
  const [head = '', ...names] = s.split('\\');
  return win32.normalize([head, ...names.map((n) => n.replace(/[. ]+$/, ''))].join('\\'));
}

function holds(folder: string, dataDir: string, recursive: boolean, os: PolicyOs): boolean {
  const lib = os === 'windows' ? win32 : posix;
  const canonical = (s: string) => (os === 'windows' ? windowsCanonical(s) : lib.normalize(s));
  const fold = (s: string) => (os === 'linux' ? s : s.toLowerCase());
  const a = fold(canonical(folder));
  const b = fold(canonical(dataDir));
  if (a === b) return true;
  if (!recursive) return false;
  const rel = lib.relative(a, b);
  return rel !== '' && !rel.startsWith('..') && !lib.isAbsolute(rel);
}

function refused(code: PolicyErrorCode, path: string, params: Record<string, Json>): ResolveResult {
  return { ok: false, issue: { code, line: 1, col: 1, path, params } };
}

function notAbsolute(path: string, written: string, ctx: ResolveContext): ResolveResult {
  return {
    ok: false,
    issue: {
      code: 'POLICY_FOLDER_NOT_ABSOLUTE',
      line: 1,
      col: 1,
      path,
      params: { value: written, os: ctx.os, dataDir: ctx.dataDir },
    },
  };
}
