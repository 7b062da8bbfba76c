// Cases of the early-warning process (issue 13 §5; DESIGN.md 预报 → 调查 → 初步评估 → 处置 →
// 结案): one or more related alerts gathered, worked by staff through the stages, with notes,
// an assignee, attached events, and who did what when. Pure: both datastores and the memory
// twin (through src/console/store/cases-sql.ts) and the API share these rules.
//
// A case moves as an alert does (alerts.ts alertTransitionAllowed: forward, a stage may be
// skipped, or back to 调查 to re-open it), and each move says why (a note). Entering 初步评估
// states the severity found (confirmed, downgraded or raised, from the alerts' own), entering
// 处置 says what was done (the outcome). The alerts of a case follow its stage. Each stage but
// 结案 has a time within which it should be left (CASE_DUE_MS): a case past it is overdue.
import type { ConsoleApiCode } from '../codes/console.js';
import { BaomiError } from '../errors.js';
import { SEVERITIES, type Severity } from '../events/types.js';
import { alertTransitionAllowed } from './alerts.js';
import type { CaseChange, CaseRow, CaseStage } from './case-types.js';

/** How long a case may stay in a stage before it is overdue (结案: never). */
export const CASE_DUE_MS: Readonly<Record<CaseStage, number | null>> = {
  预报: 24 * 3_600_000,
  调查: 3 * 24 * 3_600_000,
  初步评估: 3 * 24 * 3_600_000,
  处置: 7 * 24 * 3_600_000,
  结案: null,
};

export const CASE_TITLE_MAX = 200;
export const CASE_NOTE_MAX = 4000;
/** Alerts gathered into one case, events attached to one case: at most, per request. */
export const CASE_LINKS_MAX = 200;

export type {
  CaseChange,
  CaseDetailRefs,
  CaseEntry,
  CaseEventRef,
  CaseFilter,
  CaseOpen,
  CaseRow,
  CaseStage,
} from './case-types.js';

/** When a case that enters `stage` at `at` is due to leave it. */
export function caseDueAt(stage: CaseStage, at: number): number | null {
  const ms = CASE_DUE_MS[stage];
  return ms === null ? null : at + ms;
}

/** The highest of some severities ('info' for none). */
export function highestSeverity(list: readonly Severity[]): Severity {
  let i = 0;
  for (const s of list) i = Math.max(i, SEVERITIES.indexOf(s));
  return SEVERITIES[i]!;
}

/** How an assessment's severity compares with the case's. */
export function assessment(from: Severity, to: Severity): 'confirmed' | 'downgraded' | 'raised' {
  const d = SEVERITIES.indexOf(to) - SEVERITIES.indexOf(from);
  return d === 0 ? 'confirmed' : d < 0 ? 'downgraded' : 'raised';
}

/**
 * Checks a change against the case as it is; throws the API's code when staff may not make it:
 * CONSOLE_CASE_BAD_TRANSITION (the stage rule), CONSOLE_CASE_NEEDS_SEVERITY (初步评估 without
 * the severity found), CONSOLE_CASE_NEEDS_OUTCOME (处置 without what was done),
 * CONSOLE_CASE_CLOSED (gathering alerts, attaching events or assigning on a closed case:
 * re-open it first; a note is always allowed).
 */
export function checkCaseChange(before: CaseRow, change: CaseChange): void {
  const fail = (code: ConsoleApiCode, params: Record<string, string | number>) => {
    throw new BaomiError(code, { id: before.id, ...params }, 1);
  };
  if (change.kind === 'stage') {
    if (!alertTransitionAllowed(before.stage, change.stage))
      fail('CONSOLE_CASE_BAD_TRANSITION', { from: before.stage, to: change.stage });
    if (change.stage === '初步评估' && change.severity === undefined)
      fail('CONSOLE_CASE_NEEDS_SEVERITY', {});
    if (change.stage === '处置' && !change.outcome?.trim()) fail('CONSOLE_CASE_NEEDS_OUTCOME', {});
    return;
  }
  if (change.kind !== 'note' && before.stage === '结案')
    fail('CONSOLE_CASE_CLOSED', { stage: before.stage });
}
