// The policy manager on the fake clock, a real store and real files: what it records about a
// policy file, and when (issue 8, "`policy.rejected` noise"). A policy and its signature are
// copied one after the other: a pair caught mid-update is not refused until it has settled; an
// unchanged refused file is recorded once, across restarts too; a refusal carries every problem.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/agent/log.js';
import { answerJudgeRequest } from '../../../src/agent/policy/judge-answer.js';
import type { JudgeRunner } from '../../../src/agent/policy/judge-remote.js';
import {
  MAX_RECORDED_PROBLEMS,
  PolicyManager,
  QUIET_MS,
  SETTLE_MS,
} from '../../../src/agent/policy/manager.js';
import { type EventStore, openStore } from '../../../src/agent/store/index.js';
import type { BaomiEvent } from '../../../src/core/events/types.js';
import { generateKeyPair, signPolicy } from '../../../src/core/policy/signature.js';
import { FakeClock } from '../../../src/platform/fake/clock.js';
import { until } from './helpers.js';

const KEYS = generateKeyPair();
const OTHER = generateKeyPair();
const TRUSTED = [{ name: 'it-test', publicKeyPem: KEYS.publicKeyPem }];

function yaml(version: number, extra = ''): Buffer {
  return Buffer.from(
    `version: ${version}\nname: t\nissued: 2026-01-01T00:00:00Z\nexpires: 2099-01-01T00:00:00Z\nusb: { storage: audit }\n${extra}`,
  );
}
const sign = (bytes: Buffer, key = KEYS.privateKeyPem) => signPolicy(bytes, key);

/** Every judgement in this process, with the answers of the real judge child. */
const inProcess: JudgeRunner = async (req) => answerJudgeRequest(req);

