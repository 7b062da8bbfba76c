// Keeps the right policy in force. The file and its signature are judged together once both
// have been quiet for QUIET_MS (editors write in pieces). A valid, signed, newer policy is
// applied with `policy.applied`; anything else is refused with `policy.rejected` and the last
// good policy (or, with none, the fail-closed defaults) stays in force, across restarts too
// (it is kept in the store). SECURITY: when in doubt, keep the policy in force; never fall
// back to "no policy" because a file went missing. Parsing and judging happen in a short-lived
// child process (judge-remote.ts) so the resident agent never loads the parser and the schema;
// a judge that fails is a refusal (POLICY_JUDGE_FAILED), never an acceptance.
//
// What gets recorded (issue 8: a refusal is severity high, so it must mean something):
// - Deploying is two copies, `policy.yaml` and `policy.yaml.sig`, in either order. A pair
//   judged mid-update (the new file with the old signature, or none yet) is wrong for a
//   moment. So a refusal is recorded only once the pair has settled: SETTLE_MS with neither
//   file changing. Until then the refusal is held and the pair judged again; what is in force
//   does not change meanwhile, which is the fail-closed outcome either way. A valid pair is
//   applied at once: nothing about it needs to settle.
// - One event per distinct candidate: the fingerprint of the last refused pair (its bytes and
//   the codes of its problems) is kept in the store's state with its event, so the same
//   unchanged file judged again (a rescan, the next start) is not recorded again; `status`
//   still shows that event. Applying a policy forgets it.
// - Every problem of a parse or schema failure, up to MAX_RECORDED_PROBLEMS (rejection.ts).
import { createHash } from 'node:crypto';
import { type FSWatcher, statSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Json } from '../../core/events/types.js';
import type { Lang } from '../../core/i18n/types.js';
import type { Judgement } from '../../core/policy/judge.js';
import {
  type PolicyRejection,
  policyRejectedData,
  recordedProblems,
} from '../../core/policy/rejection.js';
import type { Policy, PolicyOs, ResolvedFolder, TrustedKey } from '../../core/policy/types.js';
import type { Clock, Timer } from '../../core/ports/clock.js';
import type { PolicyRejectedStatus } from '../../core/protocol/messages.js';
import type { Logger } from '../log.js';
import type { EventStore } from '../store/index.js';
import { type JudgeRunner, judgeRemote, restoreRemote, runJudgeChild } from './judge-remote.js';
import { readCapped } from './read.js';

export { MAX_RECORDED_PROBLEMS } from '../../core/policy/rejection.js';

/** Quiet time before a change is judged (a file written in pieces). */
export const QUIET_MS = 400;
/**
 * Quiet time before a refusal is recorded: IT copies the policy and its signature one after
 * the other, by hand, a script or MDM, which can take a second or two between the files.
 */
export const SETTLE_MS = 2_000;
const SAFETY_POLL_MS = 60_000;
/**
 * After the judge itself failed (a busy machine that could not start it in time), the file is
 * judged again this soon, then twice as late each time up to the safety poll: a new policy
 * should not wait a minute for a moment of load to pass.
 */
export const JUDGE_RETRY_MS = 5_000;
/** State key: the fingerprint of the last refused candidate (cleared when a policy applies). */
export const LAST_REJECTED_KEY = 'policy.lastRejected';
/** State key: where the policy in force came from (PolicySource), written with it. */
export const SOURCE_KEY = 'policy.source';

/** Where a policy came from: the file IT dropped, or the console (through the sync module). */
export type PolicySource = 'file' | 'console';

/** What `offer` did with a policy from elsewhere than the file. */
export type OfferOutcome = 'applied' | 'same' | 'rejected' | 'failed';

/** Who offers a policy: recorded in its `policy.applied` / `policy.rejected` event. */
export interface OfferOrigin {
  /** The console's URL (what the event's `file` names for this policy). */
  origin: string;
  /** The console's etag of this policy (wire.ts WirePolicy.etag). */
  etag?: string;
}

