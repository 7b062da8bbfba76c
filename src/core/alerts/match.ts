// Globs over dotted event types, as written in the policy's `alerts[].match`.
// Only `*` is special: it matches any run of characters, dots included, so "*" matches every
// type and "usb.*" matches "usb.read-only". Everything else is literal and case-sensitive,
// because event types are fixed lowercase strings (events/types.ts).

const cache = new Map<string, RegExp>();
const CACHE_MAX = 256;

export function globToRegExp(glob: string): RegExp {
  let re = cache.get(glob);
  if (re === undefined) {
    const body = glob
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    re = new RegExp(`^${body}$`, 'su');
    // Bounded: globs come from a signed policy, but a long-running agent reloads policies.
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(glob, re);
  }
  return re;
}

export function matchEventType(glob: string, type: string): boolean {
  return globToRegExp(glob).test(type);
}
