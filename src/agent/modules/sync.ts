// Sync to the central console (issue 11; DESIGN.md "Write locally first, forward later").
// On while the policy in force has `sync` and `<dataDir>/enrollment.json` exists (looked at
// every interval: `baomi enroll` works while the agent runs). Each round is one signed POST
// /api/v1/sync carrying the events above the console's acknowledgement (ascending, at most
// the policy's sync.batch, capped at MAX_BATCH), the heartbeat and the etag of the last
// console policy judged. What the answer may do, and when:
// - ackedSeq is recorded only after a 200 (the console has committed), never above what
//   this request carried (an ack above this agent's head is an error: logged, not stored);
//   nothing is ever deleted or acknowledged on a failure;
// - a policy goes to the same judge as a dropped file (PolicyManager.offer, source console);
//   its etag is kept once judged, accepted or refused, so a refused one is not judged again
//   at every round;
// - decisions are applied once each (sync/decisions.ts).
// Timing is sync/schedule.ts: interval ±20 %, a backlog drains at most at twice that rate,
// failures back off exponentially with full jitter up to 15 minutes.
import { hostname } from 'node:os';
import type { Json } from '../../core/events/types.js';
import { createCoreTranslator } from '../../core/i18n/catalogs.js';
import type { Timer } from '../../core/ports/clock.js';
import type { Notice, SyncStatus } from '../../core/protocol/messages.js';
import { MAX_BATCH, MAX_BODY_BYTES, SYNC_PATH, WIRE_VERSION } from '../../core/sync/agent-wire.js';
import type { Heartbeat, SyncRequest, SyncResponse } from '../../core/sync/wire.js';
import { exceptionNoticeText } from '../../core/usb/exception-notices.js';
import type { AgentModule, ModuleContext } from '../module.js';
import type { OfferOrigin, OfferOutcome } from '../policy/manager.js';
import { applyDecision } from '../sync/decisions.js';
import { routeUrl } from '../sync/enroll.js';
import {
  type Enrollment,
  type EnrollmentRead,
  enrollmentStamp,
  readEnrollment,
} from '../sync/enrollment.js';
import { postBytes, type Transport, TransportError } from '../sync/http.js';
import { parseSyncResponse, parseWireError } from '../sync/response.js';
import {
  backlogDelay,
  backoffDelay,
  baseInterval,
  firstDelay,
  normalDelay,
} from '../sync/schedule.js';
import { signedHeaders } from '../sync/sign.js';
import type { RedeemResult } from '../usb/exceptions.js';
import { VERSION } from '../version.js';

/** State key: the etag of the last console policy judged (accepted or refused). */
export const ETAG_KEY = 'sync.policyEtag';
const REQUEST_TIMEOUT_MS = 30_000;

export interface SyncModuleOptions {
  /** The policy module's judge (PolicyManager.offer with source 'console'). */
  offerPolicy?: (bytes: Buffer, signature: string, from: OfferOrigin) => Promise<OfferOutcome>;
  /** The usb module's redeem, as the console (the requestId and decision recorded too). */
  redeem?: (token: string, record: Record<string, Json>) => Promise<RedeemResult>;
  /** Default node:http(s) (sync/http.ts); unit tests answer in memory. */
  transport?: Transport;
  /** A number in [0, 1) for the jitter; default Math.random. */
  random?: () => number;
  /** This computer's name in the heartbeat; default os.hostname(). */
  host?: string;
}

interface Settings {
  console: string;
  intervalMs: number;
  batch: number;
}

interface LastError {
  code: string;
  params: Record<string, Json>;
  at: number;
}