export interface InForce {
  policy: Policy;
  /** This machine's folders: per-OS variant chosen, ${dataDir} expanded. */
  folders: ResolvedFolder[];
  name: string;
  version: number;
  sha256: string;
  /** Where it came from (absent: the file, or a store written before the console existed). */
  source?: PolicySource;
}

export interface PolicyManagerOptions {
  file: string;
  trusted: TrustedKey[];
  store: EventStore;
  dataDir: string;
  os: PolicyOs;
  /** Time and timers (the platform's clock port; the fake clock in unit tests). */
  clock: Clock;
  log: Logger;
  /** Called after a new policy is in force (and on start with the restored one). */
  onApplied?: (p: InForce) => void;
  /** Where policies are parsed and judged; default a short-lived child process. */
  runJudge?: JudgeRunner;
}

export const SUMMARY_KEY = 'policy.summary';

/** The last refusal since the policy in force was applied: `status` shows it (rejection.ts). */
export type LastRejection = PolicyRejectedStatus;

export class PolicyManager {
  #current: InForce | null = null;
  #untrusted: { version: number; code: string } | null = null;
  #lastRejection: LastRejection | null = null;
  #lastJudged = '';
  /** stat() of the file and its signature when #lastJudged was read (see #poll). */
  #lastStat = '';
  /** The fingerprint whose judgement failed and was already reported. */
  #failedOn = '';
  /** The pair as last read, and since when (clock ms) it has been that: #holdWhileUnsettled. */
  #seen = '';
  #seenAt = Number.NEGATIVE_INFINITY;
  /** The watcher reported a change since the pair was last read. */
  #reported = false;
  /** When the watcher last reported a change of either file (clock ms). */
  #changedAt = Number.NEGATIVE_INFINITY;
  /** The stored policy could not be re-read (the judge did not run); retried on each look. */
  #restorePending = false;
  /** While #restorePending: the stored policy's version, so nothing older gets in meanwhile. */
  #floor: { version: number; sha256: string } | null = null;
  #timer: Timer | null = null;
  /** The wait before the next retry of a judge that failed (0: it did not fail last time). */
  #judgeRetryMs = 0;
  #poll: Timer | null = null;
  /** Looks again for a missing policy folder (cleared at stop: no watch opened after it). */
  #rewatch: Timer | null = null;
  #watcher: FSWatcher | null = null;
  #judging: Promise<void> = Promise.resolve();
  #stopped = false;
  readonly #run: JudgeRunner;

  constructor(private readonly o: PolicyManagerOptions) {
    this.#run = o.runJudge ?? ((req) => runJudgeChild(req));
  }

  get current(): InForce | null {
    return this.#current;
  }

  /** The stored policy that was not in force at start because no key of this run signed it. */
  get untrusted(): { version: number; code: string } | null {
    return this.#current ? null : this.#untrusted;
  }

  /** The last refusal recorded after the policy in force was applied (null: none since). */
  get lastRejection(): LastRejection | null {
    return this.#lastRejection;
  }

