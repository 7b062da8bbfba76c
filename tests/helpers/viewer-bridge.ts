// `window.baomi` for the tray's pages in Chromium, where no Electron preload provides it.
//
// installAgentBridge: the preload's methods (src/preload/preload.ts), each forwarded as the
// tray's main process forwards it (src/main/index.ts) to a real agent's socket, behind the
// same guard (src/main/ipc-guard.ts: a call Electron would refuse is refused here too, with
// the same error). Errors reach the page as ipcRenderer.invoke delivers them: a rejected
// promise with an Error whose message is "Error invoking remote method '<channel>':
// BaomiError: <CODE> <params>" (Electron sends the handler's error as its toString(); no
// `code` property crosses), so a page finds the code in the message in both places.
//
// installStaticBridge: the page alone, answered from events made in the page
// (./viewer-static-bridge.page.js), for benchmarks and layout tests.
//
// Both are init scripts, run in every document before the page's own scripts, as a preload
// is. DevTools' init scripts (Page.addScriptToEvaluateOnNewDocument) are not subject to the
// page's Content-Security-Policy, so the pages' hashed script-src does not stop them.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { BaomiEvent } from '../../src/core/events/types.js';
import type { MessageType } from '../../src/core/protocol/messages.js';
import { type BodyOf, requestOnce } from '../../src/ipc/index.js';
import type { Handlers } from '../../src/main/ipc.js';
import { APP_ORIGIN, type Channel, guardInvoke } from '../../src/main/ipc-guard.js';
import type { BaomiBridge } from '../../src/preload/preload.js';

export const STATIC_BRIDGE_SCRIPT = join(import.meta.dirname, 'viewer-static-bridge.page.js');

export interface BridgeCall {
  channel: Channel;
  arg: unknown;
}

export interface AgentBridge {
  /** What the page asked setLanguage for, in order. */
  readonly languages: string[];
  /** Every call the page made (refused ones included), in order. */
  readonly calls: BridgeCall[];
}

export interface AgentBridgeOptions {
  /** agent.sock (the tray's) or admin.sock. */
  socketPath: string;
  /** Sent with every request (agent.sock: the seat user's own events); default none. */
  seatToken?: string | null;
  /** Apply the main process's argument guard (default true: what Electron would refuse). */
  guard?: boolean;
  timeoutMs?: number;
}

type Reply = { ok: true; result: unknown } | { ok: false; message: string };

const BINDING = '__baomiInvoke';

/** Call before page.goto: the bridge exists in every document the page loads from then on. */
export async function installAgentBridge(page: Page, o: AgentBridgeOptions): Promise<AgentBridge> {
  const bridge = { languages: [] as string[], calls: [] as BridgeCall[] };
  const ask = { seatToken: o.seatToken ?? null, timeoutMs: o.timeoutMs ?? 10_000 };
  // One connection per request, as a CLI command makes: an agent restarted by the test is
  // simply asked again; a stopped one answers SOCKET_UNREACHABLE, as the tray's `agent()` does.
  const agent = <T extends MessageType>(type: T, body: BodyOf<T>) =>
    requestOnce(o.socketPath, type, body, ask);
  // The main process's handlers (src/main/index.ts), with the tray's connection replaced.
  const handlers: Handlers = {
    'baomi:status': async () => agent('status', {}),
    'baomi:events': async (filter) => agent('events.query', { filter }),
    'baomi:verify': async () => agent('verify', {}),
    'baomi:exception-request': async (input) => agent('usb.exception.request', input),
    'baomi:exception-redeem': async ({ token }) => agent('usb.exception.redeem', { token }),
    'baomi:language': async (lang) => {
      bridge.languages.push(lang);
    },
    'baomi:pledge': async () => agent('pledge.get', {}),
    'baomi:pledge-acknowledge': async ({ sha256 }) => agent('pledge.acknowledge', { sha256 }),
  };
  // Answers cross as one JSON string: Playwright's own serialiser walks every value and took
  // seconds for a 10,000-event page (Electron's structured clone does not), which would be the
  // harness measuring itself.
  const reply = async (channel: Channel, args: unknown[]): Promise<Reply> => {
    bridge.calls.push({ channel, arg: args[0] });
    const fail = (e: unknown): Reply => ({
      ok: false,
      message: `Error invoking remote method '${channel}': ${String(e)}`,
    });
    let arg: unknown = args[0];
    if (o.guard !== false) {
      // As src/main/ipc.ts: refused before any handler runs, nothing reaches the agent.
      const g = guardInvoke(channel, `${APP_ORIGIN}/viewer.html`, args);
      if (!g.ok) return fail(new Error(`REFUSED:${g.reason}`));
      arg = g.arg;
    }
    const handler = (Object.hasOwn(handlers, channel) ? handlers[channel] : undefined) as
      | ((a: unknown) => Promise<unknown>)
      | undefined;
    if (!handler) return fail(new Error('REFUSED:unknown-channel'));
    try {
      return { ok: true, result: await handler(arg) } satisfies Reply;
    } catch (e) {
      return fail(e);
    }
  };
  await page.exposeBinding(BINDING, async (_source, channel: Channel, args: unknown[]) =>
    JSON.stringify(await reply(channel, args)),
  );
  await page.addInitScript(pageBridge, BINDING);
  return bridge;
}

