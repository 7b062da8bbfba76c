// Issue 8, friction in `baomi status`: "no console configured" instead of a count that only
// grows; why USB enforcement is off, in words; the last refused policy and why (a slice of
// the policy module, rendered by the one source for refusal text), also from
// `baomi policy status`, from a data dir, and after a restart; gone once a newer one applies.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AgentDirs,
  type AgentProcess,
  agentDirs,
  installSignedPolicy,
  policyYaml,
  readEvents,
  runCli,
  startAgentProcess,
  stopAgent,
  waitFor,
  waitForEvent,
} from '../../helpers/agent.js';

let agent: AgentProcess | null = null;
afterEach(async () => {
  if (agent) await stopAgent(agent);
  agent = null;
});

const admin = (d: AgentDirs) => ['--socket', join(d.socketDir, 'admin.sock')];

async function start(d: AgentDirs) {
  agent = startAgentProcess(d);
  await waitFor('the agent answering', () => runCli(['status', ...admin(d)]).code === 0);
}

const lastSeq = (d: AgentDirs) => readEvents(d.dataDir).at(-1)?.seq ?? 0;

describe('baomi status', () => {
  it('says "no console configured" without sync.console; the count stays in --json', async () => {
    const d = agentDirs();
    installSignedPolicy(d, policyYaml(1, 'usb: { storage: audit }'));
    await start(d);
    const r = runCli(['status', ...admin(d)]);
    expect(r.stdout).toMatch(/no console configured/);
    expect(r.stdout).not.toMatch(/waiting to sync/);
    // why USB enforcement is off, in words, in both languages
    expect(r.stdout).toMatch(/USB enforcement: off \(the agent runs without --enforce/);
    const zh = runCli(['status', ...admin(d)], { LANG: 'zh_CN.UTF-8' });
    expect(zh.stdout).toMatch(/未配置管理控制台/);
    expect(zh.stdout).toMatch(/USB 管控：未启用（代理未以 --enforce 运行/);
    const s = JSON.parse(runCli(['status', '--json', ...admin(d)]).stdout);
    expect(s.events.unsynced).toBeGreaterThan(0);
    expect(s.sync).toEqual({ console: null });
    // a policy that names a console: the count is what waits for it
    installSignedPolicy(
      d,
      policyYaml(2, 'usb: { storage: audit }\nsync: { console: "https://console.example.com" }'),
    );
    await waitForEvent(d.dataDir, (e) => e.type === 'policy.applied' && e.data.version === 2, 'v2');
    await waitFor('the new status', () =>
      /waiting to sync to https:\/\/console\.example\.com: \d+/.test(
        runCli(['status', ...admin(d)]).stdout,
      ),
    );
  }, 30_000);

  it('shows the last refused policy and why, as long as the one in force is older', async () => {
    const d = agentDirs();
    installSignedPolicy(d, policyYaml(5, 'usb: { storage: audit }'));
    await start(d);
    expect(runCli(['policy', 'status', ...admin(d)]).stdout).toMatch(
      /No policy file has been refused/,
    );
    const before = lastSeq(d);
    installSignedPolicy(d, policyYaml(4, 'usb: { storage: audit }')); // a downgrade
    const rej = await waitForEvent(
      d.dataDir,
      (e) => e.type === 'policy.rejected',
      'refusal',
      before,
    );
    const reason = /version 4.*older|older.*version 4|4.*5/;
    const why = await waitFor('status naming the refusal', () => {
      const r = runCli(['status', ...admin(d)]);
      return /Last policy refused/.test(r.stdout) && r.stdout;
    });
    expect(why).toMatch(reason);
    expect(why).not.toMatch(/\{\{/);
    expect(why).toContain(`event ${rej.seq}`);
    expect(why).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d([+-]\d\d:\d\d|Z)/);
    const ps = runCli(['policy', 'status', ...admin(d)]);
    expect(ps.code, ps.stderr).toBe(0);
    expect(ps.stdout).toMatch(/version 5/);
    expect(ps.stdout).toMatch(reason);
    expect(ps.stdout).toContain(`Refused file: ${d.policyFile}`);
    const zh = runCli(['policy', 'status', ...admin(d)], { LANG: 'zh_CN.UTF-8' });
    expect(zh.stdout).toMatch(/最近一次被拒绝的策略/);
    expect(zh.stdout).not.toMatch(/\{\{|Last policy/);
    const j = JSON.parse(runCli(['policy', 'status', '--json', ...admin(d)]).stdout);
    expect(j.policy.version).toBe(5);
    expect(j.policyRejected).toMatchObject({
      seq: rej.seq,
      at: rej.ts,
      code: rej.data.code,
      params: rej.data.params,
      inForceVersion: 5,
    });
    // the agent stopped: the data dir says the same; and again after a restart
    await stopAgent(agent!);
    agent = null;
    const off = runCli(['policy', 'status', '--data-dir', d.dataDir]);
    expect(off.stdout).toMatch(reason);
    await start(d);
    expect(runCli(['status', ...admin(d)]).stdout).toMatch(/Last policy refused/);
    // a newer policy applies: nothing refused since
    const at = lastSeq(d);
    installSignedPolicy(d, policyYaml(6, 'usb: { storage: audit }'));
    await waitForEvent(d.dataDir, (e) => e.type === 'policy.applied', 'v6', at);
    await waitFor('the refusal cleared', () =>
      /No policy file has been refused/.test(runCli(['policy', 'status', ...admin(d)]).stdout),
    );
    expect(runCli(['status', ...admin(d)]).stdout).not.toMatch(/Last policy refused/);
  }, 60_000);
});
