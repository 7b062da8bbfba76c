// Issue 8, friction in the `baomi events` table: alert.raised rows show their rule and count,
// baseline files are marked, file.hashed is folded into the event it completes (--hashes
// shows it as a row), and times carry their zone, the same in the table and the CSV (--utc
// for UTC). --json stays exactly as stored: it is the export contract.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/agent/store/index.js';
import type { BaomiEvent } from '../../../src/core/events/types.js';
import { readEvents, runCli } from '../../helpers/agent.js';

const T0 = Date.parse('2026-11-20T08:00:00Z');
const SHA = 'ab'.repeat(32);
let dataDir = '';

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'baomi-table-'));
  const store = openStore({ dataDir, host: 'ws-01', now: () => T0 });
  const add = (type: BaomiEvent['type'], data: BaomiEvent['data'], dt: number, level = 'AAA') =>
    store.append({ type, severity: 'info', data, ts: T0 + dt, level });
  await add('file.created', { path: '/srv/f/old.xlsx', size: 1, baseline: true }, 0); // 1
  await add('file.modified', { path: '/srv/f/new.xlsx', size: 2 }, 1000); // 2
  await add('file.hashed', { path: '/srv/f/new.xlsx', sha256: SHA, size: 2, ofSeq: 2 }, 2000); // 3
  await store.append({
    type: 'alert.raised',
    severity: 'critical',
    level: 'AAA',
    ts: T0 + 3000,
    data: {
      rule: { index: 0, match: 'file.*', level: 'AAA', count: 100, within: '5m' },
      count: 101,
      windowStart: T0 - 297_000,
      windowEnd: T0 + 3000,
      sample: [],
      suppressed: 0,
    },
  }); // 4
  store.close();
});

const SH = { TZ: 'Asia/Shanghai' };
const table = (args: string[] = [], env: Record<string, string> = SH) => {
  const r = runCli(['events', '--data-dir', dataDir, ...args], env);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trimEnd().split('\n');
};

describe('the baomi events table', () => {
  it('shows an alert with its rule and count', () => {
    const row = table().find((l) => l.includes('alert.raised'))!;
    expect(row).toContain('101 file.* events at level AAA or higher within 5m (policy alerts[0])');
    const zh = table([], { ...SH, LANG: 'zh_CN.UTF-8' }).find((l) => l.includes('alert.raised'))!;
    expect(zh).toContain('5m内发生 101 次 file.* 事件');
  });

  it('marks baseline files', () => {
    expect(table().find((l) => l.includes('old.xlsx'))).toMatch(/\[baseline/);
    expect(table().find((l) => l.includes('new.xlsx'))).not.toMatch(/baseline/);
    const zh = table([], { ...SH, LANG: 'zh_CN.UTF-8' });
    expect(zh.find((l) => l.includes('old.xlsx'))).toMatch(/基线/);
  });

  it('folds file.hashed into the event it completes; --hashes shows it as a row', () => {
    const rows = table();
    expect(rows).toHaveLength(1 + 3);
    expect(rows.some((l) => l.includes('file.hashed'))).toBe(false);
    expect(rows.find((l) => /^2\s/.test(l))).toContain(`/srv/f/new.xlsx sha256 ${SHA}`);
    const all = table(['--hashes']);
    expect(all).toHaveLength(1 + 4);
    expect(all.find((l) => l.includes('file.hashed'))).toMatch(/hash of event 2/);
    // its event filtered out: the hash is a row of its own
    const only = table(['--type', 'file.hashed']);
    expect(only).toHaveLength(2);
    expect(only[1]).toContain(SHA);
  });

  it('writes times with their zone, the same in the table and the CSV; --utc for UTC', () => {
    const rows = table();
    expect(rows[0]).toMatch(/TIME \(Asia\/Shanghai\)/);
    expect(rows[1]).toContain('2026-11-20 16:00:00+08:00');
    const csv = runCli(['events', '--data-dir', dataDir, '--csv'], SH).stdout.split('\r\n');
    expect(csv[1]!.split(',')[3]).toBe('2026-11-20 16:00:00+08:00');
    const utc = table(['--utc']);
    expect(utc[0]).toMatch(/TIME \(UTC\)/);
    expect(utc[1]).toContain('2026-11-20 08:00:00Z');
    const csvUtc = runCli(['events', '--data-dir', dataDir, '--csv', '--utc'], SH).stdout;
    expect(csvUtc.split('\r\n')[1]!.split(',')[3]).toBe('2026-11-20 08:00:00Z');
    // every event is a CSV row: an export folds nothing
    expect(csvUtc.trimEnd().split('\r\n')).toHaveLength(1 + 4);
  });

  it('keeps --json exactly as stored', () => {
    const r = runCli(['events', '--data-dir', dataDir, '--json', '--utc', '--hashes'], SH);
    const stored = readEvents(dataDir).map((e) => JSON.stringify(e));
    expect(r.stdout.trimEnd().split('\n')).toEqual(stored);
  });
});
