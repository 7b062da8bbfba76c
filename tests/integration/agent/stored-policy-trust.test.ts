// Issue 8 item 2: the DEMO policy must not outlive `--trust-demo`. The policy kept from the
// last run is in force only if it verifies against the keys trusted in this run.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  agentDirs,
  POLICIES,
  readEvents,
  runCli,
  startAgentProcess,
  stopAgent,
  waitFor,
  waitForEvent,
} from '../../helpers/agent.js';

describe('the stored policy at start', () => {
  it('is not in force when no key trusted in this run signed it: event, banner, status', async () => {
    const d = agentDirs();
    copyFileSync(join(POLICIES, 'demo.yaml'), d.policyFile);
    copyFileSync(join(POLICIES, 'demo.yaml.sig'), `${d.policyFile}.sig`);
    // Only the DEMO key, and only through the flag (as `npm start` does).
    rmSync(d.trustDir, { recursive: true });
    mkdirSync(join(d.trustDir, 'policy'), { recursive: true });
    const demo = startAgentProcess(d, ['--trust-demo']);
    await waitForEvent(d.dataDir, (e) => e.type === 'policy.applied', 'DEMO policy applied');
    expect(await stopAgent(demo)).toBe(0);

    // The same agent without --trust-demo: the kept DEMO policy is not in force.
    const plain = startAgentProcess(d);
    try {
      await waitFor('the banner', () => plain.stdout().includes('Sockets'));
      expect(plain.stdout()).toMatch(/not signed by a key trusted in this run/);
      expect(plain.stdout()).toMatch(/Policy in force: none/);
      const s = runCli(['status', '--json', '--socket', join(d.socketDir, 'admin.sock')]);
      expect(s.code, s.stderr).toBe(0);
      const status = JSON.parse(s.stdout);
      expect(status.policy).toBeNull();
      expect(status.policyProblem).toMatchObject({ code: 'POLICY_STORED_UNTRUSTED', version: 2 });
      expect(status.watched).toEqual([]);
      // And in words, not only in --json.
      const text = runCli(['status', '--socket', join(d.socketDir, 'admin.sock')]);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toMatch(/^Policy problem: .*not signed by a key trusted in this run/m);
      const refused = readEvents(d.dataDir).filter(
        (e) => e.type === 'policy.rejected' && e.data.code === 'POLICY_STORED_UNTRUSTED',
      );
      expect(refused).toHaveLength(1);
      expect(refused[0]?.severity).toBe('high');
    } finally {
      await stopAgent(plain);
    }
  });
});
