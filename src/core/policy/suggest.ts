// "Did you mean": the nearest key allowed at the spot of an unknown key.

/** Edit distance counting a swap of two neighbours as one edit ("fodlers" → "folders" is 1). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const dist: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(dist[i - 1]![j]! + 1, dist[i]![j - 1]! + 1, dist[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, dist[i - 2]![j - 2]! + 1);
      }
      dist[i]![j] = v;
    }
  }
  return dist[a.length]![b.length]!;
}

/** The allowed key closest to `key`, or null when none is close enough to be a likely typo. */
export function nearestKey(key: string, allowed: readonly string[]): string | null {
  let best: string | null = null;
  let bestDist = Number.POSITIVE_INFINITY;
  for (const k of allowed) {
    const dist = k.toLowerCase() === key.toLowerCase() ? 0.5 : editDistance(key, k);
    if (dist < bestDist) [best, bestDist] = [k, dist];
  }
  const limit = Math.max(2, Math.ceil(key.length / 3));
  return bestDist <= limit ? best : null;
}