/**
 * In the page: window.baomi with the preload's methods and channels, over the binding, which
 * is then taken off window (contextBridge exposes `baomi` alone). Serialised into the page:
 * it may use nothing from this module.
 */
function pageBridge(binding: string): void {
  const g = globalThis as unknown as Record<string, unknown>;
  const send = g[binding] as (channel: string, args: unknown[]) => Promise<string>;
  try {
    delete g[binding];
  } catch {
    // not configurable: it stays beside window.baomi
  }
  const invoke = async (channel: string, ...args: unknown[]) => {
    const r = JSON.parse(await send(channel, args)) as Reply;
    if (!r.ok) throw new Error(r.message);
    return r.result;
  };
  const bridge: Record<keyof BaomiBridge, (arg?: never) => Promise<unknown>> = {
    status: () => invoke('baomi:status'),
    events: (filter) => invoke('baomi:events', filter),
    verify: () => invoke('baomi:verify'),
    requestException: (input) => invoke('baomi:exception-request', input),
    redeemToken: (token) => invoke('baomi:exception-redeem', { token }),
    setLanguage: (lang) => invoke('baomi:language', lang),
    pledge: () => invoke('baomi:pledge'),
    acknowledgePledge: (sha256) => invoke('baomi:pledge-acknowledge', { sha256 }),
  };
  Object.defineProperty(g, 'baomi', { value: Object.freeze(bridge), enumerable: true });
}

export type StaticSource =
  | BaomiEvent[]
  | {
      count: number;
      /** The newest event is a minute before this (ms since the epoch); default Date.now(). */
      now?: number;
      /** Every event's `user` (agent.sock serves the seat user's own); default 'zhang.san'. */
      seatUser?: string;
    };

/**
 * window.baomi answered in the page (viewer-static-bridge.page.js says what it honours). With
 * `{count}` the events are made in the page on demand; an array is sent over as it is (keep
 * it small). Call before page.goto.
 */
export async function installStaticBridge(page: Page, source: StaticSource): Promise<void> {
  const cfg = Array.isArray(source) ? { events: source } : source;
  await page.addInitScript({ content: `globalThis.__baomiStatic = ${JSON.stringify(cfg)};` });
  await page.addInitScript({ path: STATIC_BRIDGE_SCRIPT });
}

/** What the page asked the static bridge's setLanguage for, in order. */
export function staticLanguages(page: Page): Promise<string[]> {
  return page.evaluate('[...globalThis.__baomiStaticLanguages]') as Promise<string[]>;
}
