// tests/helpers/seed-events.ts against the real agent (in process, real store, files and
// sockets; only the session source is the fake twin): a log seeded before the agent starts is
// one the agent accepts as its own. Its start-up check and `verify` find the chain intact and
// reaching chain.head; events.query serves the seeded events as written, newest first by
// beforeSeq as the log viewer pages; agent.sock with the seat token serves the seat user's own.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BaomiEvent } from '../../../src/core/events/types.js';
import type { AgentConnection } from '../../../src/ipc/index.js';
import {
  type AgentDirs,
  agentDirs,
  installSignedPolicy,
  policyYaml,
  readEvents,
  waitFor,
} from '../../helpers/agent.js';
import { type SeatAgent, startSeatAgent } from '../../helpers/seat-agent.js';
import { HOSTILE_NAMES, type SeedResult, seedEvents } from '../../helpers/seed-events.js';

const N = 2_000;
const SEAT = 'zhang.san';

describe('a seeded log', () => {
  let d: AgentDirs;
  let seeded: SeedResult;
  let written: BaomiEvent[];
  /** chain.head as the seeding left it (the agent moves it on). */
  let headFile: unknown;
  let running: SeatAgent | undefined;
  let admin: AgentConnection;
  let person: AgentConnection;

  beforeAll(async () => {
    d = agentDirs();
    installSignedPolicy(d, policyYaml(1, ''));
    seeded = await seedEvents(d.dataDir, N, { seatUser: SEAT });
    written = readEvents(d.dataDir);
    headFile = JSON.parse(readFileSync(join(d.dataDir, 'chain.head'), 'utf8'));
    running = await startSeatAgent(d, { name: SEAT, uid: 4242 });
    admin = running.admin;
    person = await running.person();
  }, 30_000);

  afterAll(async () => {
    await running?.stop();
  });

  it('is written as the store writes: chained, varied, hostile names in the newest', () => {
    expect(written.map((e) => e.seq)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    expect(seeded.head).toEqual({ seq: N, hash: written.at(-1)!.hash });
    expect(headFile).toEqual(seeded.head);
    const types = new Set(written.map((e) => e.type));
    for (const t of ['file.created', 'file.modified', 'usb.blocked', 'usb.allowed', 'alert.raised'])
      expect(types).toContain(t);
    expect(new Set(written.map((e) => e.severity)).size).toBeGreaterThanOrEqual(4);
    expect(written.filter((e) => e.user === SEAT)).toHaveLength(seeded.seatUserEvents);
    expect(new Set(written.map((e) => e.user)).size).toBeGreaterThan(2);
    const days = (written.at(-1)!.ts - written[0]!.ts) / 86_400_000;
    expect(days).toBeGreaterThan(13);
    expect(written.at(-1)!.ts).toBeLessThan(Date.now());
    seeded.hostileSeqs.forEach((seq, i) => {
      const e = written[seq - 1]!;
      expect(e).toMatchObject({ type: 'file.created', user: SEAT });
      expect(String(e.data.path).endsWith(`/${HOSTILE_NAMES[i]}`)).toBe(true);
      expect(N - seq).toBeLessThan(20);
    });
  });

  it('is accepted by the agent: its start-up walk and verify find it intact', async () => {
    const check = await waitFor('start-up walk', () =>
      readEvents(d.dataDir).find(
        (e) => e.type === 'store.chain-checked' && e.data.scope === 'start',
      ),
    );
    expect(check.data).toMatchObject({ ok: true });
    const v = await admin.request('verify', {});
    expect(v).toMatchObject({ ok: true, firstSeq: 1, tail: 'checked' });
    expect(v.checked).toBeGreaterThan(N);
  });

  it('is served by events.query as written, newest first by beforeSeq', async () => {
    const all = await admin.request('events.query', { filter: { order: 'asc', limit: N } });
    expect(all.events).toEqual(written);
    const page = await admin.request('events.query', {
      filter: { order: 'desc', beforeSeq: 1001, limit: 200 },
    });
    expect(page.events.map((e) => e.seq)).toEqual(Array.from({ length: 200 }, (_, i) => 1000 - i));
  });

  it('on agent.sock with the seat token, the seat user gets their own events only', async () => {
    const mine = await person.request('events.query', {
      filter: { order: 'desc', beforeSeq: N + 1, limit: 10_000 },
    });
    expect(mine.events).toHaveLength(seeded.seatUserEvents);
    expect(mine.events.every((e) => e.user === SEAT)).toBe(true);
  });
});
