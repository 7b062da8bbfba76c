// In the page, before its own scripts (an init script: tests/helpers/viewer-bridge.ts
// installStaticBridge, bench/viewer.mjs): `window.baomi` answered from events made in the page,
// with no agent, so that 100,000 events never cross the DevTools wire and a benchmark measures
// the page, not a socket. Plain JavaScript (not TypeScript) so the bench, which runs under
// plain Node, and the tests load the same file. Its config comes from the init script before
// it: globalThis.__baomiStatic = { count, now, seatUser } or { events: [...] }.
//
// Event n (seq n, 1 ≤ n ≤ count) is a pure function of n, made when first asked for: a page
// of 200 costs the same at 100 events as at 100,000, and a filter that matches nothing walks
// them all (as the agent's query would). `events(filter)` honours what the agent's store does:
// order, afterSeq, beforeSeq, limit (default 1,000, at most 10,000: sanitizeFilter), types
// (exact or `*` globs), minSeverity, level (same scale, this or higher), since/until, text
// (case-insensitive, in the data's JSON), user. Errors reject as Electron's invoke does.
(() => {
  const cfg = globalThis.__baomiStatic ?? { count: 0 };
  delete globalThis.__baomiStatic;
  const given = cfg.events ? [...cfg.events].sort((a, b) => a.seq - b.seq) : null;
  const count = given ? given.length : cfg.count;
  const now = cfg.now ?? Date.now();
  const seat = cfg.seatUser ?? 'zhang.san';
  const host = 'ws-042';
  const SPAN = 14 * 86_400_000;
  const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'];
  const SCALES = [
    ['A', 'AA', 'AAA'],
    ['秘密', '机密', '绝密'],
  ];
  const FOLDERS = [
    ['/srv/finance', 'AAA'],
    ['/srv/rd/designs', 'AA'],
    ['/home/shared/合同', '机密'],
  ];
  const HOSTILE = [
    '<img src=x onerror=alert(1)>.docx',
    '"><script>alert(1)</script>',
    '=HYPERLINK("x")',
  ];
  // [type, weight]: mostly file changes, as on a real desk.
  const MIX = [
    ['file.modified', 40],
    ['file.created', 15],
    ['usb.blocked', 6],
    ['usb.allowed', 4],
    ['idle.reminded', 8],
    ['idle.locked', 3],
    ['alert.raised', 2],
    ['policy.applied', 1],
  ];
  /** Type by (hash mod total weight): one lookup per event. */
  const TYPE_AT = MIX.flatMap(([t, w]) => Array(w).fill(t));
  /** A well-mixed 32-bit hash of n (the same n, the same event). */
  const mix = (n) => {
    let x = Math.imul(n ^ 0x9e3779b9, 0x85ebca6b);
    x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
    return (x ^ (x >>> 16)) >>> 0;
  };
  const hex = (n, len) => n.toString(16).padStart(len, '0').slice(-len);
  // Shared, never copied (the page must not change what it is given): the bridge must cost the
  // page next to nothing, or a benchmark measures the bridge. 100,000 events are made during a
  // load, so an event allocates itself and its id; its data (but for a hostile name, an alert
  // or a policy) is one of 1,024 shared variants per type.
  const HASHES = Array.from({ length: 1024 }, (_, i) => hex(mix(i + 7), 8).repeat(8));
  /** Event n's hash; n - 1's is its prevHash, so the chain reads as one (not a real one). */
  const hashOf = (n) => (n === 0 ? '0'.repeat(64) : HASHES[n & 1023]);
  const USB_INTERFACES = [{ number: 0, class: '08', subclass: '06', protocol: '50' }];
  const RULE_BLOCK = { by: 'storage-default' };
  const RULE_ALLOW = { by: 'rule', index: 0, note: '财务部加密U盘' };
  const ALERT_RULE = { index: 0, match: 'file.*', level: 'AAA', count: 100, within: '5m' };
  /** A UUIDv7 of the event's time (the store's ids are: src/agent/store/ids.ts), unique by n. */
  const uuid7 = (ts, r, n) => {
    const t = hex(ts, 12);
    const tail = hex(n, 15);
    return `${t.slice(0, 8)}-${t.slice(8)}-7${hex(r & 0xfff, 3)}-8${tail.slice(0, 3)}-${tail.slice(3)}`;
  };

  /** File, USB and idle data by variant (v < 1024), made once and shared (see above). */
  const pool = new Map();
  function pooled(type, v) {
    const key = `${type}:${v}`;
    if (!pool.has(key)) pool.set(key, variant(type, v));
    return pool.get(key);
  }
  function variant(type, v, name = `报告-${v}.docx`) {
    if (type.startsWith('file.')) {
      const [root] = FOLDERS[v % FOLDERS.length];
      return {
        path: `${root}/project-${v % 37}/${name}`,
        root,
        size: (v * 4889) % 5_000_000,
        owner: seat,
        detectedBy: v % 10 === 0 ? 'scan' : 'watch',
      };
    }
    if (type.startsWith('usb.')) {
      const blocked = type === 'usb.blocked';
      return {
        device: `1-${1 + (v % 4)}`,
        bus: 'usb',
        vendor: '0781',
        product: '5581',
        serial: `4C53${hex(v * 2654435761, 8)}`,
        manufacturer: 'SanDisk',
        productName: blocked ? 'Cruzer Blade' : '财务部加密U盘',
        deviceClass: '00',
        interfaces: USB_INTERFACES,
        verdict: blocked ? 'block' : 'allow',
        rule: blocked ? RULE_BLOCK : RULE_ALLOW,
        storage: true,
        hid: false,
        because: 'plugged',
        enforced: true,
      };
    }
    if (type === 'idle.locked') return { idleMs: 300_000 + v * 50, via: 'logind' };
    return { idleMs: 180_000 + v * 50, n: 1 + (v % 3), delivered: true, via: 'tray' };
  }
  /** Event n's data: a hostile name, a rare kind made for it, or a shared variant. */
  function dataOf(type, v, n, ts, hostile) {
    if (hostile >= 0) return variant(type, v, HOSTILE[hostile]);
    if (type === 'alert.raised')
      return {
        rule: ALERT_RULE,
        count: 100 + (v % 50),
        windowStart: ts - 300_000,
        windowEnd: ts,
        sample: [],
        suppressed: 0,
      };
    if (type === 'policy.applied')
      return {
        file: '/etc/baomi/policy.yaml',
        name: '总部默认策略 HQ default',
        version: 1 + Math.floor((n * 12) / Math.max(count, 1)),
        sha256: hashOf(n + 1),
        key: 'hq',
        previousVersion: null,
      };
    return pooled(type, v);
  }

  /** Event n, its members in the store's order (src/agent/store/writer.ts). */
  function made(n) {
    const r = mix(n);
    const v = r & 1023;
    const ts = Math.floor(now - 60_000 - ((count - n) * SPAN) / Math.max(count, 1));
    // The hostile names sit in the newest few events, where the first screen shows them.
    const back = count - n;
    const hostile = back < 12 && back % 4 === 1 ? back >> 2 : -1;
    const type = hostile >= 0 ? 'file.created' : TYPE_AT[(r >>> 10) % TYPE_AT.length];
    const severity =
      type === 'usb.blocked'
        ? 'medium'
        : type.startsWith('idle.')
          ? 'low'
          : type === 'alert.raised'
            ? ['high', 'critical'][v % 2]
            : 'info';
    const level = type.startsWith('file.')
      ? FOLDERS[v % FOLDERS.length][1]
      : type === 'alert.raised'
        ? 'AAA'
        : undefined;
    const id = uuid7(ts, r, n);
    const data = dataOf(type, v, n, ts, hostile);
    const prevHash = hashOf(n - 1);
    const hash = hashOf(n);
    return level === undefined
      ? { id, seq: n, ts, type, severity, user: seat, host, data, prevHash, hash }
      : { id, seq: n, ts, type, severity, level, user: seat, host, data, prevHash, hash };
  }
  // Each event is made once, when first asked for, and kept: the viewer holds what it loaded
  // anyway, and these are the same objects.
  const kept = given ?? new Array(count).fill(undefined);
  const eventAt = (n) => {
    if (kept[n - 1] === undefined) kept[n - 1] = made(n);
    return kept[n - 1];
  };

  const rank = (s) => SEVERITIES.indexOf(s);
  /** The levels a filter's `level` admits: it and those above it on its scale (core/levels.ts). */
  const levelsFrom = (l) => {
    const scale = SCALES.find((s) => s.includes(l));
    return scale ? scale.slice(scale.indexOf(l)) : [l];
  };
  const typeTest = (t) => {
    if (!t.includes('*')) return (x) => x === t;
    const re = new RegExp(`^${t.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    return (x) => re.test(x);
  };
  /** The data's JSON in lower case, by seq, made once (a text filter reads every event). */
  const texts = new Array(count).fill(undefined);
  const textOf = (e) => {
    if (texts[e.seq - 1] === undefined) texts[e.seq - 1] = JSON.stringify(e.data).toLowerCase();
    return texts[e.seq - 1];
  };
  function matcher(f) {
    const types = f.types?.length ? f.types.map(typeTest) : null;
    const levels = f.level === undefined ? null : levelsFrom(f.level);
    const text = f.text ? f.text.toLowerCase() : '';
    return (e) =>
      (!types || types.some((t) => t(e.type))) &&
      (f.minSeverity === undefined || rank(e.severity) >= rank(f.minSeverity)) &&
      (!levels || levels.includes(e.level)) &&
      (f.since === undefined || e.ts >= f.since) &&
      (f.until === undefined || e.ts < f.until) &&
      (f.user === undefined || e.user === f.user) &&
      (!text || textOf(e).includes(text));
  }
  function events(f = {}) {
    const limit = Math.min(Math.max(f.limit ?? 1000, 1), 10_000);
    const lo = Math.max((f.afterSeq ?? 0) + 1, 1);
    const hi = Math.min((f.beforeSeq ?? count + 1) - 1, count);
    const ok = matcher(f);
    const out = [];
    const desc = f.order === 'desc';
    for (let n = desc ? hi : lo; desc ? n >= lo : n <= hi; n += desc ? -1 : 1) {
      const e = eventAt(n);
      if (ok(e)) out.push(e);
      if (out.length >= limit) break;
    }
    return { events: out };
  }

  /** As Electron's ipcRenderer.invoke rejects when the main process's handler throws. */
  const refuse = (channel, code, params = {}) =>
    Promise.reject(
      new Error(
        `Error invoking remote method '${channel}': BaomiError: ${code} ${JSON.stringify(params)}`,
      ),
    );
  // Worked out and answered in a task of its own, as an IPC answer arrives and is read on the
  // page's thread (the making of a 10,000-event page costs about what reading Electron's copy
  // of one would). Not copied: the page must not change what it is given.
  const answer = (make) =>
    new Promise((resolve, reject) =>
      setTimeout(() => {
        try {
          resolve(make());
        } catch (e) {
          reject(e);
        }
      }, 0),
    );
  const languages = [];
  const status = {
    running: true,
    policy: { name: '总部默认策略 HQ default', version: 12 },
    folders: FOLDERS.length,
    watched: FOLDERS.map(([path, level]) => ({ path, level, state: 'watching' })),
    hashesPending: 0,
    events: { stored: count, unsynced: 0 },
    seatUser: { name: seat, source: 'logind' },
    seatSource: 'logind',
    idleSource: 'tray',
    usb: { enforcing: true, checkedAt: now },
    sync: { console: null },
    watermark: null,
    policyRejected: null,
  };
  const bridge = {
    status: () => answer(() => status),
    events: (filter) => answer(() => events(filter)),
    verify: () =>
      answer(() => ({
        ok: true,
        checked: count,
        firstSeq: count ? 1 : null,
        lastSeq: count || null,
      })),
    requestException: () => answer(() => ({ requestId: '01900000-0000-7000-8000-000000000001' })),
    redeemToken: () => refuse('baomi:exception-redeem', 'EXCEPTION_MALFORMED', { part: 'prefix' }),
    setLanguage: (lang) => {
      languages.push(lang);
      return answer(() => undefined);
    },
    pledge: () => answer(() => ({ pledge: null, acknowledged: null })),
    acknowledgePledge: () => refuse('baomi:pledge-acknowledge', 'PLEDGE_NONE'),
  };
  Object.defineProperty(globalThis, 'baomi', { value: Object.freeze(bridge), enumerable: true });
  Object.defineProperty(globalThis, '__baomiStaticLanguages', { value: languages });
})();
