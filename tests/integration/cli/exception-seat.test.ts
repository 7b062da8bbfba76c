// The employee's path for `baomi exception redeem`, end to end: a real agent enforcing on a
// fabricated sysfs (its small fake kernel authorizes what the agent writes), the seat user at
// the console is an ordinary account (uid 65534), and the CLI runs as that account, without
// root, over agent.sock with the seat token the agent wrote into that account's runtime dir.
// Someone else on the machine (uid 1, daemon) is refused, and the refusal recorded; the seat
// user redeems, the blocked stick opens. Then, with the agent stopped, `status --data-dir` says
// its USB value is the last one the agent read, and when.
// Root only: switching uid needs it (CI runs as root).
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAgent } from '../../../src/agent/agent.js';
import { FakeSession } from '../../../src/platform/fake/index.js';
import { createPlatform } from '../../../src/platform/index.js';
import {
  type AgentDirs,
  agentDirs,
  BIN,
  installSignedPolicy,
  issueToken,
  policyYaml,
  readEvents,
  runCli,
  trustExceptionKey,
  waitFor,
} from '../../helpers/agent.js';
import { FakeSysfs } from '../../helpers/fake-sysfs.js';
import { QEMU_STICK } from '../../helpers/usb-descriptors.js';

// The compiled agent: it runs its policy judge as dist/agent/policy/judge-child.js.
const DIST_AGENT = '../../../dist/agent/agent.js';
const { startAgent } = (await import(DIST_AGENT)) as typeof import('../../../src/agent/agent.js');

