// Benchmark: decide() (src/core/usb/decide.ts) over 10,000 generated devices against a
// 500-rule policy, in decisions per second.
//
// The goal is a capacity (a dock brings ten devices at once; no machine sees thousands a
// second), so, as DESIGN.md "Benchmarks" says for capacities, the baseline is the same load
// against the bare minimum: the same devices and the same 500 rules walked by a loop that only
// reads and compares the fields a rule matches on (vendor, product, serial, hash, class per
// alternate-0 interface, first match wins), with no classification, no case folding, no
// decision objects. `ratio` is decide's rate over that floor's; the absolute rate is printed
// beside it and must clear its own floor too.
//
// Devices and rules come from a fixed seed, so every run decides the same things. Each side is
// timed over several rounds after a warm-up; the best round counts (the machine is shared).
//
//   npm run bench:usb-decide       (builds, then: node bench/usb-decide.mjs [devices] [rules])
// Prints JSON progress lines; the last line is one JSON object with `ratio` and `target`.
import { decide } from '../dist/core/usb/decide.js';

const DEVICES = Number(process.argv[2] ?? process.env.BENCH_DEVICES ?? 10_000);
const RULES = Number(process.argv[3] ?? process.env.BENCH_RULES ?? 500);
const ROUNDS = 7;
/** decide() may cost at most 5x the bare field-compare loop… */
const TARGET = 0.2;
/** …and must decide at least this many devices a second (0.1 ms each). */
const TARGET_PER_SEC = 10_000;

const log = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);

/** mulberry32: a small seeded PRNG, so the load is the same in every run. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(20261201);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const hex = (n) =>
  Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(rand() * 16)]).join('');
const serial = () => hex(20).toUpperCase();

const iface = (number, cls, name) => ({
  number,
  alt: 0,
  class: cls,
  subclass: '00',
  protocol: '00',
  ...(name ? { name } : {}),
});

// Approved sticks: the rules name them; a tenth of the generated sticks are among them.
const approved = Array.from({ length: Math.floor(RULES * 0.8) }, () => ({
  vendor: pick(['0781', '0951', '090c', '13fe']),
  product: hex(4),
  serial: serial(),
}));
const auditHashes = Array.from({ length: Math.floor(RULES * 0.1) }, () => hex(64));

function policy() {
  const rules = [];
  for (const a of approved) rules.push({ ...a, verdict: 'allow', note: `approved ${a.serial}` });
  for (const h of auditHashes) rules.push({ hash: h, verdict: 'read-only', note: 'audit' });
  while (rules.length < RULES - 1) {
    const r = rand();
    if (r < 0.4) rules.push({ class: pick(['06', 'e0', '02', '0e']), verdict: 'audit' });
    else if (r < 0.8) rules.push({ vendor: hex(4), verdict: 'block', note: 'vendor banned' });
    else rules.push({ class: '03', vendor: hex(4), product: hex(4), verdict: 'block' });
  }
  rules.push({ verdict: 'block', note: 'no other storage' }); // matcher-less: a storage rule
  return { storage: 'block', rules: rules.slice(0, RULES), whileLocked: 'block' };
}

function device(i) {
  const base = { id: `1-${i}`, bus: 'usb', deviceClass: '00', hash: hex(64) };
  const r = rand();
  if (r < 0.5) {
    const a = rand() < 0.1 ? pick(approved) : { vendor: hex(4), product: hex(4), serial: serial() };
    const h = rand() < 0.05 ? pick(auditHashes) : base.hash;
    return { ...base, ...a, hash: h, interfaces: [iface(0, '08')] };
  }
  const ids = { vendor: hex(4), product: hex(4), serial: serial() };
  if (r < 0.7) return { ...base, ...ids, interfaces: [iface(0, '03'), iface(1, '03')] };
  if (r < 0.8)
    return { ...base, ...ids, interfaces: [iface(0, '03'), iface(1, '03'), iface(2, '08')] };
  if (r < 0.88) {
    return {
      ...base,
      ...ids,
      deviceClass: 'ef',
      interfaces: [0, 1, 2, 3].map((n) => iface(n, n < 2 ? '0e' : '01')),
    };
  }
  if (r < 0.95) {
    return {
      ...base,
      ...ids,
      interfaces: [iface(0, 'ff', 'MTP'), iface(1, 'ff', 'ADB Interface')],
    };
  }
  return { ...base, ...ids, deviceClass: '09', interfaces: [iface(0, '09')] };
}

const usb = policy();
const devices = Array.from({ length: DEVICES }, (_, i) => device(i));
const ctx = {
  now: Date.parse('2026-12-01T09:00:00Z'),
  user: 'zhang.wei',
  locked: false,
  exceptions: [],
};

/** The floor: the rule walk alone, first match per alternate-0 interface. */
function bare(d, rules) {
  let found = 0;
  for (const f of d.interfaces) {
    if (f.alt !== 0) continue;
    for (let k = 0; k < rules.length; k++) {
      const r = rules[k];
      if (r.vendor !== undefined && r.vendor !== d.vendor) continue;
      if (r.product !== undefined && r.product !== d.product) continue;
      if (r.serial !== undefined && r.serial !== d.serial) continue;
      if (r.hash !== undefined && r.hash !== d.hash) continue;
      if (r.class !== undefined && r.class !== d.deviceClass && r.class !== f.class) continue;
      found += k;
      break;
    }
  }
  return found;
}

function time(label, fn) {
  let best = Number.POSITIVE_INFINITY;
  let sink = 0;
  for (let round = 0; round <= ROUNDS; round++) {
    const start = performance.now();
    for (const d of devices) sink += fn(d);
    const ms = performance.now() - start;
    if (round > 0) best = Math.min(best, ms); // round 0 warms the JIT up
    log({ phase: label, round, ms: +ms.toFixed(2) });
  }
  return { rate: DEVICES / (best / 1000), bestMs: best, sink };
}

log({ phase: 'start', devices: DEVICES, rules: usb.rules.length, rounds: ROUNDS });
const verdicts = {};
const decidedBy = {};
for (const d of devices) {
  const x = decide(d, usb, ctx);
  verdicts[x.verdict] = (verdicts[x.verdict] ?? 0) + 1;
  decidedBy[x.rule.by] = (decidedBy[x.rule.by] ?? 0) + 1;
}
log({ phase: 'mix', verdicts, decidedBy });

const floor = time('bare', (d) => bare(d, usb.rules));
const real = time('decide', (d) => decide(d, usb, ctx).interfaces.length);
const ratio = real.rate / floor.rate;
log({
  bench: 'usb-decide',
  devices: DEVICES,
  rules: usb.rules.length,
  ratio: +ratio.toFixed(3),
  target: TARGET,
  decisionsPerSec: Math.round(real.rate),
  targetPerSec: TARGET_PER_SEC,
  pass: ratio >= TARGET && real.rate >= TARGET_PER_SEC,
  decideBestMs: +real.bestMs.toFixed(2),
  baselinePerSec: Math.round(floor.rate),
  baselineBestMs: +floor.bestMs.toFixed(2),
  baseline: 'the same devices and rules walked by a bare first-match loop over the matched fields',
  usPerDecision: +((1000 * real.bestMs) / DEVICES).toFixed(2),
});
