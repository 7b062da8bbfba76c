// The agent checks its own event chain (issue 8 item 7): at start and then daily, recording
// `store.chain-checked` (info when intact, critical when broken) and keeping the last result
// as its `status` slice (`chain`), which the banner and `baomi status` show.
//
// At start, before anything else is recorded, the store has already compared chain.head with
// the database (openCheck: no walk, so a log cut while no agent ran is known at once, and
// recorded before the agent could be stopped again). The full walk then runs in the
// background, in slices, so a long log (about 7 s of CPU per million events; README
// "Performance") delays neither enforcement nor the sockets.
import type { ChainCheckScope, ChainStatus } from '../../core/events/chain-status.js';
import type { Json } from '../../core/events/types.js';
import type { VerifyResult } from '../../core/events/verify.js';
import type { Timer } from '../../core/ports/clock.js';
import type { AgentModule, ModuleContext } from '../module.js';

const DAY_MS = 86_400_000;
/** Breaks kept in the status slice (the event keeps the walk's hundred). */
const STATUS_BREAKS = 10;

export interface ChainModule extends AgentModule {
  /** Runs a full check now (the daily timer calls this); resolves when it is recorded. */
  check(scope: ChainCheckScope): Promise<void>;
  /** The start check, once it finished (tests; the CLI waits on the event instead). */
  readonly started: Promise<void>;
}

export function chainModule(): ChainModule {
  let ctx: ModuleContext | null = null;
  let timer: Timer | null = null;
  let running: Promise<void> | null = null;
  let abort: AbortController | null = null;
  let status: ChainStatus = { ok: null, checking: false };
  let tailAtOpen: 'checked' | 'unchecked' = 'checked';
  let startedDone: () => void = () => {};
  const started = new Promise<void>((r) => {
    startedDone = r;
  });

  const record = (c: ModuleContext, scope: ChainCheckScope, r: VerifyResult, ms: number) => {
    const now = c.platform.clock.now();
    const base = { scope, at: now, checked: r.checked, durationMs: ms };
    status = r.ok
      ? { ok: true, ...base, ...(r.tail ? { tail: r.tail } : {}), checking: false }
      : {
          ok: false,
          ...base,
          breaks: r.breaks.slice(0, STATUS_BREAKS),
          moreBreaks: r.moreBreaks + Math.max(0, r.breaks.length - STATUS_BREAKS),
          checking: false,
        };
    const data: Record<string, Json> = { ok: r.ok, scope, checked: r.checked, durationMs: ms };
    if (r.firstSeq !== null) data.firstSeq = r.firstSeq;
    if (r.lastSeq !== null) data.lastSeq = r.lastSeq;
    if (r.ok && r.tail) data.tail = r.tail;
    if (!r.ok) {
      data.read = r.read;
      data.breaks = r.breaks as unknown as Json;
      data.moreBreaks = r.moreBreaks;
    }
    const log = { module: 'chain', scope, ok: r.ok, checked: r.checked, durationMs: ms };
    if (r.ok) c.log.info(log, 'event chain intact');
    else c.log.error({ ...log, breaks: r.breaks.length + r.moreBreaks }, 'event chain BROKEN');
    return c.store
      .append({ type: 'store.chain-checked', severity: r.ok ? 'info' : 'critical', data })
      .then(
        () => true,
        () => false, // a failed commit stops the agent (store.onFailure)
      );
  };

  const check = (scope: ChainCheckScope): Promise<void> => {
    const c = ctx;
    if (!c) return Promise.resolve();
    if (running) return running; // one walk at a time
    const ac = new AbortController();
    abort = ac;
    status = { ...status, checking: true };
    const t0 = performance.now();
    running = c.store
      .verifyInSlices(ac.signal)
      .then(
        (walked) => {
          if (ac.signal.aborted) return;
          // At start, the end of the log as found may not have been checkable (openCheck).
          const r: VerifyResult =
            walked.ok && scope === 'start' && tailAtOpen === 'unchecked'
              ? { ...walked, tail: 'unchecked' }
              : walked;
          return record(c, scope, r, Math.round(performance.now() - t0)).then(() => {});
        },
        (e) => {
          status = { ...status, checking: false };
          if (ac.signal.aborted) return;
          // A walk that could not finish proves nothing: said as loudly as a broken chain.
          c.log.error({ module: 'chain', err: String(e) }, 'check failed');
          return c.store
            .append({
              type: 'store.chain-checked',
              severity: 'critical',
              data: { ok: false, scope, error: String(e).slice(0, 500) },
            })
            .then(
              () => {},
              () => {}, // a failed commit stops the agent (store.onFailure)
            );
        },
      )
      .finally(() => {
        running = null;
        abort = null;
      });
    return running;
  };

  return {
    name: 'chain',
    started,
    check,
    async start(c) {
      ctx = c;
      // The head as found at open, compared before the first commit rewrote it.
      const open = c.store.openCheck();
      tailAtOpen = open.tail;
      if (open.breaks.length > 0) {
        const r: VerifyResult = {
          ok: false,
          checked: 0,
          brokenAt: open.breaks[0]!.seq,
          kind: open.breaks[0]!.kind,
          detail: open.breaks[0]!.detail,
          breaks: open.breaks,
          moreBreaks: 0,
          read: 0,
          firstSeq: null,
          lastSeq: null,
        };
        // On record: chain.head may follow the log again (until now it kept the evidence).
        if (await record(c, 'head', r, 0)) c.store.releaseHead();
      }
      void check('start').finally(() => startedDone());
      timer = c.platform.clock.every(DAY_MS, () => void check('daily'));
    },
    async stop() {
      timer?.cancel();
      timer = null;
      abort?.abort(new Error('agent stopping'));
      await running;
      ctx = null;
    },
    status: () => ({ chain: status }),
  };
}
