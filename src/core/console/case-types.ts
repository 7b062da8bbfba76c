// The shapes of a case (core/console/cases.ts has the rules): types only, so the web UI can
// share them without pulling anything else of core into the browser's type check.
import type { Severity } from '../events/types.js';
import type { AlertStage } from './alerts.js';

export type CaseStage = AlertStage;

export interface CaseRow {
  id: number;
  title: string;
  stage: CaseStage;
  /** The severity: the highest of its alerts' when opened, then as assessed at 初步评估. */
  severity: Severity;
  openedBy: string;
  openedAt: number;
  assignee: string | null;
  /** When the current stage is due to be left (null at 结案). */
  dueAt: number | null;
  updatedAt: number;
  /** What was done (given on entering 处置). */
  outcome: string | null;
  /** The alerts gathered in it, ascending. */
  alertIds: number[];
}

/** One line of a case's history: who did what when. */
export interface CaseEntry {
  id: number;
  caseId: number;
  ts: number;
  actor: string;
  kind: 'opened' | 'stage' | 'note' | 'assigned' | 'alerts' | 'events';
  data: { [k: string]: string | number | null | (string | number)[] };
}

export interface CaseEventRef {
  agentId: string;
  seq: number;
}

/** What a case's page shows beside its row (with its alerts: store/cases-sql.ts CaseDetail). */
export interface CaseDetailRefs {
  events: CaseEventRef[];
  entries: CaseEntry[];
}

/** What opens a case. */
export interface CaseOpen {
  title: string;
  alertIds: number[];
  by: string;
  at: number;
  assignee?: string;
  note?: string;
}

/** A change of a case by staff (one of). */
export type CaseChange = { by: string; at: number } & (
  | { kind: 'stage'; stage: CaseStage; note: string; severity?: Severity; outcome?: string }
  | { kind: 'note'; text: string }
  | { kind: 'assign'; assignee: string | null }
  | { kind: 'alerts'; alertIds: number[] }
  | { kind: 'events'; events: CaseEventRef[] }
);

export interface CaseFilter {
  stage?: CaseStage;
  assignee?: string;
  /** Only cases not closed whose stage was due before this time. */
  overdueAt?: number;
  /** Keyset paging: cases with an id below this (newest first). */
  before?: number;
  limit: number;
}
