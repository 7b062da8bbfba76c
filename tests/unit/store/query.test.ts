import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventStore, openStore } from '../../../src/agent/store/index.js';
import type { EventInput } from '../../../src/core/events/types.js';
import { tmpDirs } from './helpers.js';

const tmp = tmpDirs();
let store: EventStore;

const INPUTS: EventInput[] = [
  { type: 'agent.started', severity: 'info', ts: 1000, data: {} },
  {
    type: 'file.created',
    severity: 'low',
    ts: 2000,
    level: 'A',
    user: 'li',
    data: { path: '/srv/fin/a.xlsx' },
  },
  {
    type: 'file.modified',
    severity: 'medium',
    ts: 3000,
    level: 'AAA',
    user: 'wang',
    data: { path: 'C:\\Users\\Wang\\b.doc' },
  },
  {
    type: 'usb.blocked',
    severity: 'high',
    ts: 4000,
    user: 'li',
    data: { vendor: '0781', rule: 'default' },
  },
  {
    type: 'file.deleted',
    severity: 'critical',
    ts: 5000,
    level: '机密',
    user: 'li',
    data: { path: '/srv/机密/计划 100%.txt' },
  },
  {
    type: 'file.renamed',
    severity: 'info',
    ts: 6000,
    level: '绝密',
    data: { path: '/x/new', oldPath: '/x/old_name' },
  },
];

beforeAll(async () => {
  store = openStore({ dataDir: tmp.make(), host: 'h' });
  for (const i of INPUTS) await store.append(i);
});
afterAll(() => {
  store.close();
  tmp.cleanup();
});

const seqs = (f: Parameters<EventStore['query']>[0]) => store.query(f).map((e) => e.seq);

describe('query', () => {
  it('returns everything in seq order without a filter', () => {
    expect(seqs({})).toEqual([1, 2, 3, 4, 5, 6]);
    expect(seqs({ order: 'desc', limit: 2 })).toEqual([6, 5]);
  });

  it('filters by exact types and globs', () => {
    expect(seqs({ types: ['file.*'] })).toEqual([2, 3, 5, 6]);
    expect(seqs({ types: ['usb.blocked', 'agent.started'] })).toEqual([1, 4]);
    expect(seqs({ types: ['file'] })).toEqual([]);
  });

  it('filters by minimum severity', () => {
    expect(seqs({ minSeverity: 'high' })).toEqual([4, 5]);
    expect(seqs({ minSeverity: 'info' })).toHaveLength(6);
  });

  it('filters by level at or above, on the same scale only', () => {
    expect(seqs({ level: 'AA' })).toEqual([3]);
    expect(seqs({ level: 'A' })).toEqual([2, 3]);
    expect(seqs({ level: '机密' })).toEqual([5, 6]);
  });

  it('filters by time range [since, until)', () => {
    expect(seqs({ since: 2000, until: 4000 })).toEqual([2, 3]);
  });

  it('finds text in paths, case-insensitively and literally', () => {
    expect(seqs({ text: 'FIN/a' })).toEqual([2]);
    expect(seqs({ text: 'C:\\Users\\Wang' })).toEqual([3]);
    expect(seqs({ text: '100%' })).toEqual([5]);
    expect(seqs({ text: 'old_' })).toEqual([6]);
    expect(seqs({ text: 'o_d' })).toEqual([]);
    expect(seqs({ text: '计划' })).toEqual([5]);
  });

  it('filters by user and afterSeq, combined with AND, and limits', () => {
    expect(seqs({ user: 'li' })).toEqual([2, 4, 5]);
    expect(seqs({ user: 'li', afterSeq: 2, limit: 1 })).toEqual([4]);
  });

  it('pages newest first with beforeSeq (the log viewer), exclusive of it', () => {
    expect(seqs({ beforeSeq: 5, order: 'desc', limit: 2 })).toEqual([4, 3]);
    expect(seqs({ beforeSeq: 3, order: 'desc' })).toEqual([2, 1]);
    expect(seqs({ beforeSeq: 1 })).toEqual([]);
    expect(seqs({ afterSeq: 2, beforeSeq: 5 })).toEqual([3, 4]);
  });

  it('rebuilds events exactly, leaving absent fields out', () => {
    const [e] = store.query({ afterSeq: 5 });
    expect(e).toEqual({
      id: expect.any(String),
      seq: 6,
      ts: 6000,
      type: 'file.renamed',
      severity: 'info',
      level: '绝密',
      host: 'h',
      data: { path: '/x/new', oldPath: '/x/old_name' },
      prevHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });
});
