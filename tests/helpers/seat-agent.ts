// A real agent in this process (the built dist/agent, its real store, files and sockets) with
// one person at the console: the fake session twin names them, and the agent writes their seat
// token where the test can read it. For the suites that act as that person on agent.sock (the
// tray's way) and as security staff on admin.sock.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningAgent } from '../../src/agent/agent.js';
import { type AgentConnection, connectAgent } from '../../src/ipc/index.js';
import { FakeSession } from '../../src/platform/fake/index.js';
import { createPlatform } from '../../src/platform/index.js';
import { type AgentDirs, waitFor } from './agent.js';

const DIST_AGENT = '../../dist/agent/agent.js';

export interface SeatAgent {
  agent: RunningAgent;
  /** admin.sock, as root or security staff. */
  admin: AgentConnection;
  /** The seat user's token (agent.sock serves their own events to a request carrying it). */
  token: string;
  agentSock: string;
  adminSock: string;
  /** agent.sock with the token: the person at the computer. */
  person(): Promise<AgentConnection>;
  stop(): Promise<void>;
}

export async function startSeatAgent(
  d: AgentDirs,
  seat: { name: string; uid: number },
): Promise<SeatAgent> {
  const { startAgent } = (await import(DIST_AGENT)) as typeof import('../../src/agent/agent.js');
  const agentSock = `${d.socketDir}/agent.sock`;
  const adminSock = `${d.socketDir}/admin.sock`;
  const agent = await startAgent({
    policyFile: d.policyFile,
    dataDir: d.dataDir,
    trustDir: d.trustDir,
    sockets: { agent: agentSock, admin: adminSock },
    trustDemo: false,
    lang: 'en',
    platform: {
      ...createPlatform(),
      session: new FakeSession({ name: seat.name, uid: seat.uid, source: 'fake' }),
    },
    logFile: `${d.root}/agent.log`,
    seatTokenDir: () => join(d.root, 'baomi'),
  });
  const admin = await connectAgent(adminSock);
  // Start-up is over once the check of the log it found is on record (6 s for 100,000 events
  // beside a CI run): until then the agent still appends, and a page compared with its answer
  // would race that event.
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { events } = await admin.request('events.query', {
      filter: { types: ['store.chain-checked'], order: 'desc', limit: 20 },
    });
    if (events.some((e) => e.data.scope === 'start')) break;
    if (Date.now() > deadline) throw new Error('timed out waiting for the start chain check');
    await new Promise((r) => setTimeout(r, 100));
  }
  const file = join(d.root, 'baomi', 'seat.token');
  await waitFor('seat token', () => existsSync(file));
  const token = readFileSync(file, 'utf8').trim();
  const people: AgentConnection[] = [];
  return {
    agent,
    admin,
    token,
    agentSock,
    adminSock,
    async person() {
      const c = await connectAgent(agentSock, { seatToken: token });
      people.push(c);
      return c;
    },
    async stop() {
      for (const c of people) c.close();
      admin.close();
      await agent.stop('test');
    },
  };
}
