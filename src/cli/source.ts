// Where `events`, `status` and `verify` read from: the running agent over its socket, or a
// data directory opened read-only. With neither flag: the places readPlaces() lists (the
// user's own agent, then the system agent, then the default data directory), so `baomi
// events` just works on a workstation, for root and for the person at the console alike.
import { existsSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { statusFromStore } from '../agent/status.js';
import { openStore, verifyStore } from '../agent/store/index.js';
import { SeenDevices } from '../agent/usb/seen.js';
import { BaomiError, isBaomiError } from '../core/errors.js';
import type { BaomiEvent } from '../core/events/types.js';
import type {
  EventFilter,
  StatusResult,
  UsbListResult,
  VerifyResult,
} from '../core/protocol/messages.js';
import { type AgentConnection, connectAgent } from '../ipc/index.js';
import { osName, readPlaces } from '../platform/paths.js';

export interface Source {
  status(): Promise<StatusResult>;
  query(filter: EventFilter): Promise<BaomiEvent[]>;
  verify(): Promise<VerifyResult>;
  /** USB devices present and seen recently (`baomi usb list`). */
  usbList(): Promise<UsbListResult>;
  close(): void;
  /** The socket that answered, when it was agent.sock (only the asker's own events). */
  readonly agentSock?: string;
}

export interface SourceOptions {
  dataDir?: string;
  socket?: string;
}

const VERIFY_TIMEOUT_MS = 10 * 60_000;

function fromSocket(conn: AgentConnection, admin = true): Source {
  return {
    ...(admin ? {} : { agentSock: conn.socket }),
    status: () => conn.request('status', {}),
    query: async (filter) => (await conn.request('events.query', { filter })).events,
    // The whole chain is walked (about 8 s per million events): more than the usual 10 s.
    verify: () => conn.request('verify', {}, { timeoutMs: VERIFY_TIMEOUT_MS }),
    usbList: () => conn.request('usb.list', {}),
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
    usbList: async () => {
      // What the agent last kept: its list and its status slice (no agent answers now).
      const usb = statusFromStore(store).usb;
      const devices = new SeenDevices(store).list();
      return { enforcing: false, reason: usb.reason ?? 'USB_NO_MODULE', devices };
    },
    close: () => void store.close(),
  };
}

/**
 * A connection when an agent answers there; otherwise why not (ENOENT, ECONNREFUSED, EACCES:
 * each means "try the next place"). A socket someone else owns is not skipped: it is refused.
 */
export async function reachable(path: string): Promise<AgentConnection | string> {
  try {
    return await connectAgent(path, { timeoutMs: 10_000 });
  } catch (e) {
    if (isBaomiError(e) && (e.code === 'SOCKET_UNREACHABLE' || e.code === 'SOCKET_DENIED'))
      return typeof e.params.reason === 'string' ? e.params.reason : e.code;
    throw e;
  }
}

export async function openSource(opts: SourceOptions, adminOnly = false): Promise<Source> {
  if (opts.dataDir && opts.socket) throw new BaomiError('CLI_BOTH_SOURCES', {}, 2);
  if (opts.dataDir) return fromDataDir(opts.dataDir);
  if (opts.socket) return fromSocket(await connectAgent(opts.socket));
  const places = readPlaces(
    osName(process.platform),
    process.getuid?.() ?? -1,
    process.env,
    homedir(),
    adminOnly,
  );
  const tried: { place: string; reason: string }[] = [];
  for (const p of places) {
    if (p.kind === 'dataDir') {
      const db = join(p.path, 'baomi.db');
      if (existsSync(db)) return fromDataDir(p.path);
      tried.push({ place: db, reason: 'ENOENT' });
      continue;
    }
    const conn = await reachable(p.path);
    if (typeof conn !== 'string') return fromSocket(conn, p.admin);
    tried.push({ place: p.path, reason: conn });
  }
  throw new BaomiError('CLI_NO_AGENT', { tried });
}
