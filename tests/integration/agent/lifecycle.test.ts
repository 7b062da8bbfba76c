// Starting and stopping the real agent: clean stops record agent.stopped with every event
// flushed; an agent that cannot record refuses to run; the sockets answer by permission.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requestOnce } from '../../../src/ipc/index.js';
import {
  agentArgs,
  agentDirs,
  BIN,
  POLICIES,
  readEvents,
  runCli,
  startAgentProcess,
  stopAgent,
  waitFor,
  waitForEvent,
} from '../../helpers/agent.js';

function withDemoPolicy() {
  const d = agentDirs();
  copyFileSync(join(POLICIES, 'demo.yaml'), d.policyFile);
  copyFileSync(join(POLICIES, 'demo.yaml.sig'), `${d.policyFile}.sig`);
  return d;
}

describe('agent lifecycle', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`stops cleanly on ${signal}: exit 0, agent.stopped last, chain intact`, async () => {
      const d = withDemoPolicy();
      const a = startAgentProcess(d);
      await waitForEvent(d.dataDir, (e) => e.type === 'policy.applied', 'policy applied');
      expect(await stopAgent(a, signal)).toBe(0);
      const events = readEvents(d.dataDir);
      expect(events[0]?.type).toBe('agent.started');
      expect(events.at(-1)?.type).toBe('agent.stopped');
      expect(events.at(-1)?.data.reason).toBe(signal);
      const v = runCli(['verify', '--data-dir', d.dataDir]);
      expect(v.code, v.stderr).toBe(0);
      expect(a.stdout()).toContain(join(d.dataDir, 'baomi.db'));
    });
  }

  it('serves status and events on admin.sock, and only status on agent.sock', async () => {
    const d = withDemoPolicy();
    const a = startAgentProcess(d);
    try {
      await waitForEvent(d.dataDir, (e) => e.type === 'policy.applied', 'policy applied');
      const admin = join(d.socketDir, 'admin.sock');
      const open = join(d.socketDir, 'agent.sock');
      await waitFor('sockets', () => statSync(admin).isSocket() && statSync(open).isSocket());
      expect(statSync(admin).mode & 0o777).toBe(0o600);
      expect(statSync(open).mode & 0o777).toBe(0o666);

      const s = await requestOnce(admin, 'status', {});
      expect(s.policy?.name).toMatch(/DEMO/);
      expect(s.events.stored).toBeGreaterThanOrEqual(2);
      // DESIGN.md's minimum, and the slices the modules add.
      expect(s).toMatchObject({
        running: true,
        folders: 1,
        idleSource: 'none',
        usb: { enforcing: false, reason: 'USB_NOT_ENFORCING' },
        seatSource: expect.any(String),
      });
      expect(s.watched).toEqual([
        {
          path: expect.stringContaining(d.dataDir),
          level: expect.any(String),
          state: expect.any(String),
        },
      ]);

      const all = await requestOnce(admin, 'events.query', { filter: { types: ['agent.*'] } });
      expect(all.events.map((e) => e.type)).toContain('agent.started');
      // agent.sock is open to every local user: nobody else's events come back.
      const mine = await requestOnce(open, 'events.query', { filter: {} });
      expect(mine.events).toEqual([]);
      await expect(requestOnce(open, 'verify', {})).rejects.toMatchObject({
        code: 'PROTOCOL_ADMIN_ONLY',
      });
      const v = await requestOnce(admin, 'verify', {});
      expect(v.ok).toBe(true);
    } finally {
      await stopAgent(a);
    }
  });

  it('refuses a second agent on the same data dir or socket, leaving the first untouched', async () => {
    const d = withDemoPolicy();
    const a = startAgentProcess(d);
    try {
      await waitForEvent(d.dataDir, (e) => e.type === 'policy.applied', 'policy applied');
      const second = startAgentProcess(d);
      expect(await second.exited).toBe(1);
      expect(second.stderr()).toMatch(/already using/);
      const other = agentDirs();
      copyFileSync(d.policyFile, other.policyFile);
      copyFileSync(`${d.policyFile}.sig`, `${other.policyFile}.sig`);
      const third = startAgentProcess({ ...other, socketDir: d.socketDir });
      expect(await third.exited).toBe(1);
      expect(third.stderr()).toMatch(/already answering/);
      const s = await requestOnce(join(d.socketDir, 'admin.sock'), 'status', {});
      expect(s.policy?.name).toMatch(/DEMO/);
    } finally {
      expect(await stopAgent(a)).toBe(0);
    }
    const v = runCli(['verify', '--data-dir', d.dataDir]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
  });

  it('refuses a socket folder that another user could write, records why, and says what to do', () => {
    const d = withDemoPolicy();
    mkdirSync(d.socketDir, { mode: 0o777 });
    chmodSync(d.socketDir, 0o777); // not narrowed by the umask
    for (const [lang, words] of [
      ['C', 'not safe'],
      ['zh_CN.UTF-8', '不安全'],
    ] as const) {
      const r = runCli(agentArgs(d), { LANG: lang });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(d.socketDir);
      expect(r.stderr).toContain('0777');
      expect(r.stderr).toContain(words);
    }
    // Nothing answers there, and the refusal is on record.
    expect(existsSync(join(d.socketDir, 'admin.sock'))).toBe(false);
    const stops = readEvents(d.dataDir).filter((e) => e.type === 'agent.stopped');
    expect(stops.at(-1)?.data).toEqual({ reason: 'start-failed', code: 'AGENT_SOCKET_DIR_UNSAFE' });
    // Refused before anything else started: no policy judged, no folder scanned.
    expect(readEvents(d.dataDir).map((e) => e.type)).toEqual(['agent.stopped', 'agent.stopped']);
  });

  it.runIf(process.getuid?.() === 0)(
    'refuses a socket folder owned by another user, even when only its owner can write it',
    () => {
      const d = withDemoPolicy();
      mkdirSync(d.socketDir, { mode: 0o755 });
      chownSync(d.socketDir, 65534, 65534);
      const r = runCli(agentArgs(d), { LANG: 'C' });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain('owner uid 65534');
    },
  );

  it('refuses to start on a corrupt database, names it, and leaves it byte-identical', () => {
    const d = withDemoPolicy();
    mkdirSync(d.dataDir, { recursive: true });
    const db = join(d.dataDir, 'baomi.db');
    const junk = Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(5000, 0x5a)]);
    writeFileSync(db, junk);
    const r = runCli(agentArgs(d), { LANG: 'C' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(db);
    expect(readFileSync(db).equals(junk)).toBe(true);
  });

  it.runIf(process.getuid?.() === 0)(
    'refuses to start when the data dir cannot be written (as another user)',
    () => {
      const d = withDemoPolicy();
      mkdirSync(d.dataDir, { recursive: true, mode: 0o755 });
      chmodSync(d.root, 0o755);
      for (const p of [d.policyDir, d.trustDir]) chmodSync(p, 0o755);
      const r = spawnSync(
        'setpriv',
        [
          '--reuid=65534',
          '--regid=65534',
          '--clear-groups',
          process.execPath,
          BIN,
          ...agentArgs({ ...d, socketDir: join('/tmp', `baomi-nobody-${process.pid}`) }),
        ],
        { encoding: 'utf8', env: { ...process.env, LANG: 'C' }, timeout: 30_000 },
      );
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(d.dataDir);
    },
  );
});