const roots: string[] = [];
const open: { store: EventStore; managers: PolicyManager[] }[] = [];
afterEach(() => {
  for (const o of open.splice(0)) {
    for (const m of o.managers) m.stop();
    o.store.close();
  }
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

function setup() {
  const root = mkdtempSync(join(tmpdir(), 'baomi-pm-'));
  roots.push(root);
  mkdirSync(join(root, 'etc'));
  const file = join(root, 'etc', 'policy.yaml');
  const dataDir = join(root, 'data');
  const clock = new FakeClock();
  let store = openStore({ dataDir, host: 'ws', now: () => clock.now(), batchWindowMs: 1 });
  const o = { store, managers: [] as PolicyManager[] };
  open.push(o);
  const manager = () => {
    const m = new PolicyManager({
      file,
      trusted: TRUSTED,
      store,
      dataDir,
      os: 'linux',
      clock,
      log: createLogger(null),
      runJudge: inProcess,
    });
    o.managers.push(m);
    return m;
  };
  const policyEvents = (): BaomiEvent[] => {
    store.flush();
    return store.query({ order: 'asc', types: ['policy.applied', 'policy.rejected'] });
  };
  /** The agent stops and starts again on the same data dir. */
  const restart = () => {
    for (const m of o.managers.splice(0)) m.stop();
    store.close();
    store = openStore({ dataDir, host: 'ws', now: () => clock.now(), batchWindowMs: 1 });
    o.store = store;
    return manager();
  };
  return { file, clock, manager, policyEvents, restart, store: () => store };
}

/**
 * Writes with fs, then waits (in real time) until the manager's watcher has seen it: its
 * judgement is then a timer on the fake clock, besides the safety poll's.
 */
async function change(clock: FakeClock, write: () => void) {
  write();
  await until('the watcher sees the change', () => clock.pending() >= 2);
  // fs.watch may report one write as several events: let them all arrive.
  await new Promise((r) => setTimeout(r, 30));
}

async function advance(clock: FakeClock, m: PolicyManager, ms: number) {
  clock.advance(ms);
  await m.idle();
}

describe('a policy and its signature copied one after the other', () => {
  it('the new .yaml before its .sig, 1.5 s apart: no refusal, then applied', async () => {
    const s = setup();
    const v1 = yaml(1);
    writeFileSync(s.file, v1);
    writeFileSync(`${s.file}.sig`, sign(v1));
    const m = s.manager();
    await m.start();
    expect(m.current?.version).toBe(1);

    const v2 = yaml(2);
    await change(s.clock, () => writeFileSync(s.file, v2));
    await advance(s.clock, m, QUIET_MS); // judged: the old signature does not match
    await advance(s.clock, m, 1100);
    expect(m.current?.version).toBe(1); // the old policy stays in force meanwhile
    await change(s.clock, () => writeFileSync(`${s.file}.sig`, sign(v2)));
    await advance(s.clock, m, QUIET_MS);
    expect(m.current?.version).toBe(2);
    await advance(s.clock, m, SETTLE_MS * 2);
    expect(s.policyEvents().map((e) => [e.type, e.data.version])).toEqual([
      ['policy.applied', 1],
      ['policy.applied', 2],
    ]);
  });

  it('the .sig before its .yaml: no refusal, then applied', async () => {
    const s = setup();
    const v1 = yaml(1);
    writeFileSync(s.file, v1);
    writeFileSync(`${s.file}.sig`, sign(v1));
    const m = s.manager();
    await m.start();

    const v2 = yaml(2);
    await change(s.clock, () => writeFileSync(`${s.file}.sig`, sign(v2)));
    await advance(s.clock, m, SETTLE_MS - 100);
    await change(s.clock, () => writeFileSync(s.file, v2));
    await advance(s.clock, m, QUIET_MS);
    expect(m.current?.version).toBe(2);
    expect(s.policyEvents().filter((e) => e.type === 'policy.rejected')).toEqual([]);
  });

  it('the first policy, its .sig a second late: not refused as unsigned', async () => {
    const s = setup();
    const m = s.manager();
    await m.start(); // nothing there yet: refused at start (what is on disk is judged at once)
    expect(s.policyEvents().map((e) => e.data.code)).toEqual(['POLICY_FILE_MISSING']);

    const v1 = yaml(1);
    await change(s.clock, () => writeFileSync(s.file, v1));
    await advance(s.clock, m, 1000);
    await change(s.clock, () => writeFileSync(`${s.file}.sig`, sign(v1)));
    await advance(s.clock, m, QUIET_MS);
    expect(m.current?.version).toBe(1);
    expect(s.policyEvents().map((e) => e.type)).toEqual(['policy.rejected', 'policy.applied']);
  });

  it('refuses a pair still wrong once it has settled, once, and not before', async () => {
    const s = setup();
    const v1 = yaml(1);
    writeFileSync(s.file, v1);
    writeFileSync(`${s.file}.sig`, sign(v1));
    const m = s.manager();
    await m.start();

    const v2 = yaml(2);
    await change(s.clock, () => writeFileSync(s.file, v2));
    await change(s.clock, () => writeFileSync(`${s.file}.sig`, sign(v2, OTHER.privateKeyPem)));
    const changedAt = s.clock.now();
    await advance(s.clock, m, QUIET_MS);
    await advance(s.clock, m, SETTLE_MS - QUIET_MS - 1);
    expect(s.policyEvents().map((e) => e.type)).toEqual(['policy.applied']);
    expect(m.lastRejection).toBeNull();
    await advance(s.clock, m, 1);
    const refused = s.policyEvents().filter((e) => e.type === 'policy.rejected');
    expect(refused.map((e) => [e.data.code, e.data.inForceVersion, e.ts - changedAt])).toEqual([
      ['POLICY_SIG_UNTRUSTED', 1, SETTLE_MS],
    ]);
    expect(m.current?.version).toBe(1);
    expect(m.lastRejection).toMatchObject({ seq: refused[0]!.seq, code: 'POLICY_SIG_UNTRUSTED' });
    await advance(s.clock, m, 120_000); // safety polls: nothing changed, nothing more said
    expect(s.policyEvents()).toHaveLength(2);
  });

  it('waits for a file being written in pieces to settle before refusing it', async () => {
    const s = setup();
    const v1 = yaml(1);
    writeFileSync(s.file, v1);
    writeFileSync(`${s.file}.sig`, sign(v1));
    const m = s.manager();
    await m.start();

    const v2 = yaml(2);
    const half = v2.subarray(0, 40);
    // Each piece lands just after the last one was judged: never quiet for SETTLE_MS.
    for (let i = 0; i < 4; i++) {
      await change(s.clock, () => writeFileSync(s.file, i % 2 ? v2 : half));
      await advance(s.clock, m, 900);
    }
    expect(s.policyEvents().map((e) => e.type)).toEqual(['policy.applied']);
    await advance(s.clock, m, SETTLE_MS);
    // v2 is whole but unsigned: refused once it stopped changing.
    expect(s.policyEvents().map((e) => e.data.code ?? e.type)).toEqual([
      'policy.applied',
      'POLICY_SIG_UNTRUSTED',
    ]);
  });
});

describe('one policy.rejected per distinct candidate', () => {
  it('an unchanged refused file is not recorded again at a restart; status still shows it', async () => {
    const s = setup();
    writeFileSync(s.file, yaml(1, 'fodlers: []\n'));
    const m = s.manager();
    await m.start();
    const [first] = s.policyEvents();
    expect(first).toMatchObject({ type: 'policy.rejected', data: { code: 'POLICY_UNKNOWN_KEY' } });

    const again = s.restart();
    await again.start();
    await again.judgeNow(); // a rescan
    expect(s.policyEvents()).toHaveLength(1);
    expect(again.lastRejection).toMatchObject({
      seq: first!.seq,
      code: 'POLICY_UNKNOWN_KEY',
      file: s.file,
    });

    // Another candidate is recorded; then the first one again is too (it is not the last).
    await change(s.clock, () => writeFileSync(s.file, yaml(1, 'levle: A\n')));
    await advance(s.clock, again, SETTLE_MS);
    await change(s.clock, () => writeFileSync(s.file, yaml(1, 'fodlers: []\n')));
    await advance(s.clock, again, SETTLE_MS);
    expect(s.policyEvents().map((e) => e.data.params)).toMatchObject([
      { key: 'fodlers' },
      { key: 'levle' },
      { key: 'fodlers' },
    ]);
  });

  it('a missing file at every start is said once', async () => {
    const s = setup();
    await s.manager().start();
    await s.restart().start();
    await s.restart().start();
    expect(s.policyEvents().map((e) => e.data.code)).toEqual(['POLICY_FILE_MISSING']);
  });

  it('the same bytes refused for another reason are another candidate', async () => {
    const s = setup();
    const v1 = yaml(1);
    writeFileSync(s.file, v1); // unsigned
    await s.manager().start();
    writeFileSync(`${s.file}.sig`, sign(v1, OTHER.privateKeyPem));
    await s.restart().start();
    expect(s.policyEvents().map((e) => e.data.code)).toEqual([
      'POLICY_SIG_MISSING',
      'POLICY_SIG_UNTRUSTED',
    ]);
  });

  it('a file refused before a policy applied is recorded again when it comes back', async () => {
    const s = setup();
    const bad = yaml(2, 'fodlers: []\n');
    writeFileSync(s.file, bad);
    const m = s.manager();
    await m.start();
    const v1 = yaml(1);
    await change(s.clock, () => {
      writeFileSync(`${s.file}.sig`, sign(v1));
      writeFileSync(s.file, v1);
    });
    await advance(s.clock, m, QUIET_MS);
    expect(m.current?.version).toBe(1);
    // The very pair refused first (no signature either).
    await change(s.clock, () => {
      rmSync(`${s.file}.sig`);
      writeFileSync(s.file, bad);
    });
    await advance(s.clock, m, SETTLE_MS);
    expect(s.policyEvents().map((e) => e.data.code ?? e.type)).toEqual([
      'POLICY_UNKNOWN_KEY',
      'policy.applied',
      'POLICY_UNKNOWN_KEY',
    ]);
    // and at the next start it is the same candidate again: not recorded a third time
    await s.restart().start();
    expect(s.policyEvents()).toHaveLength(3);
  });
});

describe('a refusal records every problem', () => {
  it('each with its code, path, line, column and values', async () => {
    const s = setup();
    writeFileSync(
      s.file,
      'version: 0\nname: t\nissued: 2026-01-01T00:00:00Z\nexpires: 2099-01-01T00:00:00Z\nidle:\n  lock: "yes"\nfodlers: []\n',
    );
    const m = s.manager();
    await m.start();
    const [e] = s.policyEvents();
    expect(e!.data.problems).toEqual([
      { code: 'POLICY_VERSION', path: 'version', line: 1, col: 10, params: { value: 0 } },
      {
        code: 'POLICY_TYPE',
        path: 'idle.lock',
        line: 6,
        col: 9,
        params: { value: 'yes', expected: 'boolean', received: 'string' },
      },
      expect.objectContaining({ code: 'POLICY_UNKNOWN_KEY', path: 'fodlers', line: 7, col: 1 }),
    ]);
    expect(e!.data).not.toHaveProperty('moreProblems');
    // The first one stays the event's own code, as before.
    expect(e!.data).toMatchObject({ code: 'POLICY_VERSION', line: 1, col: 10 });
    expect(m.lastRejection?.problems).toHaveLength(3);
  });

  it(`at most ${MAX_RECORDED_PROBLEMS}, and how many more there were`, async () => {
    const s = setup();
    const keys = Array.from({ length: 30 }, (_, i) => `unknown${i}: 1`).join('\n');
    writeFileSync(s.file, yaml(1, `${keys}\n`));
    await s.manager().start();
    const [e] = s.policyEvents();
    expect(e!.data.problems).toHaveLength(MAX_RECORDED_PROBLEMS);
    expect(e!.data.moreProblems).toBe(30 - MAX_RECORDED_PROBLEMS);
  });
});

describe('a policy offered by the console (PolicyManager.offer)', () => {
  const from = { origin: 'https://console.test', etag: 'ab'.repeat(32) };

  it('goes to the same judge: a newer signed one applies, an untrusted or older one is refused with source console', async () => {
    const s = setup();
    const v1 = yaml(1);
    writeFileSync(s.file, v1);
    writeFileSync(`${s.file}.sig`, sign(v1));
    const m = s.manager();
    await m.start();
    const v2 = yaml(2);
    expect(await m.offer(v2, sign(v2), 'console', from)).toBe('applied');
    expect(m.current).toMatchObject({ version: 2, source: 'console' });
    expect(await m.offer(v2, sign(v2), 'console', from)).toBe('same');
    const v3 = yaml(3);
    expect(await m.offer(v3, sign(v3, OTHER.privateKeyPem), 'console', from)).toBe('rejected');
    expect(await m.offer(v1, sign(v1), 'console', from)).toBe('rejected');
    expect(m.current?.version).toBe(2);
    const events = s.policyEvents();
    expect(events.map((e) => e.type)).toEqual([
      'policy.applied',
      'policy.applied',
      'policy.rejected',
      'policy.rejected',
    ]);
    expect(events[1]!.data).toMatchObject({
      file: from.origin,
      source: 'console',
      etag: from.etag,
      version: 2,
      previousVersion: 1,
    });
    expect(events[2]!.data).toMatchObject({
      source: 'console',
      code: 'POLICY_SIG_UNTRUSTED',
      file: from.origin,
    });
    expect(events[3]!.data).toMatchObject({
      source: 'console',
      code: 'POLICY_DOWNGRADE',
      params: { version: 1, inForceVersion: 2 },
    });
    // Nothing was written beside the policy file.
    expect(readFileSync(s.file)).toEqual(v1);
  });

  it('the console policy survives a restart; the older file on disk neither undoes it nor is refused', async () => {
    const s = setup();
    const v1 = yaml(1);
    writeFileSync(s.file, v1);
    writeFileSync(`${s.file}.sig`, sign(v1));
    const m = s.manager();
    await m.start();
    const v5 = yaml(5);
    expect(await m.offer(v5, sign(v5), 'console', from)).toBe('applied');
    const before = s.policyEvents().length;
    const again = s.restart();
    await again.start();
    expect(again.current).toMatchObject({ version: 5, source: 'console' });
    await again.judgeNow();
    expect(s.policyEvents()).toHaveLength(before);
    expect(again.lastRejection).toBeNull();
    // A newer file still wins over the console's: the highest valid version.
    const v6 = yaml(6);
    await change(s.clock, () => {
      writeFileSync(s.file, v6);
      writeFileSync(`${s.file}.sig`, sign(v6));
    });
    await advance(s.clock, again, QUIET_MS);
    expect(again.current).toMatchObject({ version: 6, source: 'file' });
    // And a file older than a policy from a file is still a refused downgrade.
    await change(s.clock, () => {
      writeFileSync(s.file, v1);
      writeFileSync(`${s.file}.sig`, sign(v1));
    });
    await advance(s.clock, again, SETTLE_MS + QUIET_MS);
    expect(s.policyEvents().at(-1)).toMatchObject({
      type: 'policy.rejected',
      data: { code: 'POLICY_DOWNGRADE' },
    });
  });

  it('with the console policy in force, no policy file at all is no news (a fleet run from the console)', async () => {
    const s = setup();
    const m = s.manager();
    await m.start();
    expect(s.policyEvents().map((e) => e.data.code)).toEqual(['POLICY_FILE_MISSING']);
    const v2 = yaml(2);
    expect(await m.offer(v2, sign(v2), 'console', from)).toBe('applied');
    const again = s.restart();
    await again.start();
    expect(again.current).toMatchObject({ version: 2, source: 'console' });
    expect(s.policyEvents().map((e) => e.type)).toEqual(['policy.rejected', 'policy.applied']);
    // A file that is there but unreadable is still said.
    writeFileSync(s.file, yaml(3));
    rmSync(s.file);
    mkdirSync(s.file);
    const third = s.restart();
    await third.start();
    expect(s.policyEvents().at(-1)).toMatchObject({
      type: 'policy.rejected',
      data: { code: 'POLICY_NOT_A_FILE' },
    });
  });

  it('an unjudged policy is not applied and not recorded: the caller offers it again', async () => {
    const s = setup();
    const m = new PolicyManager({
      file: s.file,
      trusted: TRUSTED,
      store: s.store(),
      dataDir: join(s.file, '..', 'data'),
      os: 'linux',
      clock: s.clock,
      log: createLogger(null),
      runJudge: async () => {
        throw new Error('judge child crashed');
      },
    });
    const v2 = yaml(2);
    expect(await m.offer(v2, sign(v2), 'console', from)).toBe('failed');
    expect(m.current).toBeNull();
    expect(s.policyEvents()).toEqual([]);
  });
});
