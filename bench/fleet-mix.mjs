// The events a simulated workstation produces in bench/fleet.mjs: a seeded, reproducible mix,
// so the baseline and the console see the same stream. Rates are per agent (× --events-x):
//   - background file activity in a classified folder: a Poisson process, 1 a minute
//     (file.modified 70 %, file.created + its file.hashed 20 %, file.deleted 10 %);
//   - folder bursts (someone copies a folder in): one every 2 hours, 20–200 files, each a
//     file.created and its file.hashed, 20 ms apart; one burst in 100 is 300–700 files, more
//     than a 500-event batch, so the agent's backlog rule runs too;
//   - idle: one episode every 30 minutes: idle.reminded, idle.locked + session.locked, and
//     session.unlocked some minutes later;
//   - USB: a stick every 4 hours: usb.connected, usb.blocked, usb.removed a minute later.
// That is about 3 events a minute per agent on average, most syncs carrying 0–5 of them.
// Events are generated lazily, up to a moment (`until`): those whose time has come are
// committed in time order into the agent's chain (seq, prevHash, hash by the core's own
// eventHash), stamped with their own time, as if the agent had written them then.
import { v7 as uuidv7 } from 'uuid';
import { eventHash } from '../dist/core/events/chain.js';
import { GENESIS_HASH } from '../dist/core/events/types.js';

const MIN = 60_000;
export const RATES_PER_MIN = { file: 1, burst: 1 / 120, idle: 1 / 30, usb: 1 / 240 };

/** mulberry32: a small seeded PRNG in [0, 1). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const USERS = ['zhang.wei', 'li.na', 'wang.fang', 'liu.yang', 'chen.jing', 'zhao.lei'];

/** One agent's event source and chain. */
export class EventMix {
  constructor(host, seed, startMs, eventsX = 1) {
    this.host = host;
    this.r = rng(seed);
    this.user = USERS[seed % USERS.length];
    this.x = eventsX;
    this.seq = 0;
    this.head = GENESIS_HASH;
    this.file = 0;
    /** Occurrences scheduled, each {at, kind}; `pending` holds events of started episodes. */
    this.next = {};
    for (const kind of Object.keys(RATES_PER_MIN)) this.next[kind] = startMs + this.gap(kind);
    this.pending = [];
  }

  /** Exponential gap of the Poisson process `kind`, ms. */
  gap(kind) {
    const rate = (RATES_PER_MIN[kind] * this.x) / MIN;
    return -Math.log(1 - this.r()) / rate;
  }

  path() {
    this.file++;
    return `/srv/finance/2026/Q${(this.file % 4) + 1}/账目-${this.file}.xlsx`;
  }

  fileData(path, extra = {}) {
    return {
      path,
      size: 10_000 + Math.floor(this.r() * 500_000),
      owner: this.user,
      detectedBy: 'watch',
      root: '/srv/finance',
      ...extra,
    };
  }

  /** The events of one occurrence of `kind` starting at `at`, as [ts, type, severity, data, level]. */
  episode(kind, at) {
    const out = [];
    const sha = () =>
      Math.floor(this.r() * 2 ** 52)
        .toString(16)
        .padStart(64, '0');
    if (kind === 'file') {
      const p = this.path();
      const pick = this.r();
      if (pick < 0.7) out.push([at, 'file.modified', 'info', this.fileData(p), 'AA']);
      else if (pick < 0.9) {
        out.push([at, 'file.created', 'info', this.fileData(p), 'AA']);
        out.push([at + 150, 'file.hashed', 'info', { path: p, sha256: sha(), size: 1, ofSeq: 0 }]);
      } else out.push([at, 'file.deleted', 'low', { path: p, root: '/srv/finance' }, 'AA']);
    } else if (kind === 'burst') {
      const big = this.r() < 0.01;
      const n = big ? 300 + Math.floor(this.r() * 400) : 20 + Math.floor(this.r() * 180);
      for (let i = 0; i < n; i++) {
        const p = this.path();
        out.push([at + i * 20, 'file.created', 'info', this.fileData(p), 'AA']);
        out.push([at + i * 20 + 10, 'file.hashed', 'info', { path: p, sha256: sha(), size: 1 }]);
      }
    } else if (kind === 'idle') {
      const back = at + 60_000 + Math.floor(this.r() * 10 * MIN);
      out.push([at, 'idle.reminded', 'info', { idleMs: 180_000 }]);
      out.push([at + 120_000, 'idle.locked', 'low', { idleMs: 300_000 }]);
      out.push([at + 120_001, 'session.locked', 'info', { by: 'agent' }]);
      out.push([back + 120_001, 'session.unlocked', 'info', {}]);
    } else if (kind === 'usb') {
      const device = { vendor: '0781', product: '5581', serial: `SN${this.host}` };
      out.push([at, 'usb.connected', 'info', { device }]);
      out.push([at + 5, 'usb.blocked', 'high', { device, rule: 'storage', verdict: 'block' }]);
      out.push([at + 60_000, 'usb.removed', 'info', { device }]);
    }
    return out;
  }

  /**
   * Commits every event whose time is at or before `until`, in time order; returns them
   * (with seq and hash). Episodes that started are expanded; their later events wait.
   */
  advance(until) {
    for (const kind of Object.keys(this.next)) {
      while (this.next[kind] <= until) {
        for (const e of this.episode(kind, Math.round(this.next[kind]))) this.pending.push(e);
        this.next[kind] += this.gap(kind);
      }
    }
    if (this.pending.length === 0) return [];
    this.pending.sort((a, b) => a[0] - b[0]);
    let k = 0;
    while (k < this.pending.length && this.pending[k][0] <= until) k++;
    const due = this.pending.splice(0, k);
    return due.map(([ts, type, severity, data, level]) =>
      this.commit(ts, type, severity, data, level),
    );
  }

  commit(ts, type, severity, data, level) {
    if (type === 'file.hashed') data.ofSeq = this.seq;
    const e = {
      id: uuidv7({ msecs: ts }),
      seq: this.seq + 1,
      ts,
      type,
      severity,
      ...(level ? { level } : {}),
      user: this.user,
      host: this.host,
      data,
      prevHash: this.head,
    };
    e.hash = eventHash(e);
    this.seq = e.seq;
    this.head = e.hash;
    return e;
  }
}
