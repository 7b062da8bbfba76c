// An in-process agent stand-in for the client ↔ server tests: the real socket servers on
// real unix sockets, fed by an in-memory log that behaves like the store (seq order, the
// filter fields paging uses).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Asker, RequestHandler } from '../../../src/agent/module.js';
import {
  claimSocketServers,
  type SocketServerOptions,
  type SocketServers,
  type SubscriptionSource,
} from '../../../src/agent/socket/server.js';
import { BaomiError } from '../../../src/core/errors.js';
import type { BaomiEvent } from '../../../src/core/events/types.js';
import type { EventFilter, Notice } from '../../../src/core/protocol/messages.js';

export function socketDir(): { dir: string; agent: string; admin: string } {
  const dir = join(mkdtempSync(join(tmpdir(), 'baomi-ipc-')), 'run');
  return { dir, agent: join(dir, 'agent.sock'), admin: join(dir, 'admin.sock') };
}

/** A log in memory: append events, page them like the store does. */
export class MemoryLog {
  readonly events: BaomiEvent[] = [];
  private readonly listeners = new Set<(e: readonly BaomiEvent[]) => void>();
  private readonly noticeListeners = new Set<(n: Notice) => void>();

  /** Commits `count` events (users cycle through `users`) and tells the listeners. */
  append(count: number, users: (string | undefined)[] = [undefined], pad = 0): BaomiEvent[] {
    const batch: BaomiEvent[] = [];
    for (let i = 0; i < count; i++) {
      const seq = this.events.length + 1;
      const user = users[seq % users.length];
      const e = {
        id: `e${seq}`,
        seq,
        ts: 1_700_000_000_000 + seq,
        type: 'file.modified',
        severity: 'info',
        host: 'test',
        data: pad ? { path: `/srv/f${seq}`, pad: 'x'.repeat(pad) } : { path: `/srv/f${seq}` },
        prevHash: '0'.repeat(64),
        hash: '0'.repeat(64),
        ...(user === undefined ? {} : { user }),
      } as BaomiEvent;
      this.events.push(e);
      batch.push(e);
    }
    for (const l of this.listeners) l(batch);
    return batch;
  }

  notice(notice: Notice): void {
    for (const l of this.noticeListeners) l(notice);
  }

  query(f: EventFilter): BaomiEvent[] {
    return this.events
      .filter((e) => e.seq > (f.afterSeq ?? 0) && (f.user === undefined || e.user === f.user))
      .slice(0, f.limit ?? 1000);
  }

  readonly source: SubscriptionSource = {
    page: (afterSeq: number, limit: number, asker: Asker) =>
      this.query({
        afterSeq,
        limit,
        ...(asker.socket === 'admin' ? {} : { user: asker.seatUser ?? '\u0000nobody' }),
      }),
    onEvents: (l) => {
      this.listeners.add(l);
      return () => this.listeners.delete(l);
    },
    onNotice: (l) => {
      this.noticeListeners.add(l);
      return () => this.noticeListeners.delete(l);
    },
  };

  /** What the agent's handler does for these requests. */
  readonly handler: RequestHandler = (req) => {
    switch (req.type) {
      case 'status':
        return { events: { stored: this.events.length, unsynced: 0 } };
      case 'events.query':
        return { events: this.query(req.filter) };
      case 'verify':
        return { ok: true, checked: this.events.length, firstSeq: 1, lastSeq: this.events.length };
      case 'idle.report':
        throw new BaomiError('PROTOCOL_UNSUPPORTED', { type: req.type });
    }
  };
}

export async function serveLog(
  paths: { agent: string; admin: string },
  log: MemoryLog,
  opts: SocketServerOptions = {},
  handler: RequestHandler = log.handler,
): Promise<SocketServers> {
  const servers = await claimSocketServers(paths, opts);
  servers.serve(handler, log.source);
  return servers;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until(what: string, probe: () => boolean, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
