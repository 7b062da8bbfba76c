// A lived-in event log for the log viewer's tests: `n` events written into an agent's data
// dir before the agent starts, through the agent's own store (src/agent/store), so the hash
// chain, the ids and chain.head are what an agent would have written and the agent, its
// `verify` and its start-up check accept them. The events' data comes from the producers'
// own builders where they are pure (usb/record.ts, files/events.ts, policy/rejection.ts).
//
// A mix like a workstation's over the last `days` (14): mostly file changes in classified
// folders (with their level), USB plugs allowed and blocked, idle reminders and locks, alerts,
// policy events; the seat user's and other people's; severities info to critical. Three
// hostile file names (HOSTILE_NAMES) are in the seat user's newest events, where the first
// screen shows them. Deterministic for a given `seed` (except ids' random bits and the clock).
//
// Fast: one transaction (the writer's batch is made as large as the log), one fsync.
import { hostname } from 'node:os';
import { fileEvent } from '../../src/agent/files/events.js';
import type { FileChange } from '../../src/agent/folders/types.js';
import { openStore } from '../../src/agent/store/index.js';
import { verdictEvent } from '../../src/agent/usb/record.js';
import type { EventInput } from '../../src/core/events/types.js';
import { policyRejectedData } from '../../src/core/policy/rejection.js';
import type { Decision, UsbDevice } from '../../src/core/usb/types.js';

export const HOSTILE_NAMES = [
  '<img src=x onerror=alert(1)>.docx',
  '"><script>alert(1)</script>',
  '=HYPERLINK("x")',
] as const;

export interface SeedOptions {
  /** Who is at the console: most events are theirs (agent.sock shows them theirs). */
  seatUser?: string;
  others?: string[];
  /** Share of events that are the seat user's (0…1); default 0.7. */
  seatShare?: number;
  days?: number;
  /** The newest event is a minute before this; default Date.now(). */
  now?: number;
  host?: string;
  seed?: number;
}

export interface SeedResult {
  head: { seq: number; hash: string };
  /** How many of the events are the seat user's. */
  seatUserEvents: number;
  /** The seqs of the hostile names' events, in HOSTILE_NAMES order. */
  hostileSeqs: number[];
  ms: number;
}

const FOLDERS = [
  { root: '/srv/finance', level: 'AAA' },
  { root: '/srv/rd/designs', level: 'AA' },
  { root: '/home/shared/合同', level: '机密' },
  { root: '/srv/hr', level: 'A' },
];
const D = 86_400_000;

