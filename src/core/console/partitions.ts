// The console's event partitions on PostgreSQL (issue 12 §2): `events` is partitioned by range
// of `ts` (ms since the epoch), one partition per UTC month or day, named by its range
// (`events_2026_12`, `events_2026_12_01`), created ahead of time for the current period and the
// next two, plus a DEFAULT partition that holds whatever no partition covers (a clock in 1970
// or 2400), so no event is ever refused for its timestamp. Pure: the store reads what exists
// and creates what partitionsToCreate names.

export type PartitionSize = 'day' | 'month';

/** A partition's range, [from, to) in ms since the epoch, and its name. */
export interface PartitionRange {
  name: string;
  from: number;
  to: number;
}

/** Periods created ahead: the current one and the next two. */
export const PARTITIONS_AHEAD = 3;

const DAY_MS = 86_400_000;
const pad = (n: number) => String(n).padStart(2, '0');

/** The period of `size` that holds `ts` (UTC). */
export function periodOf(size: PartitionSize, ts: number): PartitionRange {
  const d = new Date(ts);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  if (size === 'month') {
    return {
      name: `events_${y}_${pad(m + 1)}`,
      from: Date.UTC(y, m, 1),
      to: Date.UTC(y, m + 1, 1),
    };
  }
  const from = Date.UTC(y, m, d.getUTCDate());
  return { name: `events_${y}_${pad(m + 1)}_${pad(d.getUTCDate())}`, from, to: from + DAY_MS };
}

/** The periods from the one holding `now` on, `count` of them. */
export function periodsAhead(
  size: PartitionSize,
  now: number,
  count = PARTITIONS_AHEAD,
): PartitionRange[] {
  const out: PartitionRange[] = [];
  let p = periodOf(size, now);
  for (let i = 0; i < count; i++) {
    out.push(p);
    p = periodOf(size, p.to);
  }
  return out;
}

/**
 * The partitions to create at `now` so that the current period and the next two are covered,
 * given the ranges that exist (never overlapping them): a period that is free is created
 * whole; one that an existing partition covers in part (the size was changed, or a month was
 * made by the migration) has its free days created as day partitions. Sorted by `from`.
 */
export function partitionsToCreate(
  size: PartitionSize,
  now: number,
  existing: readonly { from: number; to: number }[],
): PartitionRange[] {
  const overlaps = (a: { from: number; to: number }) =>
    existing.some((e) => e.from < a.to && a.from < e.to);
  const out: PartitionRange[] = [];
  for (const p of periodsAhead(size, now)) {
    if (!overlaps(p)) {
      out.push(p);
      continue;
    }
    for (let t = p.from; t < p.to; t += DAY_MS) {
      const day = periodOf('day', t);
      if (!overlaps(day)) out.push(day);
    }
  }
  return out;
}
