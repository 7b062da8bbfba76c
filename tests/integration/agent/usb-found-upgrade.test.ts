// An agent upgraded in place from one that kept no record of what its seal found
// (src/platform/linux/usb/found.ts), with the real `baomi` processes on a fabricated sysfs:
// the new agent finds every root hub at 0, its own store says it sealed earlier in this boot,
// so it does not take those 0s for the machine's; `baomi usb release` after it stopped gives
// the ports the kernel's default, not "kept sealed" until the next boot.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AgentDirs,
  type AgentProcess,
  agentDirs,
  BIN,
  installSignedPolicy,
  policyYaml,
  startAgentProcess,
  stopAgent,
  waitFor,
} from '../../helpers/agent.js';
import { FakeSysfs } from '../../helpers/fake-sysfs.js';

const root = process.getuid?.() === 0;
const BOOT_ID = '/proc/sys/kernel/random/boot_id';

describe.runIf(root && existsSync(BOOT_ID))('usb release after an in-place upgrade', () => {
  let t: FakeSysfs;
  let d: AgentDirs;
  let agent: AgentProcess | null = null;
  let record: string;

  beforeAll(async () => {
    t = new FakeSysfs();
    t.rootHub(1);
    await t.startKernel();
    // The fabricated tree names the same boot as the agent's kernel port reads (/proc).
    const proc = join(t.root, 'proc/sys/kernel/random');
    mkdirSync(proc, { recursive: true });
    writeFileSync(join(proc, 'boot_id'), readFileSync(BOOT_ID));
    record = join(t.root, 'run/baomi/usb-found.json');
    d = agentDirs();
    installSignedPolicy(d, policyYaml(1, 'usb:\n  storage: block'));
  });
  afterAll(async () => {
    if (agent) await stopAgent(agent);
    await t?.close();
    if (d) rmSync(d.root, { recursive: true, force: true });
  });

  const run = async () => {
    agent = startAgentProcess(d, ['--sysfs-root', t.sys, '--enforce']);
    const started = agent;
    // Its banner comes after the seal and what it stored about it.
    await waitFor(
      'the agent sealed, recorded and said so',
      () =>
        t.attr('usb1', 'authorized_default') === '0' &&
        existsSync(record) &&
        started.stdout().includes('USB storage:    enforced'),
      20_000,
    );
    await stopAgent(started);
    agent = null;
    return JSON.parse(readFileSync(record, 'utf8')).places as Record<string, string>;
  };

  it('the first agent records the open hub; the upgraded one does not take its own 0 for it', async () => {
    expect((await run()).usb1).toBe('1');
    // The agent before this record existed kept none: gone, as if it had never been written.
    rmSync(record);
    const places = await run();
    expect(places.usb1).toBeUndefined();
    expect(t.attr('usb1', 'authorized_default')).toBe('0');
    const r = spawnSync(
      process.execPath,
      [BIN, 'usb', 'release', '--sysfs-root', t.sys, '--socket', join(d.root, 'none.sock')],
      { encoding: 'utf8', env: { ...process.env, LANG: 'en_US.UTF-8' } },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^USB released for good/);
    expect(r.stdout).not.toMatch(/Left sealed/);
    expect(t.attr('usb1', 'authorized_default')).toBe('1');
    expect(existsSync(record)).toBe(false);
  });
});
