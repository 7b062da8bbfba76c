// Which socket a tray page's call goes to (issue 14 §5): the staff view (#all) only to
// admin.sock, and only when one is known; whether the person is staff asked anew each time,
// and said in the log once per change.
import { describe, expect, it } from 'vitest';
import type { AgentConnection } from '../../../src/ipc/index.js';
import { staffAccess, staffView } from '../../../src/main/staff.js';

function setup(admin: string | null, answers: boolean) {
  const asked: string[] = [];
  const said: { msg: string; fields: unknown }[] = [];
  const agent = {
    request: async (type: string) => {
      asked.push(`agent:${type}`);
      return { from: 'agent' };
    },
  } as unknown as AgentConnection;
  const access = staffAccess({
    adminSocket: () => admin,
    agent: () => agent,
    once: (async (socket: string, type: string) => {
      asked.push(`${socket}:${type}`);
      if (!answers) throw new Error('SOCKET_DENIED {"socket":"/run/baomi/admin.sock"}');
      return { from: 'admin' };
    }) as never,
    probe: async (socket: string) => {
      asked.push(`probe ${socket}`);
      if (!answers) throw new Error('SOCKET_DENIED {"socket":"/run/baomi/admin.sock"}');
    },
    log: {
      info: (msg, fields) => said.push({ msg, fields }),
      warn: (msg, fields) => said.push({ msg, fields }),
    },
  });
  return { access, asked, said };
}

describe('staff view', () => {
  it('is a page of ours at #all, nothing else', () => {
    expect(staffView('baomi://app/viewer.html#all')).toBe(true);
    expect(staffView('baomi://app/viewer.html')).toBe(false);
    expect(staffView('baomi://app/viewer.html#allx')).toBe(false);
    expect(staffView('baomi://app/viewer.html?#all')).toBe(true);
    // Only the log viewer has a staff view: another page at #all asks agent.sock.
    expect(staffView('baomi://app/status.html#all')).toBe(false);
    expect(staffView(null)).toBe(false);
    expect(staffView('not a url')).toBe(false);
  });

  it('sends #all to admin.sock and the rest to the tray’s connection', async () => {
    const { access, asked } = setup('/run/baomi/admin.sock', true);
    await access.ask('baomi://app/viewer.html#all', 'events.query', { filter: {} });
    await access.ask('baomi://app/viewer.html', 'events.query', { filter: {} });
    await access.ask('baomi://app/status.html#redeem', 'status', {});
    expect(asked).toEqual([
      '/run/baomi/admin.sock:events.query',
      'agent:events.query',
      'agent:status',
    ]);
  });

  it('refuses the staff view with no admin.sock known, never asking agent.sock instead', async () => {
    const { access, asked } = setup(null, true);
    await expect(access.ask('baomi://app/viewer.html#all', 'verify', {})).rejects.toThrow(
      'SOCKET_UNREACHABLE',
    );
    expect(asked).toEqual([]);
    expect(await access.check()).toBe(false);
  });

  it('asks each time whether admin.sock answers, saying so once per change', async () => {
    const yes = setup('/run/baomi/admin.sock', true);
    expect(await yes.access.check()).toBe(true);
    expect(await yes.access.check()).toBe(true);
    expect(yes.asked).toEqual(['probe /run/baomi/admin.sock', 'probe /run/baomi/admin.sock']);
    expect(yes.said.map((s) => s.msg)).toEqual(['staff view: admin.sock answers']);
    const no = setup('/run/baomi/admin.sock', false);
    expect(await no.access.check()).toBe(false);
    expect(no.said).toEqual([
      {
        msg: 'own view only',
        fields: {
          socket: '/run/baomi/admin.sock',
          reason: 'SOCKET_DENIED {"socket":"/run/baomi/admin.sock"}',
        },
      },
    ]);
  });
});