  /** Restores the last good policy from the store, judges the file on disk, starts watching. */
  async start(): Promise<void> {
    this.#lastRejection = this.#storedRejection();
    await this.#restore();
    // What is on disk at start was put there while no agent ran: it is judged as it is (no
    // settling), so a refused file is said at once, in the start banner too.
    await this.judgeNow();
    this.#watch();
    this.#poll = this.o.clock.every(SAFETY_POLL_MS, () => this.#safetyPoll());
  }

  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
    this.#poll?.cancel();
    this.#rewatch?.cancel();
    this.#watcher?.close();
  }

  /** Waits for any judgement in progress (tests and shutdown). */
  idle(): Promise<void> {
    return this.#judging;
  }

  /** The newest policy event, when it is a refusal: one from an earlier run still stands. */
  #storedRejection(): LastRejection | null {
    const [e] = this.o.store.query({
      types: ['policy.applied', 'policy.rejected'],
      order: 'desc',
      limit: 1,
    });
    return e?.type === 'policy.rejected' ? rejectionOf(e.seq, e.ts, e.data) : null;
  }

  async #restore(): Promise<void> {
    const stored = this.o.store.getPolicy();
    if (!stored) return;
    let restored: Awaited<ReturnType<typeof restoreRemote>>;
    try {
      restored = await restoreRemote(
        {
          op: 'restore',
          bytesB64: stored.bytes.toString('base64'),
          sigText: stored.signature.length > 0 ? stored.signature.toString('utf8') : null,
          trusted: this.o.trusted,
          dataDir: this.o.dataDir,
          os: this.o.os,
        },
        this.#run,
      );
    } catch (e) {
      if (!this.#restorePending)
        this.o.log.error(
          { module: 'policy', err: String(e) },
          'cannot re-read the stored policy; retrying at the next look',
        );
      this.#restorePending = true;
      this.#floor = { version: stored.version, sha256: stored.sha256 };
      return;
    }
    this.#restorePending = false;
    this.#floor = null;
    if (!restored.ok && 'untrusted' in restored) {
      // SECURITY: kept from a run that trusted other keys (the DEMO key with --trust-demo):
      // not in force now. Said once per start, in an event and the banner (untrusted).
      this.#untrusted = { version: stored.version, code: restored.untrusted };
      this.o.log.warn(
        { module: 'policy', version: stored.version, code: restored.untrusted },
        'the stored policy is not signed by a key trusted in this run; none in force',
      );
      await this.#reject({
        code: 'POLICY_STORED_UNTRUSTED',
        params: { version: stored.version, reason: restored.untrusted },
      });
      return;
    }
    if (!restored.ok) {
      // Only if this agent's schema is stricter than the one that applied it (an agent
      // downgraded below the policy's minAgentVersion). SECURITY: said in an event, and the
      // stored version stays the floor, so an older signed file cannot roll policy back.
      this.o.log.error({ module: 'policy' }, 'stored policy no longer parses; none in force');
      this.#floor = { version: stored.version, sha256: stored.sha256 };
      const first = restored.issues[0];
      await this.#reject({
        code: first?.code ?? 'POLICY_INTERNAL',
        params: { ...(first?.params ?? {}), stored: true, version: stored.version },
        ...(first ? { line: first.line, col: first.col } : {}),
      });
      return;
    }
    const source = this.o.store.getState(SOURCE_KEY) === 'console' ? 'console' : 'file';
    this.#current = {
      policy: restored.policy,
      folders: restored.folders,
      name: restored.policy.name,
      version: stored.version,
      sha256: stored.sha256,
      source,
    };
    this.o.onApplied?.(this.#current);
  }

  #watch(): void {
    const dir = dirname(this.o.file);
    const names = new Set([basename(this.o.file), `${basename(this.o.file)}.sig`]);
    try {
      this.#watcher = watch(dir, { persistent: true }, (_ev, name) => {
        if (name && !names.has(name.toString())) return;
        this.#changedAt = this.o.clock.now();
        this.#reported = true;
        this.#schedule();
      });
      this.#watcher.on('error', () => this.#rewatchLater());
    } catch {
      this.#rewatchLater();
    }
  }

  /** The folder holding the policy is missing or went away: look again every 2 s. */
  #rewatchLater(): void {
    this.#watcher?.close();
    this.#watcher = null;
    if (this.#stopped) return;
    this.#rewatch?.cancel();
    this.#rewatch = this.o.clock.after(2000, () => {
      this.#rewatch = null;
      if (this.#stopped) return;
      this.#schedule();
      this.#watch();
    });
  }

  /**
   * The safety net for changes fs.watch missed. An idle agent should not wake the CPU for
   * nothing, so when neither file's stat() moved since the last conclusive judgement it
   * reads nothing. Any write changes ctime, which no user-space call can set back.
   */
  #safetyPoll(): void {
    if (!this.#restorePending && this.#lastJudged !== '' && this.#statKey() === this.#lastStat)
      return;
    this.#schedule();
  }

  #statKey(): string {
    return [this.o.file, `${this.o.file}.sig`]
      .map((f) => {
        try {
          const st = statSync(f, { bigint: true, throwIfNoEntry: false });
          return st ? `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}` : 'none';
        } catch (e) {
          return `error:${(e as NodeJS.ErrnoException).code}`;
        }
      })
      .join('|');
  }

  #schedule(ms = QUIET_MS): void {
    if (this.#stopped) return;
    this.#timer?.cancel();
    this.#timer = this.o.clock.after(ms, () => {
      this.#timer = null;
      void this.judgeNow();
    });
  }

  /**
   * Whether the pair may still be mid-update: either file changed (the watcher said so, or
   * its bytes differ from the last read) less than SETTLE_MS ago. Then a refusal waits: it is
   * not recorded, and the pair is judged again when SETTLE_MS have passed without a change.
   * Returns true when it held the refusal back.
   */
  #holdWhileUnsettled(): boolean {
    const last = Math.max(this.#seenAt, this.#changedAt);
    const wait = last + SETTLE_MS - this.o.clock.now();
    if (wait <= 0) return false;
    this.#lastJudged = ''; // judge again, even if nothing changes meanwhile
    this.#schedule(wait);
    return true;
  }

  judgeNow(): Promise<void> {
    this.#judging = this.#judging
      .then(() => this.#judge())
      .catch((e) => {
        this.o.log.error({ module: 'policy', err: String(e) }, 'policy judgement failed');
      });
    return this.#judging;
  }

  async #judge(): Promise<void> {
    if (this.#restorePending) await this.#restore();
    const file = this.o.file;
    // Before reading: a change racing the read then shows as a stat change at the next poll.
    const stat = this.#statKey();
    const body = readCapped(file);
    const sig = readCapped(`${file}.sig`, 4096);
    const fingerprint = [body, sig]
      .map((r) => (r.ok ? createHash('sha256').update(r.bytes).digest('hex') : r.code))
      .join(':');
    this.#lastStat = stat;
    if (fingerprint !== this.#seen) {
      // A change the watcher did not report (a rescan found it): it happened by now. The
      // first read (at start) sees what was there before the agent: no change.
      if (this.#seen !== '' && !this.#reported) this.#seenAt = this.o.clock.now();
      this.#seen = fingerprint;
    }
    this.#reported = false;
    if (fingerprint === this.#lastJudged) return; // nothing changed since we last decided
    this.#lastJudged = fingerprint;

    if (!body.ok) {
      // A fleet run from the console may have no policy file at all: no file is no candidate,
      // and nothing to refuse while the console's policy is in force (a file that exists but
      // cannot be read is still said).
      if (body.code === 'POLICY_FILE_MISSING' && this.#current?.source === 'console') {
        this.o.log.info(
          { module: 'policy', file },
          'no policy file; the console policy is in force',
        );
        return;
      }
      if (this.#holdWhileUnsettled()) return;
      await this.#reject({ code: body.code, params: { file, reason: body.reason } }, fingerprint);
      return;
    }
    const inForce = this.#current
      ? { version: this.#current.version, sha256: this.#current.sha256 }
      : this.#floor;
    let verdict: Judgement;
    try {
      verdict = await judgeRemote(
        {
          op: 'judge',
          candidateB64: body.bytes.toString('base64'),
          sigText: sig.ok ? sig.bytes.toString('utf8') : null,
          trusted: this.o.trusted,
          inForce,
          now: this.o.clock.now(),
          dataDir: this.o.dataDir,
          os: this.o.os,
        },
        this.#run,
      );
    } catch (e) {
      // SECURITY: an unjudged policy is a refused policy. Look again soon (JUDGE_RETRY_MS,
      // doubling up to the safety poll), but say so only once per file version.
      this.#lastJudged = '';
      this.#judgeRetryMs = Math.min(
        this.#judgeRetryMs === 0 ? JUDGE_RETRY_MS : this.#judgeRetryMs * 2,
        SAFETY_POLL_MS,
      );
      this.#schedule(this.#judgeRetryMs);
      const reason = e instanceof Error ? e.message : String(e);
      this.o.log.error({ module: 'policy', err: reason }, 'policy judge failed');
      if (this.#failedOn === fingerprint) return;
      this.#failedOn = fingerprint;
      await this.#reject({ code: 'POLICY_JUDGE_FAILED', params: { file, reason } });
      return;
    }
    this.#failedOn = '';
    this.#judgeRetryMs = 0;
    if (verdict.verdict === 'same') return;
    if (verdict.verdict === 'reject') {
      // The highest valid version wins, whatever its source: a policy from the console that
      // is newer than the file on disk is not undone by it, and the older file is no news
      // (it is most often the one the console's replaced). Any other problem with the file
      // (a bad signature, the same version changed) is still refused and recorded.
      if (verdict.code === 'POLICY_DOWNGRADE' && this.#current?.source === 'console') {
        this.o.log.info(
          { module: 'policy', file, inForceVersion: this.#current.version, ...verdict.params },
          'the policy file is older than the console policy in force; kept the console one',
        );
        return;
      }
      if (this.#holdWhileUnsettled()) return;
      const r = { code: verdict.code, params: verdict.params, issues: verdict.issues };
      await this.#reject(r, fingerprint);
      return;
    }
    await this.#apply(verdict, body.bytes, sig.ok ? sig.bytes : Buffer.alloc(0), 'file');
  }

  /**
   * Offers a policy from elsewhere than the file (the console, through the sync module) to the
   * same judge as a dropped file: its signature must verify against the pinned policy keys and
   * its version must be higher than the one in force; nothing is written into the policy
   * file's folder. Applied, it is kept in the store like any policy (and survives a restart);
   * refused, it is recorded as `policy.rejected` with `source`. 'failed': the judge did not
   * run (the caller offers it again later); nothing was recorded.
   */
  offer(
    bytes: Buffer,
    sigText: string,
    source: Exclude<PolicySource, 'file'>,
    from: OfferOrigin,
  ): Promise<OfferOutcome> {
    let outcome: OfferOutcome = 'failed';
    this.#judging = this.#judging
      .then(async () => {
        outcome = await this.#judgeOffer(bytes, sigText, source, from);
      })
      .catch((e) => {
        this.o.log.error({ module: 'policy', source, err: String(e) }, 'policy offer failed');
      });
    return this.#judging.then(() => outcome);
  }

  async #judgeOffer(
    bytes: Buffer,
    sigText: string,
    source: Exclude<PolicySource, 'file'>,
    from: OfferOrigin,
  ): Promise<OfferOutcome> {
    if (this.#stopped) return 'failed';
    if (this.#restorePending) await this.#restore();
    const inForce = this.#current
      ? { version: this.#current.version, sha256: this.#current.sha256 }
      : this.#floor;
    let verdict: Judgement;
    try {
      verdict = await judgeRemote(
        {
          op: 'judge',
          candidateB64: bytes.toString('base64'),
          sigText,
          trusted: this.o.trusted,
          inForce,
          now: this.o.clock.now(),
          dataDir: this.o.dataDir,
          os: this.o.os,
        },
        this.#run,
      );
    } catch (e) {
      // SECURITY: unjudged is not applied. The caller offers it again at its next round.
      this.o.log.error({ module: 'policy', source, err: String(e) }, 'policy judge failed');
      return 'failed';
    }
    if (verdict.verdict === 'same') return 'same';
    if (verdict.verdict === 'reject') {
      const r = { code: verdict.code, params: verdict.params, issues: verdict.issues };
      await this.#reject(r, undefined, { source, ...from });
      return 'rejected';
    }
    await this.#apply(verdict, bytes, Buffer.from(sigText, 'utf8'), source, from);
    return 'applied';
  }

  /** Puts a judged policy in force: its event and the stored policy are durable together. */
  async #apply(
    verdict: Extract<Judgement, { verdict: 'apply' }>,
    bytes: Buffer,
    signature: Buffer,
    source: PolicySource,
    from?: OfferOrigin,
  ): Promise<void> {
    const { policy, sha256, keyName, folders } = verdict;
    const next: InForce = {
      policy,
      folders,
      name: policy.name,
      version: policy.version,
      sha256,
      source,
    };
    await this.o.store.append(
      {
        type: 'policy.applied',
        severity: 'info',
        data: {
          file: from?.origin ?? this.o.file,
          ...(source !== 'file' ? { source } : {}),
          ...(from?.etag !== undefined ? { etag: from.etag } : {}),
          name: policy.name,
          version: policy.version,
          sha256,
          key: keyName,
          previousVersion: this.#current?.version ?? null,
        },
      },
      {
        // The policy in force and the event that says so are durable together.
        policy: { bytes, signature, version: policy.version, sha256 },
        state: {
          [SUMMARY_KEY]: JSON.stringify({
            name: policy.name,
            version: policy.version,
            folders: folders.length,
          }),
          [SOURCE_KEY]: source,
          // A refused file that comes back after this is news again.
          [LAST_REJECTED_KEY]: '',
        },
      },
    );
    this.#current = next;
    this.#lastRejection = null;
    this.#restorePending = false;
    this.#floor = null;
    this.o.log.info(
      { module: 'policy', name: policy.name, version: policy.version, source },
      'policy applied',
    );
    this.o.onApplied?.(next);
  }

  /**
   * Records the code and the values its message needs; readers render it (rejection.ts).
   * `pair`: the candidate's bytes as read (#judge); with it the refusal is recorded once per
   * distinct candidate. Refusals about the stored policy (at start) and a failed judge are
   * not candidates' and are said each time.
   */
  async #reject(
    r: PolicyRejection,
    pair?: string,
    from?: OfferOrigin & { source: Exclude<PolicySource, 'file'> },
  ) {
    const data = policyRejectedData(from?.origin ?? this.o.file, r, this.#current?.version ?? null);
    if (from) {
      data.source = from.source;
      if (from.etag !== undefined) data.etag = from.etag;
    }
    let state: Record<string, string> | undefined;
    if (pair !== undefined) {
      const codes = [...new Set([r.code, ...(r.issues ?? []).map((i) => i.code)])].sort();
      const fingerprint = createHash('sha256')
        .update(`${pair}|${codes.join(',')}`)
        .digest('hex');
      const prior = this.#recorded(fingerprint);
      if (prior) {
        this.#lastRejection = prior;
        this.o.log.info(
          { module: 'policy', code: r.code, seq: prior.seq },
          'policy refused again, unchanged: already recorded',
        );
        return;
      }
      data.fingerprint = fingerprint;
      state = { [LAST_REJECTED_KEY]: fingerprint };
    }
    const e = await this.o.store.append(
      { type: 'policy.rejected', severity: 'high', data },
      state ? { state } : undefined,
    );
    this.#lastRejection = rejectionOf(e.seq, e.ts, data);
    this.o.log.warn({ module: 'policy', code: r.code, params: r.params }, 'policy refused');
  }

  /**
   * The event that recorded this candidate's refusal, when it was the last candidate refused
   * and its event is still stored (retention may have removed it: then it is recorded anew).
   */
  #recorded(fingerprint: string): LastRejection | null {
    if (this.o.store.getState(LAST_REJECTED_KEY) !== fingerprint) return null;
    const [e] = this.o.store.query({
      types: ['policy.rejected'],
      text: fingerprint,
      order: 'desc',
      limit: 1,
    });
    return e && e.data.fingerprint === fingerprint ? rejectionOf(e.seq, e.ts, e.data) : null;
  }
}

function rejectionOf(seq: number, at: number, d: Record<string, Json>): LastRejection {
  const params = d.params;
  return {
    seq,
    at,
    file: typeof d.file === 'string' ? d.file : '',
    code: typeof d.code === 'string' ? d.code : '',
    params: typeof params === 'object' && params !== null && !Array.isArray(params) ? params : {},
    inForceVersion: typeof d.inForceVersion === 'number' ? d.inForceVersion : null,
    ...(typeof d.reason === 'string' ? { reason: d.reason } : {}),
    ...(Array.isArray(d.problems) ? { problems: recordedProblems(d) } : {}),
    ...(typeof d.moreProblems === 'number' ? { moreProblems: d.moreProblems } : {}),
  };
}

export type { Lang };
