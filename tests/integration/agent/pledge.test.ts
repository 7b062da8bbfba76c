// The confidentiality pledge (issue 14, DESIGN.md "Pledge") over the agent's real sockets: the
// person is shown both texts and whether they confirmed this very text; confirming records
// policy.acknowledged with the version, the text's hash and the person; a new policy version
// with the same text keeps the confirmation, a changed text asks again and refuses the old
// hash; no pledge, nothing to confirm; only the person, with their seat token on agent.sock,
// can confirm: not a caller without the token, not root on admin.sock.
import { chmodSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/agent/store/index.js';
import { pledgeSha256 } from '../../../src/core/policy/pledge.js';
import { type AgentConnection, connectAgent } from '../../../src/ipc/index.js';
import {
  type AgentDirs,
  agentDirs,
  installSignedPolicy,
  policyYaml,
  readEvents,
  waitFor,
} from '../../helpers/agent.js';
import { runCliAsync } from '../../helpers/cli-async.js';
import { type SeatAgent, startSeatAgent } from '../../helpers/seat-agent.js';

/** The seat user of this test (FakeSession below); the CLI runs as them. */
const SEAT = { name: 'zhang.san', uid: 4242 };

const PLEDGE = {
  'zh-CN': '本人承诺遵守保密规定。',
  en: 'I will keep confidential information confidential.',
};
const pledgeYaml = (p: typeof PLEDGE) =>
  `pledge:\n  zh-CN: ${JSON.stringify(p['zh-CN'])}\n  en: ${JSON.stringify(p.en)}`;

/** The agent on `d` with the seat user above (startSeatAgent), once its policy is applied, with
 *  root's socket and the person's. */
async function startPledgeAgent(d: AgentDirs) {
  const seat = await startSeatAgent(d, SEAT);
  await waitFor('policy applied', () =>
    readEvents(d.dataDir).find((e) => e.type === 'policy.applied'),
  );
  return { seat, admin: seat.admin, person: await seat.person() };
}

/** Installs policy `version` on `d` and waits until the agent applied it. */
async function policyOn(d: AgentDirs, version: number, extra: string) {
  installSignedPolicy(d, policyYaml(version, extra));
  await waitFor(`policy ${version} applied`, () =>
    readEvents(d.dataDir).find((e) => e.type === 'policy.applied' && e.data.version === version),
  );
}

describe('pledge', () => {
  let d: AgentDirs;
  let seat: SeatAgent | undefined;
  let admin: AgentConnection;
  /** agent.sock with the seat user's token: the person at the computer (the tray's way). */
  let person: AgentConnection;

  const policy = (version: number, extra: string) => policyOn(d, version, extra);

  beforeAll(async () => {
    d = agentDirs();
    chmodSync(d.root, 0o755); // the CLI runs as the seat user below: it must reach the socket
    installSignedPolicy(d, policyYaml(1, pledgeYaml(PLEDGE)));
    ({ seat, admin, person } = await startPledgeAgent(d));
  }, 30_000);

  afterAll(async () => {
    await seat?.stop();
  });

  it('is shown, confirmed once for this text, and recorded with the version, hash and person', async () => {
    const sha256 = pledgeSha256(PLEDGE);
    expect(await person.request('pledge.get', {})).toEqual({
      pledge: { ...PLEDGE, sha256, version: 1 },
      acknowledged: false,
    });
    // Root on admin.sock sees the same, but cannot confirm in the person's name.
    expect((await admin.request('pledge.get', {})).acknowledged).toBe(false);
    await expect(admin.request('pledge.acknowledge', { sha256 })).rejects.toMatchObject({
      code: 'PLEDGE_NO_SEAT_USER',
    });
    await expect(
      person.request('pledge.acknowledge', { sha256: 'a'.repeat(64) }),
    ).rejects.toMatchObject({
      code: 'PLEDGE_CHANGED',
      params: { version: 1 },
    });
    const { seq } = await person.request('pledge.acknowledge', { sha256 });
    const e = readEvents(d.dataDir).find((x) => x.seq === seq)!;
    expect(e).toMatchObject({
      type: 'policy.acknowledged',
      user: 'zhang.san',
      data: { version: 1, sha256 },
    });
    expect((await person.request('pledge.get', {})).acknowledged).toBe(true);

    // A new version with the same text: still confirmed. A changed text: asked again.
    await policy(2, pledgeYaml(PLEDGE));
    expect(await person.request('pledge.get', {})).toMatchObject({
      pledge: { version: 2 },
      acknowledged: true,
    });
    // Retention takes every old event, the confirmation's too (1KB keeps only the newest):
    // the person is not asked again for the text they confirmed.
    await policy(3, `${pledgeYaml(PLEDGE)}\nretention: { maxSize: 1KB }`);
    expect(readEvents(d.dataDir).some((x) => x.type === 'policy.acknowledged')).toBe(false);
    expect((await person.request('pledge.get', {})).acknowledged).toBe(true);
    const changed = { ...PLEDGE, en: `${PLEDGE.en} Including on my phone.` };
    await policy(4, pledgeYaml(changed));
    const now = await person.request('pledge.get', {});
    expect(now).toMatchObject({ pledge: { sha256: pledgeSha256(changed) }, acknowledged: false });
    await expect(person.request('pledge.acknowledge', { sha256 })).rejects.toMatchObject({
      code: 'PLEDGE_CHANGED',
    });
  });

  it('without a seat token, agent.sock shows the text but cannot say or record whose it is', async () => {
    const open = await connectAgent(`${d.socketDir}/agent.sock`, { seatToken: null });
    try {
      expect((await open.request('pledge.get', {})).acknowledged).toBeNull();
      const { pledge } = await open.request('pledge.get', {});
      const before = readEvents(d.dataDir).filter((e) => e.type === 'policy.acknowledged').length;
      await expect(
        open.request('pledge.acknowledge', { sha256: pledge!.sha256 }),
      ).rejects.toMatchObject({ code: 'PROTOCOL_SEAT_REQUIRED' });
      expect(readEvents(d.dataDir).filter((e) => e.type === 'policy.acknowledged')).toHaveLength(
        before,
      );
    } finally {
      open.close();
    }
  });

  it('with no pledge in the policy, there is nothing to confirm', async () => {
    await policy(5, 'usb: { storage: audit }');
    expect(await admin.request('pledge.get', {})).toEqual({ pledge: null, acknowledged: null });
    await expect(
      admin.request('pledge.acknowledge', { sha256: 'b'.repeat(64) }),
    ).rejects.toMatchObject({
      code: 'PLEDGE_NONE',
    });
  });

  it.runIf(process.getuid?.() === 0)(
    '`baomi pledge` shows it in the person`s language, and --accept confirms it as them',
    async () => {
      const text = {
        'zh-CN': '第一条：不带走涉密资料。\n第二条：离开时锁屏。',
        en: 'One: take nothing.\nTwo: lock.',
      };
      await policy(9, pledgeYaml(text));
      const sock = `${d.socketDir}/agent.sock`;
      const cli = (lang: string, ...args: string[]) =>
        runCliAsync(
          ['pledge', '--socket', sock, ...args],
          { LANG: lang, XDG_RUNTIME_DIR: d.root },
          '',
          {
            uid: SEAT.uid,
            gid: SEAT.uid,
          },
        );
      const zh = await cli('zh_CN.UTF-8');
      expect(zh.code, zh.stderr).toBe(0);
      expect(zh.stdout).toContain('保密承诺（策略版本 9）：');
      expect(zh.stdout).toContain('第一条：不带走涉密资料。\n第二条：离开时锁屏。');
      expect(zh.stdout).toContain('您尚未确认此承诺。确认请运行：baomi pledge --accept');
      const accept = await cli('en_US.UTF-8', '--accept');
      expect(accept.code, accept.stderr).toBe(0);
      expect(accept.stdout).toContain('One: take nothing.\nTwo: lock.');
      expect(accept.stdout).toMatch(
        /Confirmed: recorded in the log as policy.acknowledged \(event \d+, policy version 9\)/,
      );
      const last = readEvents(d.dataDir)
        .filter((e) => e.type === 'policy.acknowledged')
        .at(-1);
      expect(last).toMatchObject({
        user: SEAT.name,
        data: { version: 9, sha256: pledgeSha256(text) },
      });
      expect((await cli('en_US.UTF-8')).stdout).toContain('You have confirmed this text.');
      // Root (no seat token of its own) is shown the text but cannot confirm it for anyone.
      const root = await runCliAsync(['pledge', '--accept', '--socket', sock], {
        XDG_RUNTIME_DIR: '/nonexistent',
      });
      expect(root.code).not.toBe(0);
      expect(root.stderr).toMatch(/seat token|session/i);
    },
  );
});

describe('a confirmation recorded before its state key existed', () => {
  let d: AgentDirs;
  let seat: SeatAgent | undefined;

  afterAll(async () => {
    await seat?.stop();
  });

  /** An older agent's log (the event, no `pledge.acknowledged.<user>` key), then this agent. */
  async function olderAgentsLog(): Promise<AgentConnection> {
    d = agentDirs();
    const store = openStore({ dataDir: d.dataDir, host: 'test' });
    await store.append({
      type: 'policy.acknowledged',
      severity: 'info',
      user: SEAT.name,
      data: { version: 1, sha256: pledgeSha256(PLEDGE) },
    });
    store.close();
    installSignedPolicy(d, policyYaml(2, pledgeYaml(PLEDGE)));
    let person: AgentConnection;
    ({ seat, person } = await startPledgeAgent(d));
    return person;
  }

  it('is kept in the state once read from the log, and survives retention', async () => {
    const person = await olderAgentsLog();
    expect((await person.request('pledge.get', {})).acknowledged).toBe(true);
    // Retention then takes the event: the person is still not asked again.
    await policyOn(d, 3, `${pledgeYaml(PLEDGE)}\nretention: { maxSize: 1KB }`);
    expect(readEvents(d.dataDir).some((x) => x.type === 'policy.acknowledged')).toBe(false);
    expect((await person.request('pledge.get', {})).acknowledged).toBe(true);
  }, 30_000);

  it('is kept at start, before retention can prune it, even if nobody asks first', async () => {
    await seat?.stop();
    seat = undefined;
    const person = await olderAgentsLog();
    // Retention takes the event before anyone asked about the pledge.
    await policyOn(d, 3, `${pledgeYaml(PLEDGE)}\nretention: { maxSize: 1KB }`);
    expect(readEvents(d.dataDir).some((x) => x.type === 'policy.acknowledged')).toBe(false);
    expect((await person.request('pledge.get', {})).acknowledged).toBe(true);
  }, 30_000);
});
