// The real agent checks its own chain (issue 8 item 7): rows deleted from the end of the log
// while it was stopped are said in its start banner, recorded as a critical
// `store.chain-checked`, shown by `baomi status`, and `baomi verify` exits 1, over the socket
// and on the data dir.
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  agentDirs,
  POLICIES,
  runCli,
  startAgentProcess,
  stopAgent,
  waitFor,
  waitForEvent,
} from '../../helpers/agent.js';

function withDemoPolicy() {
  const d = agentDirs();
  copyFileSync(join(POLICIES, 'demo.yaml'), d.policyFile);
  copyFileSync(join(POLICIES, 'demo.yaml.sig'), `${d.policyFile}.sig`);
  return d;
}

describe('the agent checks its own chain', () => {
  it('records an intact chain at start (info) and writes chain.head', async () => {
    const d = withDemoPolicy();
    const a = startAgentProcess(d);
    try {
      const e = await waitForEvent(d.dataDir, (x) => x.type === 'store.chain-checked', 'check');
      expect(e).toMatchObject({ severity: 'info', data: { ok: true, scope: 'start' } });
      await waitFor('walk line', () => a.stdout().includes('Event chain: intact'));
      const s = runCli(['status', '--socket', join(d.socketDir, 'admin.sock'), '--json']);
      expect(JSON.parse(s.stdout).chain).toMatchObject({ ok: true, scope: 'start' });
    } finally {
      expect(await stopAgent(a)).toBe(0);
    }
    const head = JSON.parse(readFileSync(join(d.dataDir, 'chain.head'), 'utf8'));
    const last = runCli(['events', '--data-dir', d.dataDir, '--json', '--limit', '1']);
    expect(head).toEqual({ seq: JSON.parse(last.stdout).seq, hash: JSON.parse(last.stdout).hash });
  });

  it('says a log cut while it was stopped: banner, critical event, status, verify', async () => {
    const d = withDemoPolicy();
    const first = startAgentProcess(d);
    await waitForEvent(d.dataDir, (x) => x.type === 'store.chain-checked', 'first check');
    expect(await stopAgent(first)).toBe(0);
    // The attack: delete the newest rows, as root with sqlite3 would.
    const db = new Database(join(d.dataDir, 'baomi.db'));
    const { last } = db.prepare('SELECT max(seq) AS last FROM events').get() as { last: number };
    db.prepare('DELETE FROM events WHERE seq > ?').run(last - 2);
    db.close();

    const a = startAgentProcess(d);
    try {
      await waitFor('banner', () => a.stdout().includes('Press Ctrl-C'));
      expect(a.stdout()).toMatch(/! Event chain: BROKEN/);
      // The head compared at start (truncated), or, when the walk at start has already
      // finished, the walk's finding: by then the agent has recorded past the cut, so the
      // event at the head's seq is another one (head-mismatch).
      expect(a.stdout()).toMatch(/\((truncated|head-mismatch)\)/);
      const e = await waitForEvent(
        d.dataDir,
        (x) => x.type === 'store.chain-checked' && x.data.scope === 'head',
        'head check',
      );
      expect(e).toMatchObject({
        severity: 'critical',
        data: {
          ok: false,
          breaks: [{ kind: 'truncated', params: { last: last - 2, head: last } }],
        },
      });
      await waitForEvent(
        d.dataDir,
        (x) => x.type === 'store.chain-checked' && x.data.scope === 'start',
        'walk',
      );
      const admin = join(d.socketDir, 'admin.sock');
      const s = runCli(['status', '--socket', admin]);
      expect(s.stdout).toMatch(/Event chain: BROKEN/);
      expect(s.stdout).toMatch(/\((truncated|head-mismatch)\)/);
      const zh = runCli(['status', '--socket', admin], { LANG: 'zh_CN.UTF-8' });
      expect(zh.stdout).toMatch(/事件哈希链：已断裂/);
      const v = runCli(['verify', '--socket', admin]);
      expect(v.code).toBe(1);
      expect(v.stderr).toMatch(/\((truncated|head-mismatch)\)/);
    } finally {
      expect(await stopAgent(a)).toBe(0);
    }
    // Stopped: the kept status still says it (and the rest of the last answer: it used to be
    // kept after the modules stopped, with none of their slices).
    const s = runCli(['status', '--data-dir', d.dataDir]);
    expect(s.stdout).toMatch(/Event chain: BROKEN/);
    expect(s.stdout).toMatch(/Policy in force: DEMO/);
  });
});
