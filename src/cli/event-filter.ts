// The filters of `baomi events` (--type, --level, --severity, --since, --until, --text), read
// and checked once for both places that take them: the agent's log (`baomi events`) and the
// console's (`baomi console events`). A bad value is bad usage (exit 2) before anything runs.
import { BaomiError } from '../core/errors.js';
import { isSeverity } from '../core/events/types.js';
import type { EventFilter } from '../core/protocol/messages.js';
import { parseTime } from './time.js';

export interface FilterFlags {
  type?: string[];
  level?: string;
  severity?: string;
  since?: string;
  until?: string;
  text?: string;
}

const LEVELS = ['A', 'AA', 'AAA', '秘密', '机密', '绝密'];

/** The filter without paging: what to match. */
export function toFilter(o: FilterFlags, now: number): EventFilter {
  const f: EventFilter = {};
  if (o.type) f.types = o.type.flatMap((t) => t.split(',')).filter(Boolean);
  if (o.severity !== undefined) {
    if (!isSeverity(o.severity))
      throw new BaomiError(
        'CLI_BAD_CHOICE',
        { option: '--severity', value: o.severity, choices: 'info, low, medium, high, critical' },
        2,
      );
    f.minSeverity = o.severity;
  }
  if (o.level !== undefined) {
    if (!LEVELS.includes(o.level))
      throw new BaomiError(
        'CLI_BAD_CHOICE',
        { option: '--level', value: o.level, choices: LEVELS.join(', ') },
        2,
      );
    f.level = o.level;
  }
  if (o.since) f.since = parseTime(o.since, now);
  if (o.until) f.until = parseTime(o.until, now);
  if (o.text) f.text = o.text;
  return f;
}
