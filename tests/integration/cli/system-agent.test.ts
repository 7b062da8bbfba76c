// Issue 8 item 6: an ordinary user reaches the system agent. As nobody, with no agent of its
// own, `baomi status` and `baomi events` look in the user's own places, then where the system
// agent listens (root-owned, admin.sock refused to nobody: the next place is tried), and the
// error when nothing answers names every place tried. The system socket dir is moved with
// BAOMI_TEST_SYSTEM_SOCKET_DIR (for tests only) so the test never touches /run.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AgentDirs,
  type AgentProcess,
  agentDirs,
  BIN,
  installSignedPolicy,
  policyYaml,
  runCli,
  startAgentProcess,
  stopAgent,
  waitFor,
} from '../../helpers/agent.js';

const root = process.getuid?.() === 0;
const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0;
const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];

describe.runIf(root && hasSetpriv)('an ordinary user and the system agent (as nobody)', () => {
  let d: AgentDirs;
  let agent: AgentProcess;
  let home: string;

  /** The real `baomi` as nobody, with nobody's own (empty) runtime, data and temp dirs. */
  const asNobody = (args: string[], lang = 'en_US.UTF-8') => {
    const r = spawnSync(NOBODY[0]!, [...NOBODY.slice(1), process.execPath, BIN, ...args], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        LANG: lang,
        HOME: home,
        TMPDIR: join(home, 'tmp'),
        XDG_RUNTIME_DIR: join(home, 'run'),
        XDG_DATA_HOME: join(home, 'data'),
        BAOMI_TEST_SYSTEM_SOCKET_DIR: d.socketDir,
      },
      timeout: 30_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  beforeAll(async () => {
    d = agentDirs();
    // nobody may traverse to the sockets (mkdtemp makes 0700) but write nothing of root's
    chmodSync(d.root, 0o755);
    home = join(d.root, 'nobody');
    for (const sub of ['', 'tmp', 'run', 'data']) {
      mkdirSync(join(home, sub), { recursive: true, mode: 0o700 });
      chownSync(join(home, sub), 65534, 65534);
    }
    installSignedPolicy(d, policyYaml(3, 'usb: { storage: audit }'));
    agent = startAgentProcess(d);
    await waitFor(
      'the agent answering',
      () => runCli(['status', '--socket', join(d.socketDir, 'admin.sock')]).code === 0,
    );
  }, 30_000);
  afterAll(async () => {
    if (agent) await stopAgent(agent);
    rmSync(d.root, { recursive: true, force: true });
  });

  it('status finds the system agent on its agent.sock (admin.sock is refused, not fatal)', () => {
    const r = asNobody(['status', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.running).toBe(true);
    expect(s.policy).toEqual({ name: '测试策略 test policy', version: 3 });
    const table = asNobody(['status']);
    expect(table.stdout).toMatch(/Agent: running/);
  });

  it('events answers too, and says that agent.sock shows only your own events', () => {
    const r = asNobody(['events']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(join(d.socketDir, 'agent.sock'));
    expect(r.stderr).toMatch(/only your own events/);
    const zh = asNobody(['events'], 'zh_CN.UTF-8');
    expect(zh.stderr).toMatch(/只提供你本人的事件/);
  });

  it('with the system agent stopped, the error names every place tried and why', async () => {
    await stopAgent(agent);
    const r = asNobody(['status']);
    expect(r.code).toBe(1);
    const line = r.stderr.trim();
    expect(line.split('\n')).toHaveLength(1);
    const places = [
      join(home, 'run', 'baomi', 'admin.sock'),
      join(home, 'run', 'baomi', 'agent.sock'),
      join(d.socketDir, 'admin.sock'),
      join(d.socketDir, 'agent.sock'),
      join(home, 'data', 'baomi', 'baomi.db'),
    ];
    let at = -1;
    for (const p of places) {
      const i = line.indexOf(p);
      expect(i, `${p} in: ${line}`).toBeGreaterThan(at);
      at = i;
    }
    expect(line).toMatch(/does not exist/);
    expect(line).not.toMatch(/\bE[A-Z]{3,}\b/);
    const zh = asNobody(['status'], 'zh_CN.UTF-8');
    expect(zh.stderr).toMatch(/依次尝试了/);
  });
});
