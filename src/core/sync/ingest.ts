// What the console does with one batch of an agent's events (brief of issue 11, "Ingest"):
// which events to store, which are duplicates, which alerts to raise and how far to
// acknowledge. Pure: the datastore reads what it holds, calls planIngest inside the
// transaction that holds the agent's row, and writes the plan; both engines share this.
//
// SECURITY: this is where a deleted or edited agent log becomes visible at the console. A
// mistake here fails open (tampering accepted in silence), so keep these rules:
// - every event stored from seq ackedSeq+1 on is rehashed (core/events/chain.ts eventHash) and
//   its prevHash compared with the head we hold; a failure is stored (flagged) and alerted,
//   never dropped and never silently accepted;
// - an event we already hold is never replaced; one sent again with another hash is a
//   `rewritten` break;
// - a missing run of seqs is acknowledged through (so the agent does not resend forever) but
//   only a `store.pruned` record whose own hash holds may explain it; anything else is a
//   `sync.gap` alert;
// - alerts carry a key naming the break, and the store keeps one alert per (agent, key), so a
//   retried batch never raises the same break twice.
// Two kinds of event the agent records become alerts of their own (the same key rule holds):
// `alert.raised` (the policy's early-warning rule fired) and `usb.enforcement-lost` (someone
// re-opened USB ports the agent sealed, or a seal does not hold): staff must hear of both, and
// notification rules (issue 12) select alerts, not events.
// Do not weaken these checks for a "friendlier" agent: an agent that can cut its own log is
// exactly the case this exists for.
import { eventHash } from '../events/chain.js';
import { type BaomiEvent, GENESIS_HASH, type Json, type Severity } from '../events/types.js';

/** The agent's chain state as the console holds it. */
export interface IngestPosition {
  /** Highest seq stored without an unexplained gap (0: none yet). */
  ackedSeq: number;
  /** The hash of the event at ackedSeq; null when unknown (nothing yet, or after a gap). */
  headHash: string | null;
}

/** What the console already holds for this agent (read inside the ingest transaction). */
export interface StoredChain {
  /** The stored hash of this agent's event `seq`, or undefined when it is not stored. */
  hashOf(seq: number): string | undefined;
  /** The highest `throughSeq` of a `store.pruned` event already stored (0: none). */
  prunedThrough(): number;
}

/** Why an event was stored flagged. */
export type IngestFlag =
  /** Its content does not match its hash. */
  | 'hash'
  /** Its prevHash is not the hash of the event before it. */
  | 'link'
  /** It arrived after its seq had been acknowledged through a gap. */
  | 'late';

export interface PlannedAlert {
  type: 'sync.gap' | 'sync.chain-broken' | 'alert.raised' | 'usb.enforcement-lost';
  severity: Severity;
  /** The agent seq it is about. */
  seq: number;
  data: { [k: string]: Json };
  /** Names the break; the store keeps one alert per (agent, key): a retry raises nothing new. */
  key: string;
}

