// The agent judges policies in a short-lived child process (src/agent/policy/judge-remote.ts).
// Its answer must equal the in-process judgement, and every way the child can fail (crash,
// hang, nonsense) must be a refusal the log records once, never an acceptance. Runs the
// compiled child in dist/ (npm run build).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/agent/log.js';
import {
  JudgeFailed,
  type JudgeRunner,
  judgeRemote,
  runJudgeChild,
} from '../../../src/agent/policy/judge-remote.js';
import { JUDGE_RETRY_MS, PolicyManager } from '../../../src/agent/policy/manager.js';
import { type EventStore, openStore } from '../../../src/agent/store/index.js';
import { VERSION } from '../../../src/agent/version.js';
import { judgeCandidate } from '../../../src/core/policy/judge.js';
import { describePolicyRejection } from '../../../src/core/policy/rejection.js';
import { FakeClock } from '../../../src/platform/fake/clock.js';
import { POLICIES, ROOT } from '../../helpers/agent.js';

const CHILD = join(ROOT, 'dist/agent/policy/judge-child.js');
const BASE = join(POLICIES, 'bad-signed', 'base.yaml');
const DEMO_KEY = {
  name: 'DEMO-policy',
  publicKeyPem: readFileSync(join(POLICIES, 'demo-trust/policy/DEMO-policy.pub'), 'utf8'),
};
const NOW = Date.parse('2026-06-01T00:00:00Z');

function script(body: string): string {
  const f = join(mkdtempSync(join(tmpdir(), 'baomi-judge-')), 'child.mjs');
  writeFileSync(f, body);
  return f;
}

function request(bytes: Buffer, sig: string | null) {
  return {
    op: 'judge' as const,
    candidateB64: bytes.toString('base64'),
    sigText: sig,
    trusted: [DEMO_KEY],
    inForce: null,
    now: NOW,
    dataDir: '/var/lib/baomi',
    os: 'linux' as const,
  };
}

describe('policy judge in a child process', () => {
  it('answers exactly what judgeCandidate answers in process', async () => {
    const bytes = readFileSync(BASE);
    const sig = readFileSync(`${BASE}.sig`, 'utf8');
    const remote = await judgeRemote(request(bytes, sig), (r) => runJudgeChild(r, 30_000, CHILD));
    const local = judgeCandidate({
      ...request(bytes, sig),
      candidateBytes: bytes,
      agentVersion: VERSION,
    });
    expect(remote.verdict).toBe('apply');
    expect(remote).toEqual(JSON.parse(JSON.stringify(local)));

    const bad = await judgeRemote(request(bytes, null), (r) => runJudgeChild(r, 30_000, CHILD));
    expect(bad).toMatchObject({ verdict: 'reject', code: 'POLICY_SIG_MISSING' });
  });

  it.each([
    ['crashes', 'process.exit(3)', /code 3/],
    ['throws', 'throw new Error("boom")', /boom/],
    ['hangs', 'setInterval(() => {}, 1000)', /no answer within/],
    ['answers nonsense', 'process.stdout.write("{not json")', /not JSON/],
    [
      'answers the wrong shape',
      'process.stdout.write(JSON.stringify({ verdict: "apply" }))',
      /shape/,
    ],
    [
      'refuses with a code that has no text',
      'process.stdout.write(JSON.stringify({ verdict: "reject", code: "POLICY_NOPE", params: {}, issues: [] }))',
      /shape/,
    ],
  ])('fails closed when the child %s', async (_what, body, reason) => {
    const child = script(body);
    const run: JudgeRunner = (r) => runJudgeChild(r, 1500, child);
    const p = judgeRemote(request(readFileSync(BASE), null), run);
    await expect(p).rejects.toBeInstanceOf(JudgeFailed);
    await expect(p).rejects.toThrow(reason);
  });
});

