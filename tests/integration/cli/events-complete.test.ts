// Exports are complete unless the person asked for less (issue 8, item 4): `baomi events`
// has no silent cap in any form, pages through the agent's socket (which caps one answer at
// 10,000 events) with afterSeq, and says on stderr how many were left out when --limit cut.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/agent/store/index.js';
import {
  type AgentDirs,
  type AgentProcess,
  agentDirs,
  runCli,
  startAgentProcess,
  stopAgent,
  waitFor,
} from '../../helpers/agent.js';

const N = 12_345; // more than the socket's 10,000 per answer and the old default of 1,000
let d: AgentDirs;
let agent: AgentProcess | undefined;

beforeAll(async () => {
  d = agentDirs();
  mkdirSync(d.dataDir, { recursive: true });
  const store = openStore({ dataDir: d.dataDir, host: 'ws-01' });
  const T0 = Date.parse('2026-11-20T08:00:00Z');
  const writes: Promise<unknown>[] = [];
  for (let i = 0; i < N; i++) {
    writes.push(
      store.append({
        type: 'file.modified',
        severity: 'info',
        level: 'AA',
        ts: T0 + i,
        data: { path: `/srv/finance/f${i}.xlsx`, size: i },
      }),
    );
  }
  await Promise.all(writes);
  store.close();
}, 120_000);

afterAll(async () => {
  if (agent) await stopAgent(agent);
});

const lines = (s: string, sep = '\n') => s.split(sep).filter((l) => l !== '');

describe('baomi events exports everything', () => {
  it('--json, --csv and the table from --data-dir hold every event, and stderr is quiet', () => {
    const j = runCli(['events', '--data-dir', d.dataDir, '--json']);
    expect(j.code, j.stderr).toBe(0);
    const seqs = lines(j.stdout).map((l) => JSON.parse(l).seq as number);
    expect(seqs).toHaveLength(N);
    expect(seqs[0]).toBe(1);
    expect(seqs.at(-1)).toBe(N);
    expect(j.stderr).toBe('');
    const c = runCli(['events', '--data-dir', d.dataDir, '--csv']);
    expect(lines(c.stdout, '\r\n')).toHaveLength(N + 1); // and the header
    expect(c.stderr).toBe('');
    const t = runCli(['events', '--data-dir', d.dataDir]);
    expect(t.code, t.stderr).toBe(0);
    expect(lines(t.stdout)).toHaveLength(N + 1);
  });

  it('--limit N keeps the newest N and says on stderr how many were left out; 0 means all', () => {
    const r = runCli(['events', '--data-dir', d.dataDir, '--json', '--limit', '100']);
    expect(r.code, r.stderr).toBe(0);
    const seqs = lines(r.stdout).map((l) => JSON.parse(l).seq as number);
    expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => N - 99 + i));
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`100 of ${N}\\b.*${N - 100} older`));
    const zh = runCli(['events', '--data-dir', d.dataDir, '--limit', '100'], {
      LANG: 'zh_CN.UTF-8',
    });
    expect(zh.stderr).toMatch(new RegExp(`${N - 100} 条`));
    const all = runCli(['events', '--data-dir', d.dataDir, '--json', '--limit', '0']);
    expect(lines(all.stdout)).toHaveLength(N);
    expect(all.stderr).toBe('');
    // A limit that cuts nothing says nothing.
    const roomy = runCli(['events', '--data-dir', d.dataDir, '--json', '--limit', String(N)]);
    expect(lines(roomy.stdout)).toHaveLength(N);
    expect(roomy.stderr).toBe('');
    expect(runCli(['events', '--data-dir', d.dataDir, '--limit', '-1']).code).toBe(2);
  });

  it('through a running agent: pages past the socket cap of 10,000', async () => {
    agent = startAgentProcess(d);
    const admin = join(d.socketDir, 'admin.sock');
    await waitFor('the agent answering', () => runCli(['status', '--socket', admin]).code === 0);
    const r = runCli(['events', '--socket', admin, '--json', '--type', 'file.modified']);
    expect(r.code, r.stderr).toBe(0);
    const seqs = lines(r.stdout).map((l) => JSON.parse(l).seq as number);
    expect(seqs).toHaveLength(N);
    expect(new Set(seqs).size).toBe(N);
    expect(r.stderr).toBe('');
    const cut = runCli([
      'events',
      '--socket',
      admin,
      '--csv',
      '--type',
      'file.*',
      '--limit',
      '10500',
    ]);
    expect(lines(cut.stdout, '\r\n')).toHaveLength(10_501);
    expect(cut.stderr).toMatch(new RegExp(`10500 of ${N}\\b.*${N - 10_500} older`));
  }, 60_000);
});