export interface IngestPlan {
  /** New events in seq order, with why each is flagged (empty: it held). */
  insert: { event: BaomiEvent; flags: IngestFlag[] }[];
  /** Events already held (stored before, or twice in this batch). */
  duplicates: number;
  /** The position after this batch, and the highest prune record now held. */
  position: IngestPosition & { prunedThrough: number };
  alerts: PlannedAlert[];
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * The removal a `store.pruned` event records, when it is one: events 1…throughSeq (before
 * itself) are gone and the last of them had `hash`. Anything less (no hash, a hash of another
 * form, a throughSeq that is not a seq before it) records nothing, as in the chain walk
 * (core/events/verify.ts).
 */
function pruneRecord(e: BaomiEvent): { throughSeq: number; hash: string } | null {
  if (e.type !== 'store.pruned') return null;
  const { throughSeq, hash } = e.data;
  if (!Number.isSafeInteger(throughSeq) || (throughSeq as number) >= e.seq) return null;
  if (typeof hash !== 'string' || !HEX64.test(hash)) return null;
  return { throughSeq: throughSeq as number, hash };
}

/**
 * Plans one batch: `position` is the agent's state as stored, `events` the batch as sent (in
 * any order: it is judged in seq order), `stored` what the console holds. It reads no clock:
 * the store stamps the planned alerts with the `now` it was given.
 */
export function planIngest(
  position: IngestPosition,
  events: readonly BaomiEvent[],
  stored: StoredChain,
): IngestPlan {
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  // Every event is rehashed once (a duplicate too: it is compared by the hash it claims).
  const hashHolds = new Map<BaomiEvent, boolean>(sorted.map((e) => [e, eventHash(e) === e.hash]));

  // Prune records in this batch whose own hash holds may explain a gap. Each names the hash of
  // the last event it removed: the first event after the cut must link to it. (One sent again
  // with other content cannot explain anything: it sits at or below ackedSeq, so what it
  // claims to have removed lies below every gap still to come.)
  const anchors = new Map<number, string>();
  let batchPrunedThrough = 0;
  for (const e of sorted) {
    const p = pruneRecord(e);
    if (!p || !hashHolds.get(e)) continue;
    batchPrunedThrough = Math.max(batchPrunedThrough, p.throughSeq);
    anchors.set(p.throughSeq, p.hash);
  }
  const storedPrunedThrough = stored.prunedThrough();
  const prunedThrough = Math.max(storedPrunedThrough, batchPrunedThrough);

  const insert: IngestPlan['insert'] = [];
  const alerts: PlannedAlert[] = [];
  const inBatch = new Map<number, string>();
  let duplicates = 0;
  let acked = position.ackedSeq;
  let head = position.headHash;
  // The first event's prevHash is the genesis; after a gap nothing is known to link to.
  let expectPrev: string | null = head ?? (acked === 0 ? GENESIS_HASH : null);
  let newPruned = storedPrunedThrough;

  const brokenAlert = (e: BaomiEvent, kinds: IngestFlag[], extra: { [k: string]: Json }) => {
    alerts.push({
      type: 'sync.chain-broken',
      severity: 'critical',
      seq: e.seq,
      data: { kind: kinds[0]!, kinds, seq: e.seq, hash: e.hash, ...extra },
      key: `broken:${e.seq}:${e.hash}`,
    });
  };
  const take = (e: BaomiEvent, flags: IngestFlag[]) => {
    insert.push({ event: e, flags });
    inBatch.set(e.seq, e.hash);
    const p = pruneRecord(e);
    if (p && hashHolds.get(e)) newPruned = Math.max(newPruned, p.throughSeq);
    if (e.type === 'alert.raised') {
      // The agent's own alert rule fired: staff see it in the alert list as well.
      alerts.push({
        type: 'alert.raised',
        severity: e.severity,
        seq: e.seq,
        data: e.data,
        key: `raised:${e.seq}`,
      });
    } else if (e.type === 'usb.enforcement-lost') {
      // USB ports found open that the agent had sealed (or a seal that does not hold): an
      // alert at the event's severity, with what the agent recorded (which ports, why,
      // whether it sealed them again).
      alerts.push({
        type: 'usb.enforcement-lost',
        severity: e.severity,
        seq: e.seq,
        data: e.data,
        key: `enforcement-lost:${e.seq}`,
      });
    }
  };

  for (const e of sorted) {
    const held = inBatch.get(e.seq) ?? stored.hashOf(e.seq);
    if (held !== undefined) {
      duplicates++;
      if (held !== e.hash) {
        // Keep the original: the console's copy is the evidence.
        alerts.push({
          type: 'sync.chain-broken',
          severity: 'critical',
          seq: e.seq,
          data: { kind: 'rewritten', seq: e.seq, storedHash: held, sentHash: e.hash },
          key: `rewritten:${e.seq}:${e.hash}`,
        });
      }
      continue;
    }

    if (e.seq <= acked) {
      // A seq we acknowledged through a gap arrives after all: keep it (the gap's alert
      // stands), checking its own hash; its neighbours were judged without it.
      const flags: IngestFlag[] = hashHolds.get(e) ? ['late'] : ['late', 'hash'];
      if (flags.includes('hash')) brokenAlert(e, ['hash'], { late: true });
      take(e, flags);
      continue;
    }

    if (e.seq > acked + 1) {
      const from = acked + 1;
      const to = e.seq - 1;
      if (prunedThrough >= to) {
        // Explained by retention. The prune record names the hash of the last removed event,
        // which the first event after the cut must link to.
        expectPrev = anchors.get(to) ?? null;
      } else {
        const unexplainedFrom = Math.max(from, prunedThrough + 1);
        alerts.push({
          type: 'sync.gap',
          severity: 'high',
          seq: unexplainedFrom,
          data: { from: unexplainedFrom, to },
          key: `gap:${unexplainedFrom}-${to}`,
        });
        expectPrev = null;
      }
    }

    const flags: IngestFlag[] = [];
    if (!hashHolds.get(e)) flags.push('hash');
    if (expectPrev !== null && e.prevHash !== expectPrev) flags.push('link');
    if (flags.length > 0) {
      const extra: { [k: string]: Json } = {};
      if (flags.includes('link')) {
        extra.expectedPrev = expectPrev;
        extra.actualPrev = e.prevHash;
      }
      brokenAlert(e, flags, extra);
    }
    take(e, flags);
    // Acknowledged through, and re-synchronised on the hash as sent, so one edit is one break.
    acked = e.seq;
    head = e.hash;
    expectPrev = e.hash;
  }

  return {
    insert,
    duplicates,
    position: { ackedSeq: acked, headHash: head, prunedThrough: newPruned },
    alerts,
  };
}

/** An exception request made on the workstation (`usb.exception-requested`). */
export interface RequestedException {
  requestId: string;
  user: string | null;
  device: string;
  deviceLabel: string | null;
  reason: string;
  requestedAt: number;
}

const MAX_REQUEST_ID = 200;

function text(v: Json | undefined, max: number): string | null {
  return typeof v === 'string' && v.length > 0 && v.length <= max ? v : null;
}

/**
 * The exception requests an ingested batch makes, and the request ids whose decision it shows
 * was delivered (`usb.exception` / `usb.exception-refused` with data.requestId). An event
 * without the fields a request needs makes none (it is stored all the same).
 */
export function exceptionEffects(events: readonly BaomiEvent[]): {
  requests: RequestedException[];
  delivered: string[];
} {
  const requests: RequestedException[] = [];
  const delivered: string[] = [];
  for (const e of events) {
    if (e.type === 'usb.exception-requested') {
      const requestId = text(e.data.requestId, MAX_REQUEST_ID);
      const device = text(e.data.device, 1000);
      if (requestId === null || device === null) continue;
      const reason = typeof e.data.reason === 'string' ? e.data.reason : '';
      requests.push({
        requestId,
        user: e.user ?? null,
        device,
        deviceLabel: text(e.data.deviceLabel, 1000),
        reason,
        requestedAt: e.ts,
      });
    } else if (e.type === 'usb.exception' || e.type === 'usb.exception-refused') {
      const requestId = text(e.data.requestId, MAX_REQUEST_ID);
      if (requestId !== null) delivered.push(requestId);
    }
  }
  return { requests, delivered };
}
