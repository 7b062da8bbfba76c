// Where `events`, `status` and `verify` read from: the running agent over its socket, or a
// data directory opened read-only. With neither flag: admin.sock, then agent.sock, then the
// default data directory, so `baomi events` just works on a workstation.
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { statusFromStore } from '../agent/status.js';
import { openStore, verifyStore } from '../agent/store/index.js';
import { BaomiError, isBaomiError } from '../core/errors.js';
import type { BaomiEvent } from '../core/events/types.js';
import type { EventFilter, StatusResult, VerifyResult } from '../core/protocol/messages.js';
import { type AgentConnection, connectAgent } from '../ipc/index.js';
import { socketPaths } from '../platform/paths.js';
import { cliDefaults } from './defaults.js';

export interface Source {
  status(): Promise<StatusResult>;
  query(filter: EventFilter): Promise<BaomiEvent[]>;
  verify(): Promise<VerifyResult>;
  close(): void;
}

export interface SourceOptions {
  dataDir?: string;
  socket?: string;
}

const VERIFY_TIMEOUT_MS = 10 * 60_000;

function fromSocket(conn: AgentConnection): Source {
  return {
    status: () => conn.request('status', {}),
    query: async (filter) => (await conn.request('events.query', { filter })).events,
    // The whole chain is walked (about 8 s per million events): more than the usual 10 s.
    verify: () => conn.request('verify', {}, { timeoutMs: VERIFY_TIMEOUT_MS }),
    close: () => conn.close(),
  };
}

function fromDataDir(dataDir: string): Source {
  const db = join(dataDir, 'baomi.db');
  if (!existsSync(db)) throw new BaomiError('STORE_MISSING', { file: db }, 1);
  const store = openStore({ dataDir, host: hostname(), readOnly: true });
  return {
    status: async () => statusFromStore(store),
    query: async (filter) => store.query(filter),
    verify: async () => verifyStore(db),
    close: () => void store.close(),
  };
}

/** A connection when an agent answers there; undefined when nothing does (or not for us). */
async function reachable(path: string): Promise<AgentConnection | undefined> {
  try {
    return await connectAgent(path, { timeoutMs: 10_000 });
  } catch (e) {
    if (isBaomiError(e) && (e.code === 'SOCKET_UNREACHABLE' || e.code === 'SOCKET_DENIED'))
      return undefined;
    throw e;
  }
}

export async function openSource(opts: SourceOptions, adminOnly = false): Promise<Source> {
  if (opts.dataDir && opts.socket) throw new BaomiError('CLI_BOTH_SOURCES', {}, 2);
  if (opts.dataDir) return fromDataDir(opts.dataDir);
  if (opts.socket) return fromSocket(await connectAgent(opts.socket));
  const d = cliDefaults();
  const sockets = socketPaths(d.socketDir);
  const candidates = adminOnly ? [sockets.admin] : [sockets.admin, sockets.agent];
  for (const s of candidates) {
    const conn = await reachable(s);
    if (conn) return fromSocket(conn);
  }
  if (existsSync(join(d.dataDir, 'baomi.db'))) return fromDataDir(d.dataDir);
  throw new BaomiError('CLI_NO_AGENT', {
    sockets: candidates.join(', '),
    db: join(d.dataDir, 'baomi.db'),
  });
}