/** mulberry32: small, fast, good enough to vary test data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function seedEvents(
  dataDir: string,
  n: number,
  o: SeedOptions = {},
): Promise<SeedResult> {
  const started = performance.now();
  const seat = o.seatUser ?? 'zhang.san';
  const others = o.others ?? ['li.si', 'wang.wu', '王芳'];
  const r = rng(o.seed ?? 14);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const end = (o.now ?? Date.now()) - 60_000;
  const span = (o.days ?? 14) * D;
  // Hostile names: the seat user's 3rd, 10th and 20th newest events (fewer in a tiny log).
  const hostileAt = new Map(
    [3, 10, 20].map((back, i) => [n - back + 1, i] as const).filter(([seq]) => seq >= 1),
  );

  const inputs: EventInput[] = [];
  let seatUserEvents = 0;
  for (let seq = 1; seq <= n; seq++) {
    const ts = Math.floor(end - span + (seq / n) * span);
    const hostile = hostileAt.get(seq);
    const user = hostile !== undefined || r() < (o.seatShare ?? 0.7) ? seat : pick(others);
    if (user === seat) seatUserEvents++;
    const e =
      hostile !== undefined ? file(seq, user, HOSTILE_NAMES[hostile]!) : made(seq, user, ts);
    inputs.push({ ...e, user, ts });
  }

  function file(seq: number, user: string, name?: string): EventInput {
    const f = pick(FOLDERS);
    const path = `${f.root}/project-${seq % 37}/${name ?? `报告-${seq % 997}.docx`}`;
    const change = {
      changeId: seq,
      kind: name !== undefined || r() < 0.3 ? 'created' : 'modified',
      root: f.root,
      path,
      rel: path.slice(f.root.length + 1),
      entry: { type: 'file', ino: seq, size: 0, mtimeMs: 0 },
      size: Math.floor(r() * 5_000_000),
      mtimeMs: 0,
      ino: seq,
      owner: 1000,
      detectedBy: r() < 0.9 ? 'watch' : 'scan',
    } satisfies FileChange;
    return fileEvent(
      change,
      f.level,
      { root: f.root, detectedBy: change.detectedBy },
      {
        nameOf: () => user,
      },
    );
  }

  function usb(seq: number, blocked: boolean): EventInput {
    const device: UsbDevice = {
      id: `1-${1 + (seq % 4)}`,
      bus: 'usb',
      vendor: '0781',
      product: '5581',
      serial: `4C53${String(seq).padStart(8, '0')}`,
      manufacturer: 'SanDisk',
      productName: blocked ? 'Cruzer Blade' : '财务部加密U盘',
      deviceClass: '00',
      interfaces: [{ number: 0, alt: 0, class: '08', subclass: '06', protocol: '50' }],
    };
    const rule: Decision['rule'] = blocked
      ? { by: 'storage-default' }
      : { by: 'rule', index: 0, note: '财务部加密U盘' };
    const verdict = blocked ? 'block' : 'allow';
    const decision: Decision = {
      verdict,
      rule,
      storage: true,
      hid: false,
      interfaces: [{ number: 0, verdict, rule }],
    };
    return verdictEvent(device, decision, { enforcing: true, because: 'plugged' });
  }

  function made(seq: number, user: string, ts: number): EventInput {
    const x = r();
    if (x < 0.62) return file(seq, user);
    if (x < 0.7) return usb(seq, true);
    if (x < 0.75) return usb(seq, false);
    const idleMs = 180_000 + Math.floor(r() * 120_000);
    if (x < 0.85)
      return {
        type: 'idle.reminded',
        severity: 'low',
        data: { idleMs, n: 1 + (seq % 3), delivered: true, via: 'tray' },
      };
    if (x < 0.9) return { type: 'idle.locked', severity: 'low', data: { idleMs, via: 'logind' } };
    if (x < 0.93) {
      const date = new Date(ts).toISOString().slice(0, 10);
      return {
        type: 'idle.exposure',
        severity: 'info',
        data: { date, minutes: seq % 45, final: true },
      };
    }
    if (x < 0.97)
      return {
        type: 'alert.raised',
        severity: x < 0.95 ? 'high' : 'critical',
        level: 'AAA',
        data: {
          rule: { index: 0, match: 'file.*', level: 'AAA', count: 100, within: '5m' },
          count: 100 + (seq % 50),
          windowStart: ts - 300_000,
          windowEnd: ts,
          sample: [],
          suppressed: 0,
        },
      };
    if (x < 0.99)
      return {
        type: 'policy.applied',
        severity: 'info',
        data: {
          file: '/etc/baomi/policy.yaml',
          name: '总部默认策略 HQ default',
          version: 1 + Math.floor((seq / n) * 12),
          sha256: seq.toString(16).padStart(64, '0'),
          key: 'hq',
          previousVersion: Math.floor((seq / n) * 12) || null,
        },
      };
    return {
      type: 'policy.rejected',
      severity: 'high',
      data: policyRejectedData(
        '/etc/baomi/policy.yaml',
        { code: 'POLICY_UNKNOWN_KEY', params: { key: 'usbb', line: 5, col: 1 } },
        12,
      ),
    };
  }

  // Ids are UUIDv7 of the store's clock, read once per event as it is chained, in order: give
  // it each event's own time, so ids and ts agree as an agent's would.
  let k = 0;
  const store = openStore({
    dataDir,
    host: o.host ?? hostname(),
    now: () => inputs[Math.min(k++, n - 1)]?.ts ?? Date.now(),
    batchMax: n + 1,
    batchWindowMs: 2 ** 31 - 1,
  });
  try {
    const appended = inputs.map((i) => store.append(i));
    store.flush();
    await Promise.all(appended);
    const head = store.head();
    return {
      head,
      seatUserEvents,
      hostileSeqs: [...hostileAt].sort((a, b) => a[1] - b[1]).map(([seq]) => seq),
      ms: Math.round(performance.now() - started),
    };
  } finally {
    store.close();
  }
}
