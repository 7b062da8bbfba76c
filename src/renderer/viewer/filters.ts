// The viewer's filters (issue 14 §5: type, level, severity, time range, text) as typed in the
// form, and as the agent's EventFilter. Types are comma-separated globs ("usb.*, file.*");
// times are the reader's local datetime-local values. Pure: unit-tested in Node.
import type { Severity } from '../../core/events/types.js';
import type { EventFilter } from '../../core/protocol/messages.js';

export interface Filters {
  type: string;
  level: string;
  severity: string;
  since: string;
  until: string;
  text: string;
}

export const NO_FILTERS: Filters = {
  type: '',
  level: '',
  severity: '',
  since: '',
  until: '',
  text: '',
};

/** Longest each field may be, as the tray's main process accepts them (src/main/ipc-guard.ts:
 *  a type glob up to 64, up to 32 of them; a level up to 16; a text up to 256). */
export const MAX_LENGTH: Partial<Record<keyof Filters, number>> = {
  type: 32 * 66,
  level: 16,
  text: 256,
};

export const SEVERITY_CHOICES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

/** A datetime-local value as ms in the reader's zone; undefined when empty or not a date. */
export function fromLocalInput(v: string): number | undefined {
  if (!v) return undefined;
  const ms = new Date(v).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

export function toEventFilter(f: Filters): EventFilter {
  const out: EventFilter = {};
  const types = f.type
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (types.length > 0) out.types = types;
  if (f.level.trim()) out.level = f.level.trim();
  if ((SEVERITY_CHOICES as readonly string[]).includes(f.severity))
    out.minSeverity = f.severity as Severity;
  const since = fromLocalInput(f.since);
  const until = fromLocalInput(f.until);
  if (since !== undefined) out.since = since;
  if (until !== undefined) out.until = until;
  if (f.text.trim()) out.text = f.text.trim();
  return out;
}
