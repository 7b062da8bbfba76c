// A tiny glob matcher for the policy's `ignore` lists. Compiled once to one RegExp per
// folder: path.matchesGlob is experimental in Node 20 and re-parses the pattern per call,
// which matters when a scan tests 20,000 names.
//
// Rules: `*` any run of characters except '/', `?` one such character, `**` as a whole
// segment any number of segments (also none), `[abc]` / `[!abc]` / `[a-z]` classes,
// `{a,b}` alternatives, `\x` a literal x. `*` also matches a leading dot (an ignore list
// for "*.tmp" should catch ".x.tmp" too). Patterns are matched against the path relative
// to the root ("sub/file.tmp"); a pattern without '/' matches the base name at any depth
// ("*.tmp" is "**/*.tmp"); a pattern starting with '/' is matched against the absolute path.

export type IgnoreMatcher = (relDisplay: string, absDisplay: string, isDir: boolean) => boolean;

export function globToRegExpSource(glob: string): string {
  let out = '';
  let i = 0;
  let braces = 0;
  while (i < glob.length) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        const next = glob[i + 2];
        if (atStart && next === '/') {
          out += '(?:.*/)?';
          i += 3;
          continue;
        }
        if (atStart && next === undefined) {
          // "a/**" also matches "a" itself: drop the '/' we already emitted.
          if (out.endsWith('/')) out = `${out.slice(0, -1)}(?:/.*)?`;
          else out += '.*';
          i += 2;
          continue;
        }
        out += '[^/]*';
        i += 2;
        continue;
      }
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) {
        out += '\\[';
      } else {
        let body = glob.slice(i + 1, end);
        const neg = body[0] === '!' || body[0] === '^';
        if (neg) body = body.slice(1);
        body = body.replace(/[\\\]^]/g, '\\$&');
        out += neg ? `[^/${body}]` : `[${body}]`;
        i = end + 1;
        continue;
      }
    } else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) {
      out += '|';
    } else if (c === '\\' && i + 1 < glob.length) {
      out += escapeChar(glob[i + 1]!);
      i += 2;
      continue;
    } else {
      out += escapeChar(c);
    }
    i++;
  }
  while (braces-- > 0) out += ')';
  return out;
}

// '/' needs no escape in a RegExp built from a string (and the "a/**" case relies on it).
const escapeChar = (c: string): string => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function compileIgnore(patterns: readonly string[] | undefined): IgnoreMatcher {
  const rel: string[] = [];
  const abs: string[] = [];
  for (const p of patterns ?? []) {
    if (p === '') continue;
    if (p.startsWith('/')) abs.push(globToRegExpSource(p));
    else if (!p.includes('/')) rel.push(`(?:.*/)?${globToRegExpSource(p)}`);
    else rel.push(globToRegExpSource(p.startsWith('./') ? p.slice(2) : p));
  }
  if (rel.length === 0 && abs.length === 0) return () => false;
  const relRe = rel.length ? new RegExp(`^(?:${rel.join('|')})$`, 's') : null;
  const absRe = abs.length ? new RegExp(`^(?:${abs.join('|')})$`, 's') : null;
  return (r, a, isDir) => {
    if (relRe && (relRe.test(r) || (isDir && relRe.test(`${r}/`)))) return true;
    if (absRe && (absRe.test(a) || (isDir && absRe.test(`${a}/`)))) return true;
    return false;
  };
}
