// `baomi events`, `status` and `verify` on a data dir opened read-only: filters, the three
// output forms, and CSV that a spreadsheet cannot turn into a formula.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/agent/store/index.js';
import type { BaomiEvent } from '../../../src/core/events/types.js';
import { runCli } from '../../helpers/agent.js';

const T0 = Date.parse('2026-11-20T08:00:00Z');
let dataDir = '';

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'baomi-events-'));
  const store = openStore({ dataDir, host: 'ws-01', now: () => T0 });
  const add = (
    type: BaomiEvent['type'],
    severity: BaomiEvent['severity'],
    data: Record<string, string | number>,
    level?: string,
    dt = 0,
  ) => store.append({ type, severity, data, ts: T0 + dt, ...(level ? { level } : {}) });
  await add('agent.started', 'info', { version: '0.1.0' });
  await add('file.created', 'info', { path: '/srv/财务/报表 2026.xlsx', size: 10 }, 'AAA', 60_000);
  await add('file.modified', 'info', { path: '/srv/hr/名单.docx', size: 20 }, 'A', 120_000);
  await add(
    'file.created',
    'info',
    { path: '/srv/secret/=HYPERLINK("x").csv', size: 1 },
    '机密',
    180_000,
  );
  await add(
    'policy.rejected',
    'high',
    { code: 'POLICY_DOWNGRADE', reason: 'lower version' },
    undefined,
    240_000,
  );
  store.close();
});

function json(args: string[]): BaomiEvent[] {
  const r = runCli(['events', '--data-dir', dataDir, '--json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim()
    ? r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
    : [];
}

describe('baomi events --data-dir', () => {
  it('prints every event as JSON lines, oldest first, exactly as stored', () => {
    const all = json([]);
    expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(all[1]!.data.path).toBe('/srv/财务/报表 2026.xlsx');
    expect(all[1]!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(all[0]!.prevHash).toBe('0'.repeat(64));
  });

  it('filters by type family, level on its own scale, severity, time and text', () => {
    expect(json(['--type', 'file.*']).map((e) => e.seq)).toEqual([2, 3, 4]);
    expect(json(['--level', 'AA']).map((e) => e.seq)).toEqual([2]);
    expect(json(['--level', '秘密']).map((e) => e.seq)).toEqual([4]);
    expect(json(['--severity', 'high']).map((e) => e.type)).toEqual(['policy.rejected']);
    expect(json(['--since', '2026-11-20T08:02:00Z']).map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(json(['--until', '2026-11-20T08:01:00Z']).map((e) => e.seq)).toEqual([1]);
    expect(json(['--text', '财务']).map((e) => e.seq)).toEqual([2]);
    expect(json(['--limit', '2']).map((e) => e.seq)).toEqual([4, 5]);
  });

  it('prints a readable table and says so when nothing matches', () => {
    const r = runCli(['events', '--data-dir', dataDir]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^SEQ\s+TIME \([^)]+\)\s+TYPE/);
    expect(lines).toHaveLength(6);
    expect(r.stdout).toContain('/srv/财务/报表 2026.xlsx');
    const zh = runCli(['events', '--data-dir', dataDir, '--type', 'usb.*'], {
      LANG: 'zh_CN.UTF-8',
    });
    expect(zh.stdout.trim()).toBe('没有符合条件的事件。');
  });

  it('prints CSV with a header and neutralises formula-looking cells', () => {
    const r = runCli(['events', '--data-dir', dataDir, '--csv']);
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\r\n');
    expect(rows[0]).toBe('seq,id,ts,time,type,severity,level,user,host,detail,data,hash');
    expect(rows).toHaveLength(6);
    expect(r.stdout).not.toMatch(/,=HYPERLINK/);
  });

  it('status --json has the shape DESIGN.md gives; verify exits 0 on an intact log', () => {
    const s = runCli(['status', '--data-dir', dataDir, '--json']);
    expect(s.code, s.stderr).toBe(0);
    const o = JSON.parse(s.stdout);
    expect(o).toEqual({
      policy: null,
      folders: 0,
      events: { stored: 5, unsynced: 5 },
      idleSource: 'none',
      usb: { enforcing: false, reason: 'USB_NO_MODULE' },
      running: false,
      watched: [],
      seatUser: null,
      seatSource: 'none',
    });
    const v = runCli(['verify', '--data-dir', dataDir]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/5 events checked/);
  });
});
