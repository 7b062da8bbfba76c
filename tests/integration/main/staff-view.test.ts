// The log's staff view against the agent's real socket server (issue 14 §5): the tray asks
// admin.sock beside the agent.sock it uses; a page at #all is answered there (every event),
// every other page on the tray's agent.sock; when admin.sock stops answering the staff view
// fails with the socket's reason and never falls back to agent.sock's answer.
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestHandler } from '../../../src/agent/module.js';
import { adminBeside, connectAgent, requestOnce } from '../../../src/ipc/index.js';
import { staffAccess } from '../../../src/main/staff.js';
import { MemoryLog, serveLog, socketDir } from '../ipc/helpers.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('staff view ↔ agent sockets', () => {
  it('asks admin.sock for #all and agent.sock for the rest, with no fallback', async () => {
    const p = socketDir();
    const log = new MemoryLog();
    // Each answer says which socket it came from, as the agent's scoping would differ.
    const asked: string[] = [];
    const handler: RequestHandler = (req, asker) => {
      asked.push(`${asker.socket}:${req.type}`);
      if (req.type === 'events.query') return { events: [], socket: asker.socket };
      return log.handler(req, asker);
    };
    const servers = await serveLog(p, log, {}, handler);
    cleanup.push(() => servers.close());
    const conn = await connectAgent(p.agent, { seatToken: null });
    cleanup.push(() => conn.close());
    const said: string[] = [];
    const staff = staffAccess({
      adminSocket: () => adminBeside(p.agent),
      agent: () => conn,
      once: (path, type, body) => requestOnce(path, type, body, { seatToken: null }),
      probe: (path) =>
        requestOnce(path, 'status', {}, { seatToken: null, timeoutMs: 1500, startingMs: 0 }),
      log: { info: (m) => said.push(m), warn: (m) => said.push(m) },
    });
    expect(adminBeside(p.agent)).toBe(p.admin);
    expect(await staff.check()).toBe(true);
    const from = (url: string) =>
      staff.ask(url, 'events.query', { filter: {} }) as Promise<{ socket?: string }>;
    expect((await from('baomi://app/viewer.html#all')).socket).toBe('admin');
    expect((await from('baomi://app/viewer.html')).socket).toBe('agent');
    expect((await from('baomi://app/status.html#request')).socket).toBe('agent');

    // admin.sock gone, agent.sock still answering: the staff view fails, never answered from
    // agent.sock instead; the person's own pages still are.
    rmSync(p.admin);
    const before = asked.length;
    expect(await staff.check()).toBe(false);
    await expect(from('baomi://app/viewer.html#all')).rejects.toThrow(/SOCKET_/);
    expect(asked.slice(before)).toEqual([]);
    expect((await from('baomi://app/viewer.html')).socket).toBe('agent');
    expect(said).toEqual(['staff view: admin.sock answers', 'own view only']);
  });
});
