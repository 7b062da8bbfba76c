// The agent judges its policy file on a real file system: applies what is valid, signed and
// newer; refuses everything else with policy.rejected and keeps the last good policy, also
// across a restart. Fixtures: policies/bad-signed (signed by the DEMO key) and policies/bad.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describePolicyRejection } from '../../../src/core/policy/rejection.js';
import {
  type AgentDirs,
  type AgentProcess,
  agentDirs,
  POLICIES,
  readEvents,
  runCli,
  startAgentProcess,
  stopAgent,
  waitFor,
  waitForEvent,
} from '../../helpers/agent.js';

const SIGNED = join(POLICIES, 'bad-signed');

function install(d: AgentDirs, from: string, withSig = true) {
  // The signature first, then the policy, the way a careful deploy script does it; the
  // agent waits for both to be quiet either way.
  if (withSig) copyFileSync(`${from}.sig`, `${d.policyFile}.sig`);
  copyFileSync(from, d.policyFile);
}

function lastSeq(d: AgentDirs): number {
  return readEvents(d.dataDir).at(-1)?.seq ?? 0;
}

function status(d: AgentDirs) {
  const r = runCli(['status', '--json', '--socket', join(d.socketDir, 'admin.sock')]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { policy: { name: string; version: number } | null };
}

/**
 * The agent answers on its socket (and handles SIGTERM) only once it has started. Policy
 * events are recorded during start-up, and judging runs in a child process, so a status
 * query or a stop sent the moment such an event appears can arrive too early.
 */
function answering(d: AgentDirs) {
  const admin = join(d.socketDir, 'admin.sock');
  return waitFor('the agent answering', () => runCli(['status', '--socket', admin]).code === 0);
}

let agent: AgentProcess | null = null;
afterEach(async () => {
  if (agent) await stopAgent(agent);
  agent = null;
});

async function startWith(d: AgentDirs, policy: string) {
  install(d, policy);
  agent = startAgentProcess(d);
  const applied = await waitForEvent(
    d.dataDir,
    (e) => e.type === 'policy.applied',
    'base policy applied',
  );
  await answering(d);
  return applied;
}

describe('agent policy watching', () => {
  it('sign → validate → apply: a policy IT signs with its own key is in force, naming the key', async () => {
    const d = agentDirs();
    const keys = join(d.root, 'keys');
    mkdirSync(keys);
    expect(runCli(['policy', 'keygen', 'it-2026', '--out', keys]).code).toBe(0);
    mkdirSync(join(d.trustDir, 'policy'), { recursive: true });
    copyFileSync(join(keys, 'it-2026.pub'), join(d.trustDir, 'policy', 'it-2026.pub'));
    const draft = join(d.root, 'policy.yaml');
    writeFileSync(
      draft,
      readFileSync(join(SIGNED, 'base.yaml'), 'utf8').replace(/^version: .*$/m, 'version: 11'),
    );
    expect(runCli(['policy', 'sign', '--key', join(keys, 'it-2026.key'), draft]).code).toBe(0);
    const v = runCli(['policy', 'validate', draft, '--trust-dir', d.trustDir]);
    expect(v.code, v.stderr).toBe(0);

    agent = startAgentProcess(d);
    await waitForEvent(d.dataDir, (e) => e.type === 'policy.rejected', 'no policy yet');
    await answering(d);
    install(d, draft);
    const applied = await waitForEvent(d.dataDir, (e) => e.type === 'policy.applied', 'applied');
    expect(applied.data).toMatchObject({ version: 11, key: 'it-2026' });
    expect(status(d).policy?.version).toBe(11);
  });

  it('applies the base policy and then refuses each bad-signed case, keeping v10', async () => {
    const d = agentDirs();
    const applied = await startWith(d, join(SIGNED, 'base.yaml'));
    expect(applied.data.version).toBe(10);

    const cases: [string, string][] = [
      ['downgrade.yaml', 'POLICY_DOWNGRADE'],
      ['same-version-changed.yaml', 'POLICY_SAME_VERSION_CHANGED'],
      ['changed-after-signing.yaml', 'POLICY_SIG_UNTRUSTED'],
      ['untrusted-key.yaml', 'POLICY_SIG_UNTRUSTED'],
      ['expired.yaml', 'POLICY_EXPIRED'],
    ];
    for (const [file, code] of cases) {
      const after = lastSeq(d);
      install(d, join(SIGNED, file));
      const rejected = await waitForEvent(
        d.dataDir,
        (e) => e.type === 'policy.rejected',
        file,
        after,
      );
      expect(rejected.data.code, file).toBe(code);
      expect(describePolicyRejection('en', rejected.data), file).not.toMatch(/\{\{/);
      expect(status(d).policy?.version).toBe(10);
    }
    // Nothing but refusals happened: the base policy was never replaced.
    expect(readEvents(d.dataDir).filter((e) => e.type === 'policy.applied')).toHaveLength(1);
  });

  it('refuses every file in policies/bad with a reason and keeps the last good policy', async () => {
    const bad = readdirSync(join(POLICIES, 'bad')).filter(
      (f) => !f.endsWith('.md') && !f.endsWith('.sig'),
    );
    expect(bad.length).toBeGreaterThan(8);
    // A refusal is recorded once the file has been left alone for SETTLE_MS (2 s: IT may be
    // copying its .sig next), so three agents share the files to keep this under a minute.
    const groups = [0, 1, 2].map((g) => bad.filter((_, i) => i % 3 === g));
    const agents: AgentProcess[] = [];
    try {
      await Promise.all(
        groups.map(async (files) => {
          const d = agentDirs();
          install(d, join(SIGNED, 'base.yaml'));
          agents.push(startAgentProcess(d));
          await waitForEvent(d.dataDir, (e) => e.type === 'policy.applied', 'base applied');
          await answering(d);
          for (const f of files) {
            const after = lastSeq(d);
            rmSync(`${d.policyFile}.sig`, { force: true });
            copyFileSync(join(POLICIES, 'bad', f), d.policyFile);
            const rejected = await waitForEvent(
              d.dataDir,
              (e) => e.type === 'policy.rejected',
              f,
              after,
            );
            expect(String(rejected.data.code), f).toMatch(/^POLICY_/);
          }
          expect(status(d).policy?.version).toBe(10);
        }),
      );
    } finally {
      for (const a of agents) await stopAgent(a);
    }
  }, 90_000);

  it('survives the policy replaced by a directory, deleted, and half-written', async () => {
    const d = agentDirs();
    await startWith(d, join(SIGNED, 'base.yaml'));

    let after = lastSeq(d);
    rmSync(d.policyFile);
    let e = await waitForEvent(d.dataDir, (x) => x.type === 'policy.rejected', 'deleted', after);
    expect(e.data.code).toBe('POLICY_FILE_MISSING');

    after = lastSeq(d);
    mkdirSync(d.policyFile);
    e = await waitForEvent(d.dataDir, (x) => x.type === 'policy.rejected', 'directory', after);
    expect(e.data.code).toBe('POLICY_NOT_A_FILE');
    rmSync(d.policyFile, { recursive: true });

    // Half-written: the copy stops in the middle and stays that way.
    after = lastSeq(d);
    const full = readFileSync(join(SIGNED, 'base.yaml'));
    writeFileSync(d.policyFile, full.subarray(0, Math.floor(full.length / 2)));
    e = await waitForEvent(d.dataDir, (x) => x.type === 'policy.rejected', 'half-written', after);
    expect(String(e.data.code)).toMatch(/^POLICY_/);
    expect(status(d).policy?.version).toBe(10);
  });

  it('keeps the last good policy across a restart and says nothing about an unchanged file', async () => {
    const d = agentDirs();
    await startWith(d, join(SIGNED, 'base.yaml'));
    expect(await stopAgent(agent!)).toBe(0);

    // Unchanged file: a restart records no policy event at all.
    agent = startAgentProcess(d);
    const started = await waitForEvent(
      d.dataDir,
      (e) => e.type === 'agent.started',
      'restart',
      lastSeq(d) - 1,
    );
    await answering(d);
    expect(status(d).policy?.version).toBe(10);
    expect(await stopAgent(agent)).toBe(0);
    agent = null;
    const policyEvents = readEvents(d.dataDir).filter(
      (e) => e.seq > started.seq && e.type.startsWith('policy.'),
    );
    expect(policyEvents).toEqual([]);

    // A downgrade placed while the agent was down is refused at start; v10 stays.
    install(d, join(SIGNED, 'downgrade.yaml'));
    const before = lastSeq(d);
    agent = startAgentProcess(d);
    const rejected = await waitForEvent(
      d.dataDir,
      (e) => e.type === 'policy.rejected',
      'downgrade at start',
      before,
    );
    expect(rejected.data.code).toBe('POLICY_DOWNGRADE');
    await answering(d);
    expect(status(d).policy?.version).toBe(10);
  });
});
