// Issue 8, "`policy.rejected` noise": the real agent, real files. IT copies a policy and its
// signature one after the other: the pair is judged once it has settled, so a `.sig` copied a
// second after its `.yaml` is no refusal. An unchanged refused file is one event, however
// often the agent restarts.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateKeyPair, signPolicy } from '../../../src/core/policy/signature.js';
import {
  type AgentDirs,
  type AgentProcess,
  agentDirs,
  POLICIES,
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const policyEvents = (d: AgentDirs) =>
  readEvents(d.dataDir).filter((e) => e.type === 'policy.applied' || e.type === 'policy.rejected');
const admin = (d: AgentDirs) => ['--socket', join(d.socketDir, 'admin.sock')];

function trustNewKey(d: AgentDirs) {
  const keys = generateKeyPair();
  mkdirSync(join(d.trustDir, 'policy'), { recursive: true });
  writeFileSync(join(d.trustDir, 'policy', 'it.pub'), keys.publicKeyPem, { mode: 0o644 });
  return (yaml: string) => {
    const bytes = Buffer.from(yaml);
    return { bytes, sig: signPolicy(bytes, keys.privateKeyPem) };
  };
}

describe('deploying a policy as two files', () => {
  it('the .sig copied 1.2 s after the .yaml: no policy.rejected, then policy.applied', async () => {
    const d = agentDirs();
    const sign = trustNewKey(d);
    const v1 = sign(policyYaml(1, 'usb: { storage: audit }'));
    writeFileSync(d.policyFile, v1.bytes);
    writeFileSync(`${d.policyFile}.sig`, v1.sig);
    agent = startAgentProcess(d);
    await waitForEvent(d.dataDir, (e) => e.type === 'policy.applied', 'v1');
    await waitFor('the agent answering', () => runCli(['status', ...admin(d)]).code === 0);
    const before = readEvents(d.dataDir).at(-1)!.seq;

    // The new policy first, its signature a little later (well past the old 0.4 s quiet).
    const v2 = sign(policyYaml(2, 'usb: { storage: audit }'));
    writeFileSync(d.policyFile, v2.bytes);
    await sleep(1200);
    writeFileSync(`${d.policyFile}.sig`, v2.sig);
    const applied = await waitForEvent(d.dataDir, (e) => e.type === 'policy.applied', 'v2', before);
    expect(applied.data.version).toBe(2);
    // And after the settle window nothing else is said about that pair.
    await sleep(2500);
    expect(
      policyEvents(d)
        .filter((e) => e.seq > before)
        .map((e) => e.type),
    ).toEqual(['policy.applied']);
  });

  it('an unchanged bad policy across a restart: exactly one policy.rejected', async () => {
    const d = agentDirs();
    copyFileSync(join(POLICIES, 'bad', 'wrong-types.yaml'), d.policyFile);
    agent = startAgentProcess(d);
    const first = await waitForEvent(d.dataDir, (e) => e.type === 'policy.rejected', 'refused');
    await waitFor('the agent answering', () => runCli(['status', ...admin(d)]).code === 0);
    expect(await stopAgent(agent)).toBe(0);

    agent = startAgentProcess(d);
    const restarted = await waitForEvent(
      d.dataDir,
      (e) => e.type === 'agent.started',
      'restart',
      first.seq,
    );
    await waitFor('the agent answering', () => runCli(['status', ...admin(d)]).code === 0);
    // The start banner says why no policy is in force, from the first run's event.
    const banner = await waitFor(
      'the banner',
      () => agent!.stdout().includes('Sockets') && agent!.stdout(),
    );
    expect(banner).toContain(`! Last policy refused (`);
    expect(banner).toMatch(new RegExp(`event ${first.seq}\\): Wrong type at line 7, column 9`));
    expect(banner).toContain('(and 1 more problem(s) in that file: baomi policy status)');
    // status still names the refused file and why, from the first run's event
    const j = JSON.parse(runCli(['policy', 'status', '--json', ...admin(d)]).stdout);
    expect(j.policyRejected).toMatchObject({ seq: first.seq, code: first.data.code });
    expect(j.policyRejected.problems.length).toBeGreaterThan(1);
    expect(await stopAgent(agent)).toBe(0);
    agent = null;
    expect(restarted.seq).toBeGreaterThan(first.seq);
    expect(readEvents(d.dataDir).filter((e) => e.type === 'policy.rejected')).toHaveLength(1);

    // `baomi policy status` lists every problem of the file, in both languages.
    const en = runCli(['policy', 'status', '--data-dir', d.dataDir]);
    expect(en.code, en.stderr).toBe(0);
    expect(en.stdout).toMatch(/line 7, column 9 \(idle\.lock\): expected true or false/);
    expect(en.stdout).toMatch(/\n {2}also: Wrong type at line 9, column 3: expected a list/);
    const zh = runCli(['policy', 'status', '--data-dir', d.dataDir], { LANG: 'zh_CN.UTF-8' });
    expect(zh.stdout).toMatch(/第 \d+ 行第 \d+ 列.*\n.*第 \d+ 行第 \d+ 列/);
  });

  it('a bad file dropped while it runs: one event, every problem on the terminal', async () => {
    const d = agentDirs();
    agent = startAgentProcess(d);
    const missing = await waitForEvent(d.dataDir, (e) => e.type === 'policy.rejected', 'none');
    expect(missing.data.code).toBe('POLICY_FILE_MISSING');
    await waitFor('the agent answering', () => runCli(['status', ...admin(d)]).code === 0);
    const bad = readFileSync(join(POLICIES, 'bad', 'wrong-types.yaml'), 'utf8');
    writeFileSync(d.policyFile, `${bad}fodlers: []\n`);
    const refused = await waitForEvent(
      d.dataDir,
      (e) => e.type === 'policy.rejected',
      'refused',
      missing.seq,
    );
    expect(refused.data.problems).toHaveLength(3);
    const err = await waitFor('the refusal on the terminal', () => {
      const t = agent!.stderr();
      return t.includes('fodlers') && t;
    });
    expect(err).toMatch(
      /Policy refused: Wrong type at line 7, column 9 \(idle\.lock\).*No policy is in force: the agent runs on the fail-closed defaults.*\n {2}also: Wrong type at line 9, column 3.*\n {2}also: Unknown key "fodlers" at line 10, column 1/,
    );
    await sleep(2500); // settled and recorded: nothing more about it
    expect(readEvents(d.dataDir).filter((e) => e.type === 'policy.rejected')).toHaveLength(2);
  });
});
