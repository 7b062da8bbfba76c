// The rules of a case (core/console/cases.ts): which change staff may make, the severity found
// at assessment, when a stage is due.
import { describe, expect, it } from 'vitest';
import {
  assessment,
  CASE_DUE_MS,
  type CaseRow,
  caseDueAt,
  checkCaseChange,
  highestSeverity,
} from '../../../src/core/console/cases.js';
import { BaomiError } from '../../../src/core/errors.js';

const H = 3_600_000;
const base: CaseRow = {
  id: 7,
  title: 't',
  stage: '调查',
  severity: 'high',
  openedBy: 'a',
  openedAt: 0,
  assignee: null,
  dueAt: null,
  updatedAt: 0,
  outcome: null,
  alertIds: [1],
};

function codeOf(f: () => void): string | null {
  try {
    f();
    return null;
  } catch (e) {
    return e instanceof BaomiError ? `${e.code} ${JSON.stringify(e.params)}` : String(e);
  }
}

describe('case rules', () => {
  it('moves forward (skipping allowed) or back to 调查, each stage with what it needs', () => {
    const stage = (from: CaseRow['stage'], to: CaseRow['stage'], more = {}) =>
      codeOf(() =>
        checkCaseChange(
          { ...base, stage: from },
          { kind: 'stage', stage: to, note: 'n', by: 'b', at: 1, ...more },
        ),
      );
    expect(stage('预报', '调查')).toBeNull();
    expect(stage('预报', '结案')).toBeNull();
    expect(stage('结案', '调查')).toBeNull();
    expect(stage('调查', '预报')).toBe(
      'CONSOLE_CASE_BAD_TRANSITION {"id":7,"from":"调查","to":"预报"}',
    );
    expect(stage('结案', '处置', { outcome: 'x' })).toMatch(/^CONSOLE_CASE_BAD_TRANSITION/);
    expect(stage('调查', '调查')).toMatch(/^CONSOLE_CASE_BAD_TRANSITION/);
    expect(stage('调查', '初步评估')).toBe('CONSOLE_CASE_NEEDS_SEVERITY {"id":7}');
    expect(stage('调查', '初步评估', { severity: 'info' })).toBeNull();
    expect(stage('调查', '处置')).toBe('CONSOLE_CASE_NEEDS_OUTCOME {"id":7}');
    expect(stage('调查', '处置', { outcome: ' \n ' })).toMatch(/^CONSOLE_CASE_NEEDS_OUTCOME/);
    expect(stage('调查', '处置', { outcome: '约谈' })).toBeNull();
  });

  it('a closed case takes notes only', () => {
    const closed = { ...base, stage: '结案' as const };
    const at = { by: 'b', at: 1 };
    expect(codeOf(() => checkCaseChange(closed, { kind: 'note', text: 'x', ...at }))).toBeNull();
    for (const c of [
      { kind: 'assign' as const, assignee: null },
      { kind: 'alerts' as const, alertIds: [2] },
      { kind: 'events' as const, events: [{ agentId: 'a', seq: 1 }] },
    ])
      expect(codeOf(() => checkCaseChange(closed, { ...c, ...at }))).toBe(
        'CONSOLE_CASE_CLOSED {"id":7,"stage":"结案"}',
      );
    expect(
      codeOf(() => checkCaseChange(base, { kind: 'assign', assignee: 'x', ...at })),
    ).toBeNull();
  });

  it('severity found, highest severity, due times', () => {
    expect(assessment('high', 'high')).toBe('confirmed');
    expect(assessment('high', 'low')).toBe('downgraded');
    expect(assessment('low', 'critical')).toBe('raised');
    expect(highestSeverity([])).toBe('info');
    expect(highestSeverity(['low', 'critical', 'medium'])).toBe('critical');
    expect(caseDueAt('预报', 10)).toBe(10 + 24 * H);
    expect(caseDueAt('处置', 10)).toBe(10 + 168 * H);
    expect(caseDueAt('结案', 10)).toBeNull();
    expect(Object.keys(CASE_DUE_MS)).toEqual(['预报', '调查', '初步评估', '处置', '结案']);
  });
});