const asRoot = process.getuid?.() === 0;
/** The person at the console: nobody (uid 65534), an account with no privileges. */
const SEAT = { name: 'nobody', uid: 65534, gid: 65534 };
/** Someone else logged in on the same machine (daemon). */
const OTHER = { uid: 1, gid: 1 };

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real `baomi` as another account, asynchronously (the fake kernel runs in this process). */
function cliAs(who: { uid: number; gid: number }, args: string[], env: Record<string, string>) {
  return new Promise<Run>((done) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      uid: who.uid,
      gid: who.gid,
      cwd: '/',
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        LANG: 'en_US.UTF-8',
        HOME: '/nonexistent',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe.runIf(asRoot)('baomi exception redeem as the employee (no root, agent.sock)', () => {
  let d: AgentDirs;
  let t: FakeSysfs;
  let agent: RunningAgent | null = null;
  /** The seat user's runtime dir (/run/user/65534 on a real machine). */
  let seatRuntime: string;
  let keys: string;
  const agentSock = () => join(d.socketDir, 'agent.sock');

  beforeAll(async () => {
    d = agentDirs();
    chmodSync(d.root, 0o755); // the socket dir must be reachable by every account
    t = new FakeSysfs();
    t.rootHub(1);
    t.plug('1-1', { descriptors: QEMU_STICK, product: 'QEMU USB HARDDRIVE', serial: 'SEAT-0001' });
    await t.startKernel();
    installSignedPolicy(d, policyYaml(1, 'usb: { storage: block }'));
    // The exception key pair; the agent trusts its public half for exceptions only.
    keys = trustExceptionKey(d.trustDir);
    // /run/user/65534, as logind makes it: the seat user's own, 0700.
    seatRuntime = join(mkdtempSync(join(tmpdir(), 'baomi-run-')), 'user');
    mkdirSync(seatRuntime, { mode: 0o700 });
    chownSync(seatRuntime, SEAT.uid, SEAT.gid);
    chmodSync(join(seatRuntime, '..'), 0o755);

    agent = await startAgent({
      policyFile: d.policyFile,
      dataDir: d.dataDir,
      trustDir: d.trustDir,
      sockets: { agent: agentSock(), admin: join(d.socketDir, 'admin.sock') },
      trustDemo: false,
      lang: 'en',
      enforce: true,
      platform: {
        ...createPlatform({ sysfsRoot: t.sys }),
        session: new FakeSession({ name: SEAT.name, uid: SEAT.uid, source: 'fake' }),
      },
      logFile: join(d.root, 'agent.log'),
      seatTokenDir: () => join(seatRuntime, 'baomi'),
    });
    await waitFor('the stick blocked', () =>
      readEvents(d.dataDir).find((e) => e.type === 'usb.blocked' && e.data.device === '1-1'),
    );
  }, 30_000);

  afterAll(async () => {
    await agent?.stop('test');
    await t?.close();
    for (const dir of [d?.root, keys, seatRuntime && join(seatRuntime, '..')])
      if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const issue = (user = SEAT.name) => issueToken(keys, '46f4:0001:SEAT-0001', user);

  it('someone who is not the seat user is refused, whatever token they hold', async () => {
    expect(t.attr('1-1', 'authorized')).toBe('0');
    const token = issue();
    // Pointed at the seat user's runtime dir: the seat token there is not theirs to read, so
    // agent.sock refuses the request before any token is looked at.
    const r = await cliAs(OTHER, ['exception', 'redeem', token, '--socket', agentSock()], {
      XDG_RUNTIME_DIR: seatRuntime,
    });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/Only the person logged in at this computer may make this request/);
    expect(readEvents(d.dataDir).some((e) => e.type === 'usb.exception')).toBe(false);
    expect(t.attr('1-1', 'authorized')).toBe('0');
    // The seat user with a token issued for someone else: refused by the agent, and recorded.
    const forAlice = issue('alice');
    const wrong = await cliAs(SEAT, ['exception', 'redeem', forAlice, '--socket', agentSock()], {
      XDG_RUNTIME_DIR: seatRuntime,
    });
    expect(wrong.code, wrong.stderr).toBe(2);
    const refused = readEvents(d.dataDir).filter((e) => e.type === 'usb.exception-refused');
    expect(refused.at(-1)?.data).toMatchObject({
      code: 'EXCEPTION_WRONG_USER',
      params: { user: 'alice', seatUser: SEAT.name },
      socket: 'agent',
    });
    expect(t.attr('1-1', 'authorized')).toBe('0');
  });

  it('the seat user redeems over agent.sock with their seat token, and the stick opens', async () => {
    const token = issue();
    // The agent wrote the seat token where only the seat user can read it.
    expect(() => readFileSync(join(seatRuntime, 'baomi', 'seat.token'))).not.toThrow(); // root can
    const r = await cliAs(SEAT, ['exception', 'redeem', token, '--socket', agentSock()], {
      XDG_RUNTIME_DIR: seatRuntime,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/46f4:0001:SEAT-0001/);
    const redeemed = await waitFor('usb.exception', () =>
      readEvents(d.dataDir).find((e) => e.type === 'usb.exception'),
    );
    expect(redeemed).toMatchObject({
      user: SEAT.name,
      data: { user: SEAT.name, device: '46f4:0001:SEAT-0001', socket: 'agent' },
    });
    const allowed = await waitFor('the stick allowed', () =>
      readEvents(d.dataDir).find((e) => e.type === 'usb.allowed' && e.data.device === '1-1'),
    );
    expect(allowed.data).toMatchObject({ because: 'exception', rule: { by: 'exception' } });
    expect(t.attr('1-1', 'authorized')).toBe('1');
    // Once per computer: the same token again is refused.
    const again = await cliAs(SEAT, ['exception', 'redeem', token, '--socket', agentSock()], {
      XDG_RUNTIME_DIR: seatRuntime,
    });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/EXCEPTION_ALREADY_REDEEMED|already/i);
  });

  it('stopped, status --data-dir says the USB value is the last reading, and when', async () => {
    // Asked asynchronously: the agent answers from this process.
    const asked = await cliAs(
      { uid: 0, gid: 0 },
      ['status', '--json', '--socket', join(d.socketDir, 'admin.sock')],
      {},
    );
    expect(asked.code, asked.stderr).toBe(0);
    const live = JSON.parse(asked.stdout);
    expect(live.usb).toMatchObject({ enforcing: true, checkedAt: expect.any(Number) });
    await agent?.stop('test');
    agent = null;
    const r = runCli(['status', '--data-dir', d.dataDir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /USB enforcement: on\n {2}\(as the agent last read it, at .+; no running agent reads it now\)/,
    );
  });
});