export function syncModule(o: SyncModuleOptions = {}): AgentModule {
  const random = o.random ?? Math.random;
  const transport = o.transport ?? postBytes;
  let ctx: ModuleContext | null = null;
  let settings: Settings | null = null;
  let enrolled: EnrollmentRead = { state: 'absent' };
  let stamp: string | null = null;
  let timer: Timer | null = null;
  let nextAt: number | undefined;
  let round: Promise<void> | null = null;
  let abort: AbortController | null = null;
  let stopped = false;
  let failures = 0;
  let lastSuccess: number | undefined;
  let lastError: LastError | undefined;
  /** Lowered after a 413 (the console's body limit is smaller than ours). */
  let batchCap = MAX_BATCH;
  let saidMismatch = '';

  const c = () => {
    if (!ctx) throw new Error('sync module not started');
    return ctx;
  };
  const now = () => c().platform.clock.now();

  /** Reads enrollment.json and agent.key again when either changed. */
  const lookAtEnrollment = (): EnrollmentRead => {
    const cx = c();
    let s: string | null;
    try {
      s = enrollmentStamp(cx.config.dataDir);
    } catch {
      s = 'unreadable';
    }
    if (s !== stamp || enrolled.state === 'unreadable') {
      stamp = s;
      enrolled = readEnrollment(cx.config.dataDir);
      if (enrolled.state === 'ok')
        cx.log.info(
          {
            module: 'sync',
            console: enrolled.enrollment.console,
            agentId: enrolled.enrollment.agentId,
          },
          'enrolled',
        );
    }
    return enrolled;
  };

  const schedule = (ms: number) => {
    timer?.cancel();
    timer = null;
    nextAt = undefined;
    if (stopped || !settings || !ctx) return;
    nextAt = now() + ms;
    timer = c().platform.clock.after(ms, () => {
      timer = null;
      nextAt = undefined;
      runRound();
    });
  };

  // Only the timer starts a round, and only a round (or apply/start when none runs) sets the
  // timer, at its very end: two rounds never overlap.
  const runRound = () => {
    const r = once().catch((e) => {
      ctx?.log.error({ module: 'sync', err: String(e) }, 'sync round failed');
      // A round that threw (the store refused a write while applying an answer) must not end
      // syncing without a word: status says so, and the next round comes with back-off.
      if (stopped || !ctx) return;
      try {
        fail({ code: 'SYNC_ROUND_FAILED', params: { reason: String(e).slice(0, 200) } });
      } catch (again) {
        ctx.log.error({ module: 'sync', err: String(again) }, 'cannot schedule the next round');
      }
    });
    round = r;
    void r.finally(() => {
      if (round === r) round = null;
    });
  };

  const fail = (e: { code: string; params: Record<string, Json> }, retryInMs?: number) => {
    const cx = c();
    failures++;
    const before = lastError?.code;
    lastError = { ...e, at: now() };
    // Said when it changes, not at every back-off step.
    if (before !== e.code) cx.log.warn({ module: 'sync', ...e }, 'sync failed');
    const base = settings ? settings.intervalMs : 60_000;
    schedule(backoffDelay(base, failures, random(), retryInMs));
  };

  /**
   * The console shed this request unread because it is loaded (503 CONSOLE_BUSY: its
   * backpressure.ts). Neither the network nor this agent failed, so the back-off does not
   * grow: it would keep an agent that already waited through an outage away for up to 15 more
   * minutes, long enough to be called silent. The next try comes after the interval the
   * console asks for (never less than the policy's, never more than the longest back-off),
   * ±20 %, like any answer's nextInMs.
   */
  const busy = (where: string, retryInMs?: number) => {
    const cx = c();
    const before = lastError?.code;
    lastError = { code: 'SYNC_BUSY', params: { console: where }, at: now() };
    if (before !== 'SYNC_BUSY') cx.log.info({ module: 'sync', console: where }, 'console busy');
    const base = baseInterval(settings ? settings.intervalMs : 60_000, retryInMs);
    schedule(normalDelay(base, random()));
  };

  /** One request and what its answer says. */
  const once = async (): Promise<void> => {
    if (stopped || !settings) return;
    const cx = c();
    const s = settings;
    const e = lookAtEnrollment();
    if (e.state === 'absent') {
      schedule(s.intervalMs); // looked at again then
      return;
    }
    if (e.state === 'unreadable') {
      fail({ code: 'SYNC_ENROLLMENT_UNREADABLE', params: { file: e.file, reason: e.reason } });
      return;
    }
    const { enrollment, key } = e;
    sayMismatch(enrollment, s);
    const where = enrollment.console;

    const store = cx.store;
    const acked = store.getAckedSeq();
    const limit = Math.max(1, Math.min(s.batch, MAX_BATCH, batchCap));
    let events = store.query({ afterSeq: acked, order: 'asc', limit });
    const full = events.length >= limit;
    const head = store.head();
    // Waiting = stored above the ack and not carried by this request (what a console shows as
    // backlog: zero for an agent this request brings up to date).
    const waiting = full ? Math.max(0, store.counts().unsynced - events.length) : 0;
    const request = (list: typeof events): SyncRequest => ({
      v: WIRE_VERSION,
      events: list as SyncRequest['events'],
      heartbeat: heartbeat(head, waiting),
      policyEtag: store.getState(ETAG_KEY) || null,
    });
    let body = Buffer.from(JSON.stringify(request(events)));
    // Events with long paths: fewer per request, never one dropped.
    while (body.length > MAX_BODY_BYTES && events.length > 1) {
      events = events.slice(0, Math.ceil(events.length / 2));
      body = Buffer.from(JSON.stringify(request(events)));
    }
    if (body.length > MAX_BODY_BYTES) {
      fail({
        code: 'SYNC_EVENT_TOO_LARGE',
        params: { seq: events[0]?.seq ?? 0, bytes: body.length },
      });
      return;
    }
    const sentThrough = events.length > 0 ? events[events.length - 1]!.seq : acked;

    const url = routeUrl(where, SYNC_PATH);
    const headers = signedHeaders(key, enrollment.agentId, {
      method: 'POST',
      path: `${url.pathname}${url.search}`,
      body,
      time: now(),
    });
    abort = new AbortController();
    let answer: Awaited<ReturnType<Transport>>;
    try {
      answer = await transport(url, body, headers, {
        ...(enrollment.ca !== undefined ? { ca: enrollment.ca } : {}),
        timeoutMs: REQUEST_TIMEOUT_MS,
        signal: abort.signal,
      });
    } catch (err) {
      if (stopped) return;
      const reason = err instanceof TransportError ? err.reason : String(err);
      fail({ code: 'SYNC_UNREACHABLE', params: { console: where, reason } });
      return;
    } finally {
      abort = null;
    }
    if (stopped) return;
    if (answer.status !== 200) {
      const w = parseWireError(answer.body);
      const message = w.message ?? w.error ?? '';
      if (answer.status === 401 || answer.status === 403)
        fail({ code: 'SYNC_REVOKED', params: { console: where, status: answer.status, message } });
      else if (answer.status === 429)
        fail({ code: 'SYNC_RATE_LIMITED', params: { console: where } }, w.retryInMs);
      else if (answer.status === 503 && w.error === 'CONSOLE_BUSY') busy(where, w.retryInMs);
      else {
        if (answer.status === 413) batchCap = Math.max(1, Math.floor(events.length / 2));
        fail(
          { code: 'SYNC_HTTP', params: { console: where, status: answer.status, message } },
          w.retryInMs,
        );
      }
      return;
    }
    const parsed = parseSyncResponse(answer.body);
    if (!parsed.ok) {
      fail({ code: 'SYNC_BAD_RESPONSE', params: { console: where, reason: parsed.reason } });
      return;
    }
    const r = parsed.value;
    const ackProblem = recordAck(r, sentThrough, where);
    await judgePolicy(r, where);
    for (const d of r.decisions) {
      if (stopped) return;
      await applyDecision(d, { store, log: cx.log, redeem: redeemOrRefuse, notice: tell }, now);
    }
    lastSuccess = now();
    if (ackProblem) {
      fail(ackProblem);
      return;
    }
    failures = 0;
    const base = baseInterval(s.intervalMs, r.nextInMs);
    const more = full && store.head().seq > store.getAckedSeq();
    schedule(more ? backlogDelay(base, random()) : normalDelay(base, random()));
  };

  /** Records the acknowledgement, or says why not (an error for lastError). */
  const recordAck = (r: SyncResponse, sentThrough: number, where: string) => {
    const cx = c();
    const head = cx.store.head().seq;
    if (r.ackedSeq > head) {
      cx.log.error(
        { module: 'sync', acked: r.ackedSeq, head, console: where },
        'the console acknowledged more than this agent stored; not recorded',
      );
      return {
        code: 'SYNC_ACK_ABOVE_HEAD',
        params: { console: where, acked: r.ackedSeq, head },
      };
    }
    // The console can have stored only what it was sent: an acknowledgement beyond this
    // request's last event (a console holding an older life of this data dir) counts up to
    // that event, no further, so nothing unsent is ever taken as delivered.
    const ack = Math.min(r.ackedSeq, Math.max(sentThrough, cx.store.getAckedSeq()));
    if (ack !== r.ackedSeq)
      cx.log.warn(
        { module: 'sync', acked: r.ackedSeq, recorded: ack },
        'the console acknowledged events it was not sent; recorded up to the last one sent',
      );
    if (ack < cx.store.getAckedSeq())
      cx.log.warn(
        { module: 'sync', before: cx.store.getAckedSeq(), acked: ack },
        'the console acknowledged less than before (restored?); sending again from there',
      );
    if (ack !== cx.store.getAckedSeq()) cx.store.setAckedSeq(ack);
    return null;
  };

  const judgePolicy = async (r: SyncResponse, where: string) => {
    const cx = c();
    if (!r.policy || !o.offerPolicy) return;
    const p = r.policy;
    if (p.etag === cx.store.getState(ETAG_KEY)) return; // judged already
    const bytes = Buffer.from(p.bytes, 'base64');
    const outcome = await o.offerPolicy(bytes, p.signature, { origin: where, etag: p.etag });
    cx.log.info({ module: 'sync', etag: p.etag, outcome }, 'console policy judged');
    // Judged, accepted or refused: not judged again for the same etag. A judge that did not
    // run ('failed') is offered again at the next round.
    if (outcome !== 'failed') cx.store.setState(ETAG_KEY, p.etag);
  };

  const redeemOrRefuse = (token: string, record: Record<string, Json>): Promise<RedeemResult> =>
    o.redeem
      ? o.redeem(token, record)
      : Promise.resolve({ ok: false, code: 'EXCEPTION_NO_TRUSTED_KEYS', params: {} });

  /** To the tray (subscribers) and, for whoever has no tray, the OS's notifier. */
  const tell = (n: Notice) => {
    const cx = c();
    cx.notice(n);
    const { title, body } = exceptionNoticeText(createCoreTranslator(cx.config.lang ?? 'en'), n);
    void cx.platform.session
      .current()
      .then((to) =>
        cx.platform.notifier.notify({ code: n.code, title, body, urgency: 'normal' }, to),
      )
      .catch((e) => cx.log.warn({ module: 'sync', err: String(e) }, 'notice not shown'));
  };

  const heartbeat = (head: { seq: number; hash: string }, waiting: number): Heartbeat => {
    const cx = c();
    const s = cx.statusSlices() as {
      policy?: { name: string; version: number } | null;
      idleSource?: string;
      usb?: { enforcing?: boolean; reason?: string };
    };
    const seat = cx.seatUser();
    return {
      agentVersion: VERSION.slice(0, 32),
      host: (o.host ?? hostname()).slice(0, 256),
      os: cx.platform.os === 'windows' ? 'win32' : cx.platform.os,
      policy: s.policy ? { name: s.policy.name.slice(0, 200), version: s.policy.version } : null,
      eventsWaiting: waiting,
      idleSource: (s.idleSource ?? 'none').slice(0, 16),
      usbEnforcing: s.usb?.enforcing === true,
      ...(s.usb?.reason ? { usbReason: s.usb.reason.slice(0, 64) } : {}),
      ...(seat ? { seatUser: seat.slice(0, 256) } : {}),
      head,
    };
  };

  /** The policy names one console, the agent enrolled with another: said once each. */
  const sayMismatch = (e: Enrollment, s: Settings) => {
    if (sameOrigin(e.console, s.console)) return;
    const key = `${e.console}|${s.console}`;
    if (saidMismatch === key) return;
    saidMismatch = key;
    c().log.warn(
      { module: 'sync', enrolledWith: e.console, policy: s.console },
      'the policy names another console than the one this agent enrolled with; syncing with the enrolled one',
    );
  };

  return {
    name: 'sync',
    start(context) {
      ctx = context;
      stopped = false;
    },
    apply(p) {
      const sync = p.policy.sync;
      const before = settings;
      settings = sync
        ? {
            console: sync.console,
            intervalMs: sync.interval,
            batch: sync.batch,
          }
        : null;
      batchCap = MAX_BATCH;
      if (!ctx) return;
      if (!settings) {
        timer?.cancel();
        timer = null;
        nextAt = undefined;
        return;
      }
      // Turned on, or the next round is further away than the new interval allows.
      const late = nextAt !== undefined && nextAt - now() > settings.intervalMs * 1.2;
      if ((!timer && !round) || late || before?.console !== settings.console)
        if (!round) schedule(firstDelay(settings.intervalMs, random()));
    },
    async stop() {
      stopped = true;
      timer?.cancel();
      timer = null;
      nextAt = undefined;
      abort?.abort();
      await round;
    },
    status() {
      const out: SyncStatus = { console: settings?.console ?? null };
      if (!ctx) return { sync: out };
      let e = enrolled;
      try {
        // Cheap (two stat calls): `baomi enroll` shows at once, not at the next round.
        if (enrollmentStamp(ctx.config.dataDir) !== stamp) e = lookAtEnrollment();
      } catch {
        // the round says why
      }
      // Without a console in the policy, events stay here by design: nothing waits, and
      // "not enrolled" is no news (an enrollment is still said: it is waiting for a policy).
      if (!settings)
        return {
          sync: e.state === 'ok' ? { ...out, enrolled: true, agentId: e.enrollment.agentId } : out,
        };
      out.enrolled = e.state !== 'absent';
      if (e.state === 'ok') {
        out.agentId = e.enrollment.agentId;
        if (settings && !sameOrigin(e.enrollment.console, settings.console))
          out.enrolledWith = e.enrollment.console;
      }
      if (lastSuccess !== undefined) out.lastSuccess = lastSuccess;
      if (lastError) out.lastError = lastError;
      try {
        out.eventsWaiting = Math.max(0, ctx.store.head().seq - ctx.store.getAckedSeq());
      } catch {
        // the store is closing
      }
      if (nextAt !== undefined) out.nextAt = nextAt;
      return { sync: out };
    },
  };
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return a === b;
  }
}
