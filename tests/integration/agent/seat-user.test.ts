// The seat user end to end through the real agent (in process, real store, files and
// sockets; only the session source is the fake twin): every event carries who was at the
// console, a change of seat user is recorded, and agent.sock serves the seat user their own
// events (proved by the seat token) and nobody else anything.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningAgent } from '../../../src/agent/agent.js';
import type { BaomiEvent } from '../../../src/core/events/types.js';
import { requestOnce } from '../../../src/ipc/index.js';
import { FakeSession } from '../../../src/platform/fake/index.js';
import { createPlatform } from '../../../src/platform/index.js';
import { POLICIES, waitFor } from '../../helpers/agent.js';

// The compiled agent: it runs its policy judge as dist/agent/policy/judge-child.js.
const DIST_AGENT = '../../../dist/agent/agent.js';
const { startAgent } = (await import(DIST_AGENT)) as typeof import('../../../src/agent/agent.js');

const uid = process.getuid?.() ?? 1000;
let running: RunningAgent | null = null;
let root = '';
afterEach(async () => {
  await running?.stop('test');
  running = null;
  rmSync(root, { recursive: true, force: true });
});

describe('the seat user', () => {
  it('is on every event, changes are recorded, and agent.sock serves them their own events', async () => {
    root = mkdtempSync(join(tmpdir(), 'baomi-seat-'));
    const dataDir = join(root, 'data');
    const policyFile = join(root, 'policy.yaml');
    copyFileSync(join(POLICIES, 'demo.yaml'), policyFile);
    copyFileSync(join(POLICIES, 'demo.yaml.sig'), `${policyFile}.sig`);
    const session = new FakeSession({ name: 'alice', uid, source: 'fake' });
    const sockets = {
      agent: join(root, 'run', 'agent.sock'),
      admin: join(root, 'run', 'admin.sock'),
    };
    const tokens = join(root, 'tokens');
    mkdirSync(tokens, { mode: 0o700 });
    running = await startAgent({
      policyFile,
      dataDir,
      trustDir: join(root, 'trust'),
      sockets,
      trustDemo: true,
      lang: 'en',
      platform: { ...createPlatform(), session },
      logFile: join(root, 'agent.log'),
      seatTokenDir: () => tokens,
    });
    const store = running.store;
    const all = () => {
      store.flush();
      return store.query({ order: 'asc' });
    };
    const folder = join(dataDir, 'demo-classified');
    const watchedOrWaiting = () =>
      running?.status().watched.some((w) => w.state === 'watching' || w.state === 'missing');
    await waitFor('the demo folder watched', watchedOrWaiting);
    mkdirSync(folder, { recursive: true });
    const created = (name: string) => (e: BaomiEvent) =>
      e.type === 'file.created' && String(e.data.path).endsWith(name);
    writeFileSync(join(folder, 'alice.txt'), 'x');
    const a = await waitFor('alice’s file', () => all().find(created('alice.txt')));
    expect(a.user).toBe('alice');
    expect(all().find((e) => e.type === 'session.changed')).toMatchObject({
      user: 'alice',
      data: { to: 'alice', source: 'fake' },
    });
    const aliceToken = readFileSync(join(tokens, 'seat.token'), 'utf8').trim();

    session.set({ name: 'bob', uid, source: 'fake' });
    await waitFor('the change recorded', () =>
      all().find((e) => e.type === 'session.changed' && e.data.to === 'bob'),
    );
    writeFileSync(join(folder, 'bob.txt'), 'x');
    const b = await waitFor('bob’s file', () => all().find(created('bob.txt')));
    expect(b.user).toBe('bob');
    const bobToken = readFileSync(join(tokens, 'seat.token'), 'utf8').trim();
    expect(bobToken).not.toBe(aliceToken);

    const ask = (seatToken: string | null) =>
      requestOnce(sockets.agent, 'events.query', { filter: {} }, { seatToken });
    const mine = (await ask(bobToken)).events;
    expect(mine.length).toBeGreaterThan(0);
    expect(new Set(mine.map((e) => e.user))).toEqual(new Set(['bob']));
    expect(mine.some(created('bob.txt'))).toBe(true);
    expect((await ask(null)).events).toEqual([]);
    expect((await ask(aliceToken)).events).toEqual([]); // the old token died with the change
    const admin = await requestOnce(
      sockets.admin,
      'events.query',
      { filter: {} },
      { seatToken: null },
    );
    expect(admin.events.some(created('alice.txt'))).toBe(true);

    const status = await requestOnce(sockets.agent, 'status', {}, { seatToken: null });
    expect(status.seatUser).toEqual({ name: 'bob', source: 'fake' });
    expect(status.seatSource).toBe('fake');

    // Nobody at the console: new events carry no user (never guessed).
    session.set(null);
    await waitFor('the logout recorded', () =>
      all().find((e) => e.type === 'session.changed' && e.data.from === 'bob' && !e.data.to),
    );
    writeFileSync(join(folder, 'nobody.txt'), 'x');
    const n = await waitFor('the file after logout', () => all().find(created('nobody.txt')));
    expect('user' in n).toBe(false);
  });
});

describe('a module that fails to start', () => {
  it('fails the agent’s start, records start-failed, and leaves nothing half-started', async () => {
    root = mkdtempSync(join(tmpdir(), 'baomi-seat-'));
    const dataDir = join(root, 'data');
    const sockets = {
      agent: join(root, 'run', 'agent.sock'),
      admin: join(root, 'run', 'admin.sock'),
    };
    const session = new FakeSession({ name: 'alice', uid, source: 'fake' });
    session.watch = () => {
      throw new Error('the session bus went away');
    };
    const options = {
      policyFile: join(root, 'policy.yaml'),
      dataDir,
      trustDir: join(root, 'trust'),
      sockets,
      trustDemo: false,
      lang: 'en' as const,
      platform: { ...createPlatform(), session },
      logFile: join(root, 'agent.log'),
    };
    await expect(startAgent(options)).rejects.toThrow('the session bus went away');
    // The sockets are gone, the lock released (a new agent can start), and it is on record.
    expect(existsSync(sockets.agent)).toBe(false);
    expect(existsSync(join(dataDir, 'agent.lock'))).toBe(false);
    const { openStore } = await import('../../../src/agent/store/index.js');
    const store = openStore({ dataDir, host: 'test', readOnly: true });
    const types = store.query({ order: 'asc' }).map((e) => [e.type, e.data.reason]);
    store.close();
    expect(types.at(-1)).toEqual(['agent.stopped', 'start-failed']);
    expect(types.some(([t]) => t === 'policy.applied' || t === 'policy.rejected')).toBe(false);
  });
});
