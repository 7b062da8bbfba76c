// The type patterns of the console's configuration (common.ts typePatterns).

/** `*` matches everything; `usb.*` matches `usb` and every type under it; else exact. */
export function typeMatches(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) {
    const stem = pattern.slice(0, -2);
    return type === stem || type.startsWith(`${stem}.`);
  }
  return pattern === type;
}

export function anyTypeMatches(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => typeMatches(p, type));
}
