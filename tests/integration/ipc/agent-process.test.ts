// The client against the real agent, a real process: the tray's connection survives the
// agent's restart and its subscription resumes with every event once.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BaomiEvent } from '../../../src/core/events/types.js';
import { connectAgent } from '../../../src/ipc/index.js';
import {
  agentDirs,
  POLICIES,
  readEvents,
  startAgentProcess,
  stopAgent,
  waitFor,
} from '../../helpers/agent.js';

describe('ipc client and a real agent', () => {
  it('follows the log across an agent restart, with nothing missing and nothing twice', async () => {
    const d = agentDirs();
    copyFileSync(join(POLICIES, 'demo.yaml'), d.policyFile);
    copyFileSync(join(POLICIES, 'demo.yaml.sig'), `${d.policyFile}.sig`);
    const admin = join(d.socketDir, 'admin.sock');
    let a = startAgentProcess(d);
    const tray = await connectAgent(admin, { reconnect: { minMs: 50, maxMs: 500 } });
    try {
      const got: BaomiEvent[] = [];
      await tray.subscribe({ afterSeq: 0, window: 16 }, (f) => {
        if (f.push === 'event') got.push(f.event);
      }).ready;
      await waitFor('policy.applied', () => got.some((e) => e.type === 'policy.applied'));
      expect(await stopAgent(a)).toBe(0);
      await waitFor('disconnected', () => tray.state === 'disconnected');
      a = startAgentProcess(d);
      await waitFor(
        'the second start',
        () => got.filter((e) => e.type === 'agent.started').length === 2,
      );
      await waitFor('second policy', () => got.at(-1)?.type === 'policy.applied' || got.length > 5);
      // agent.stopped was committed after the sockets closed: it arrives after the reconnect.
      const types = got.map((e) => e.type);
      expect(types).toContain('agent.stopped');
      expect(got.map((e) => e.seq)).toEqual(got.map((_, i) => i + 1));
      const stored = readEvents(d.dataDir).map((e) => e.seq);
      expect(stored.slice(0, got.length)).toEqual(got.map((e) => e.seq));
    } finally {
      tray.close();
      await stopAgent(a);
    }
  });
});
