// The seat user from systemd-logind's own state files, through the real agent: the agent runs
// in a private mount namespace whose /run/systemd is a folder of this test (bind-mounted), so
// the test plays logind (writes seats/seat0 and sessions/<id> the way logind does) without
// touching the machine's /run. Every event carries who is at the console; a switch of session
// is recorded and followed at once (inotify on logind's files, no polling).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AgentProcess,
  agentDirs,
  POLICIES,
  readEvents,
  startAgentProcess,
  stopAgent,
  waitForEvent,
} from '../../helpers/agent.js';

const root = process.getuid?.() === 0;
const canMount =
  root &&
  spawnSync('unshare', ['-m', 'true']).status === 0 &&
  spawnSync('mount', ['-V']).status === 0;

/** Writes a file the way logind does: a temporary name, then a rename into place. */
function logindWrite(file: string, vars: Record<string, string | number>) {
  const tmp = `${file}.tmp`;
  writeFileSync(
    tmp,
    `${Object.entries(vars)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n')}\n`,
  );
  renameSync(tmp, file);
}

let agent: AgentProcess | null = null;
afterEach(async () => {
  if (agent) await stopAgent(agent);
  agent = null;
});

describe.skipIf(!canMount)('seat user from systemd-logind (real adapter, real agent)', () => {
  it('stamps events with the active session’s user and follows a session switch', async () => {
    const d = agentDirs();
    copyFileSync(join(POLICIES, 'demo.yaml'), d.policyFile);
    copyFileSync(join(POLICIES, 'demo.yaml.sig'), `${d.policyFile}.sig`);
    const systemd = join(d.root, 'systemd');
    mkdirSync(join(systemd, 'seats'), { recursive: true });
    mkdirSync(join(systemd, 'sessions'));
    const session = (id: string, user: string, uid: number) =>
      logindWrite(join(systemd, 'sessions', id), {
        UID: uid,
        USER: user,
        ACTIVE: 1,
        STATE: 'active',
        REMOTE: 0,
        TYPE: 'x11',
        CLASS: 'user',
        SEAT: 'seat0',
        DISPLAY: ':0',
      });
    session('3', 'alice', 1000);
    logindWrite(join(systemd, 'seats', 'seat0'), { IS_SEAT0: 1, ACTIVE: '3', ACTIVE_UID: 1000 });

    // /run/systemd exists on a systemd machine; create the mount point where it does not.
    mkdirSync('/run/systemd', { recursive: true });
    const script = `mount --bind "${systemd}" /run/systemd && exec "$0" "$@"`;
    agent = startAgentProcess(d, ['--trust-demo'], ['unshare', '-m', 'sh', '-c', script]);
    await waitForEvent(d.dataDir, (e) => e.type === 'policy.applied', 'the policy applied');
    const first = readEvents(d.dataDir).find((e) => e.type === 'session.changed');
    expect(first).toMatchObject({ user: 'alice', data: { to: 'alice', source: 'logind' } });

    const folder = join(d.dataDir, 'demo-classified');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'a.txt'), 'x');
    const a = await waitForEvent(
      d.dataDir,
      (e) => e.type === 'file.created' && String(e.data.path).endsWith('a.txt'),
      'alice’s file',
    );
    expect(a.user).toBe('alice');

    // Fast user switching: bob's session becomes the active one on seat0.
    session('5', 'bob', 1001);
    logindWrite(join(systemd, 'seats', 'seat0'), { IS_SEAT0: 1, ACTIVE: '5', ACTIVE_UID: 1001 });
    await waitForEvent(
      d.dataDir,
      (e) => e.type === 'session.changed' && e.data.to === 'bob',
      'the switch to bob',
    );
    writeFileSync(join(folder, 'b.txt'), 'x');
    const b = await waitForEvent(
      d.dataDir,
      (e) => e.type === 'file.created' && String(e.data.path).endsWith('b.txt'),
      'bob’s file',
    );
    expect(b.user).toBe('bob');
    // Every event from the first session.changed on carries a user (the seat is never empty here).
    const after = readEvents(d.dataDir).filter((e) => e.seq >= (first?.seq ?? 0));
    expect(after.filter((e) => e.type !== 'agent.stopped' && !e.user)).toEqual([]);
  });
});