describe('PolicyManager with a judge that fails', () => {
  let store: EventStore | null = null;
  let manager: PolicyManager | null = null;
  afterEach(() => {
    manager?.stop();
    store?.close();
    manager = store = null;
  });

  /** A manager over a copy of the signed base policy, judged by `runJudge`. */
  function managerOver(runJudge: JudgeRunner, clock = new FakeClock(NOW)): PolicyManager {
    const root = mkdtempSync(join(tmpdir(), 'baomi-judge-'));
    mkdirSync(join(root, 'etc'));
    const file = join(root, 'etc', 'policy.yaml');
    copyFileSync(BASE, file);
    copyFileSync(`${BASE}.sig`, `${file}.sig`);
    store = openStore({ dataDir: join(root, 'data'), host: 'test' });
    manager = new PolicyManager({
      file,
      trusted: [DEMO_KEY],
      store,
      dataDir: join(root, 'data'),
      os: 'linux',
      clock,
      log: createLogger(null),
      runJudge,
    });
    return manager;
  }

  it('refuses with POLICY_JUDGE_FAILED once, keeps nothing in force, and applies when the judge works again', async () => {
    let broken = true;
    const manager = managerOver((r) =>
      runJudgeChild(r, 30_000, broken ? script('process.exit(9)') : CHILD),
    );
    await manager.start();
    await manager.judgeNow(); // the same file again: already reported, not reported twice
    const events = () => store!.query({ order: 'asc' }).filter((e) => e.type.startsWith('policy.'));
    expect(events().map((e) => [e.type, e.data.code])).toEqual([
      ['policy.rejected', 'POLICY_JUDGE_FAILED'],
    ]);
    expect(describePolicyRejection('en', events()[0]!.data)).toMatch(
      /could not be checked .*code 9/,
    );
    expect(manager.current).toBeNull();

    broken = false;
    await manager.judgeNow(); // what the safety poll does a minute later
    expect(events().map((e) => e.type)).toEqual(['policy.rejected', 'policy.applied']);
    expect(manager.current?.version).toBe(10);
  });

  it('judges again 5 s after the judge failed, then 10 s, 20 s…, not only at the next poll', async () => {
    const clock = new FakeClock(NOW);
    let broken = true;
    let runs = 0;
    const manager = managerOver((r) => {
      runs += 1;
      return runJudgeChild(r, 30_000, broken ? script('process.exit(9)') : CHILD);
    }, clock);
    await manager.start();
    expect(runs).toBe(1);
    const step = async (ms: number) => {
      clock.advance(ms);
      await manager.idle();
    };
    await step(JUDGE_RETRY_MS - 1);
    expect(runs).toBe(1);
    await step(1);
    expect(runs).toBe(2); // 5 s after the first failure
    await step(2 * JUDGE_RETRY_MS - 1);
    expect(runs).toBe(2);
    await step(1);
    expect(runs).toBe(3); // then 10 s after the second
    expect(manager.current).toBeNull();
    broken = false;
    await step(4 * JUDGE_RETRY_MS);
    expect(runs).toBe(4); // 20 s after the third: it works now
    expect(manager.current?.version).toBe(10);
    const types = store!.query({ order: 'asc' }).map((e) => e.type);
    expect(types.filter((t) => t === 'policy.rejected')).toHaveLength(1); // said once
    expect(types).toContain('policy.applied');
  });
});

describe('a stored policy this agent can no longer read', () => {
  it('is said in an event, and its version stays the floor (no rollback to an older file)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'baomi-judge-'));
    mkdirSync(join(root, 'etc'));
    const file = join(root, 'etc', 'policy.yaml');
    copyFileSync(BASE, file);
    copyFileSync(`${BASE}.sig`, `${file}.sig`);
    const store = openStore({ dataDir: join(root, 'data'), host: 'test' });
    const options = {
      file,
      trusted: [DEMO_KEY],
      store,
      dataDir: join(root, 'data'),
      os: 'linux' as const,
      clock: new FakeClock(NOW),
      log: createLogger(null),
    };
    try {
      const first = new PolicyManager({
        ...options,
        runJudge: (r) => runJudgeChild(r, 30_000, CHILD),
      });
      await first.judgeNow();
      expect(first.current?.version).toBe(10);
      first.stop();
      // A downgraded agent: the kept policy uses what this version does not know.
      const downgraded = join(POLICIES, 'bad-signed', 'downgrade.yaml');
      copyFileSync(downgraded, file);
      copyFileSync(`${downgraded}.sig`, `${file}.sig`);
      const second = new PolicyManager({
        ...options,
        runJudge: async (r) =>
          r.op === 'restore'
            ? {
                ok: false,
                issues: [
                  {
                    code: 'POLICY_AGENT_TOO_OLD',
                    params: { minAgentVersion: '9.0.0' },
                    line: 5,
                    col: 1,
                  },
                ],
              }
            : runJudgeChild(r, 30_000, CHILD),
      });
      await second.start();
      second.stop();
      expect(second.current).toBeNull();
      const refused = store.query({ types: ['policy.rejected'], order: 'asc' }).map((e) => e.data);
      expect(refused[0]).toMatchObject({
        code: 'POLICY_AGENT_TOO_OLD',
        params: { stored: true, version: 10 },
      });
      // The older file on disk (version 9) is refused against the stored version 10.
      expect(refused[1]).toMatchObject({ code: 'POLICY_DOWNGRADE' });
    } finally {
      store.close();
    }
  });
});
