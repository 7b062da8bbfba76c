// Pieces of the fleet suite (tests/console/fleet.suite.ts) that do not depend on its order:
// the policy text, a desk's seat user for a real agent process, what an agent's database and
// status say, a sync request signed by hand, the tampering, and the console's copy of an
// agent's events.
import { spawnSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from '../../src/agent/store/index.js';
import { signedHeaders } from '../../src/agent/sync/sign.js';
import type { StoredEvent } from '../../src/console/store/types.js';
import type { SyncRequest, SyncResponse } from '../../src/core/sync/wire.js';
import { runCliAsync } from './cli-async.js';
import { httpsCall, type StaffApi } from './console-process.js';

/** A signed policy with a console, a 1 s interval, batches of 20, and one folder. */
export function fleetPolicy(o: { version: number; name: string; console: string }): string {
  return [
    `version: ${o.version}`,
    `name: ${o.name}`,
    'issued: 2026-01-01T00:00:00Z',
    'expires: 2099-01-01T00:00:00Z',
    `sync: { console: "${o.console}", interval: 1s, batch: 20 }`,
    'usb: { storage: audit }',
    'folders:',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the policy's own placeholder
    '  - { path: "${dataDir}/classified", level: A }',
    '',
  ].join('\n');
}

/** Root, and a mount namespace to be had: what seatWrapper needs. */
export const canSeat =
  process.getuid?.() === 0 &&
  spawnSync('unshare', ['-m', 'true']).status === 0 &&
  spawnSync('mount', ['-V']).status === 0;

/**
 * A command line to run an agent under, in which root is logged in at seat0: a folder of the
 * test laid out as systemd-logind leaves /run (seats/seat0, sessions/7, the runtime dir
 * /run/user/0 where a root agent writes the seat user's token) is bind-mounted on /run in a
 * private mount namespace, so the machine's /run is untouched and the agent's real logind
 * adapter reads it. A client finds the seat token with XDG_RUNTIME_DIR=`runtimeDir`.
 */
export function seatWrapper(dir: string): { wrap: string[]; runtimeDir: string } {
  mkdirSync(join(dir, 'systemd', 'seats'), { recursive: true });
  mkdirSync(join(dir, 'systemd', 'sessions'));
  const runtimeDir = join(dir, 'user', '0');
  mkdirSync(runtimeDir, { recursive: true, mode: 0o700 });
  writeFileSync(
    join(dir, 'systemd', 'sessions', '7'),
    'UID=0\nUSER=root\nACTIVE=1\nSTATE=active\nREMOTE=0\nTYPE=tty\nCLASS=user\nSEAT=seat0\n',
  );
  writeFileSync(join(dir, 'systemd', 'seats', 'seat0'), 'IS_SEAT0=1\nACTIVE=7\nACTIVE_UID=0\n');
  return {
    wrap: ['unshare', '-m', 'sh', '-c', `mount --bind '${dir}' /run && exec "$0" "$@"`],
    runtimeDir,
  };
}

/** The agent's own acknowledgement and head, from its database (read-only). */
export function agentPosition(dataDir: string): { acked: number; head: number } {
  const store = openStore({ dataDir, host: 'test', readOnly: true });
  try {
    return { acked: store.getAckedSeq(), head: store.head().seq };
  } finally {
    store.close();
  }
}

export interface AgentStatus {
  policy: { name: string; version: number } | null;
  sync: {
    enrolled?: boolean;
    agentId?: string;
    lastSuccess?: number;
    lastError?: { code: string; params: Record<string, unknown>; at: number };
  };
}

/** `baomi status --json` on the agent's admin socket. */
export async function agentStatus(socketDir: string): Promise<AgentStatus> {
  const r = await runCliAsync(['status', '--json', '--socket', join(socketDir, 'admin.sock')]);
  if (r.code !== 0) throw new Error(`status: ${r.stderr}`);
  return JSON.parse(r.stdout) as AgentStatus;
}

/** A POST /api/v1/sync made by hand: no events, signed with `keyPem`, naming `agentId`. */
export async function signedSync(
  base: string,
  ca: string,
  keyPem: string,
  agentId: string,
  head: { seq: number; hash: string },
) {
  const request: SyncRequest = {
    v: 1,
    events: [],
    heartbeat: {
      agentVersion: 'fleet-suite',
      host: hostname(),
      os: 'linux',
      policy: null,
      eventsWaiting: 0,
      idleSource: 'none',
      usbEnforcing: false,
      head,
    },
    policyEtag: null,
  };
  const body = Buffer.from(JSON.stringify(request));
  const headers = signedHeaders(createPrivateKey(keyPem), agentId, {
    method: 'POST',
    path: '/api/v1/sync',
    body,
    time: Date.now(),
  });
  return httpsCall<SyncResponse & { error?: string }>(
    base,
    ca,
    'POST',
    '/api/v1/sync',
    body,
    headers,
  );
}

/**
 * What someone with root does to a stopped agent's log: any trigger on the events table
 * dropped (the agent has none today: src/agent/store/migrations) and put back afterwards, one
 * row's data changed (its stored hash left as it was), another row deleted.
 */
export function tamper(dataDir: string, o: { edit: number; remove: number }) {
  const db = new Database(join(dataDir, 'baomi.db'));
  try {
    const triggers = db
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'")
      .all() as { name: string; sql: string }[];
    for (const t of triggers) db.exec(`DROP TRIGGER "${t.name}"`);
    const edited = db
      .prepare("UPDATE events SET data = json_set(data, '$.size', 1) WHERE seq = ?")
      .run(o.edit).changes;
    const removed = db.prepare('DELETE FROM events WHERE seq = ?').run(o.remove).changes;
    for (const t of triggers) db.exec(t.sql);
    return { edited, removed };
  } finally {
    db.close();
  }
}

/** Every event the console holds for the agent (paged), ascending by seq. */
export async function consoleEventsOf(api: StaffApi, agentId: string): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  let after: string | null = null;
  do {
    const cursor = after ? `&after=${encodeURIComponent(after)}` : '';
    const page: { events: StoredEvent[]; next: string | null } = await api.ok(
      'GET',
      `/api/v1/events?agent=${agentId}&order=asc&limit=1000${cursor}`,
    );
    out.push(...page.events);
    after = page.next;
  } while (after);
  return out.sort((x, y) => x.seq - y.seq);
}
