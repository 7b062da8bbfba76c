// The walk that decides whether a stored chain can be trusted. Pure: the agent's store feeds
// it the rows of its database, the console will feed it an agent's events as it holds them,
// and both then judge with exactly these rules.
//
// SECURITY: this is what lets a reader trust the log. The walk starts at seq 1 from
// GENESIS_HASH, or, after retention, from an anchor (throughSeq = first seq − 1, hash = the
// first event's prevHash) that must be confirmed by a `store.pruned` event found *later in the
// verified chain* recording exactly that throughSeq and hash: the anchor is then itself covered
// by the hashes that follow it, and a prefix deleted by hand has no such record. Do not accept
// an anchor on weaker evidence (a prune record before the walk starts, one with another hash,
// a count instead of a hash).
//
// The end of the chain cannot vouch for itself: a chain cut short is a valid shorter chain.
// So the walk also takes the heads the chain is known to have reached (the agent's
// `chain.head` file, the agent's own head in memory; later the console's acknowledged seq):
// the chain must reach each one, with the same hash there (DESIGN.md "Chain head outside the
// database"). What that can and cannot prove is in the README ("For security staff").
//
// The walk reads everything and reports every break it finds (the first MAX_BREAKS in
// detail, then a count), re-synchronising after each one so that one edit is one break.
import { eventHash } from './chain.js';
import { type BaomiEvent, GENESIS_HASH, type Json } from './types.js';

export type ChainBreakKind =
  | 'hash'
  | 'link'
  | 'gap'
  | 'missing-prefix'
  /** The chain ends before a head it is known to have reached: its end was cut off. */
  | 'truncated'
  /** The event at a known head's seq has another hash: the chain was rewritten from there. */
  | 'head-mismatch'
  /** No `chain.head` beside a non-empty chain that an agent keeping one has written. */
  | 'head-missing'
  /** `chain.head` exists but is not a head ({seq, hash}). */
  | 'head-unreadable';

/** One place where the chain does not hold: facts to render in the reader's language. */
export interface ChainBreak {
  kind: ChainBreakKind;
  /** The seq where the chain stops holding (for a gap: the first missing one). */
  seq: number;
  /** The values its message needs (codes/chain.ts names the message of each kind). */
  params: Record<string, Json>;
  /** One line in English for logs and `--json`. */
  detail: string;
}

/** A point the chain is known to have reached: the event at `seq` has `hash`. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** What `chain.head` said: a head, no file, or a file that is not a head. */
export type HeadClaim = ChainHead | 'missing' | 'unreadable';

export interface VerifyOptions {
  /** What the `chain.head` file said; undefined: nothing to compare (the walk alone). */
  head?: HeadClaim;
  /** Further heads the chain is known to have reached (the running agent's own, in memory). */
  reached?: readonly ChainHead[];
}

/** Breaks reported in detail; the rest are counted (`moreBreaks`). */
export const MAX_BREAKS = 100;

export type VerifyResult =
  | {
      ok: true;
      checked: number;
      firstSeq: number | null;
      lastSeq: number | null;
      /**
       * Only when a head was given: 'checked' (the chain reaches it), or 'unchecked' (no
       * `chain.head`, and the chain shows no agent that keeps one has written it: a database
       * of a Baomi that did not keep chain.head yet; the end of the log could not be checked).
       */
      tail?: 'checked' | 'unchecked';
    }
  | {
      ok: false;
      /** Events verified before the walk met its first break. */
      checked: number;
      /** The first break met (as `breaks[0]`), kept flat for old readers. */
      brokenAt: number;
      kind: ChainBreakKind;
      detail: string;
      /** Every break, in the order met, at most MAX_BREAKS. */
      breaks: ChainBreak[];
      /** Breaks found beyond MAX_BREAKS. */
      moreBreaks: number;
      /** Events read in all. */
      read: number;
      firstSeq: number | null;
      lastSeq: number | null;
    };

/** A stored record that could not be read back as an event (its `data` is not JSON, …). */
export interface UnreadableEvent {
  seq: number;
  unreadable: string;
}

export type ChainItem = BaomiEvent | UnreadableEvent;

function isUnreadable(item: ChainItem): item is UnreadableEvent {
  return 'unreadable' in item;
}

function isHead(h: HeadClaim | undefined): h is ChainHead {
  return typeof h === 'object' && h !== null;
}

/**
 * The walk, one item at a time (the agent feeds it page by page so a long walk does not
 * block it). Items must come in ascending seq, as stored.
 */
export class ChainWalk {
  private prev: { seq: number; hash: string | null } | undefined;
  private firstSeq: number | null = null;
  // Set when the walk starts after seq 1; cleared by the store.pruned event that vouches for it.
  private unconfirmed: { throughSeq: number; hash: string } | undefined;
  private checked = 0;
  private read = 0;
  private firstBreakChecked: number | null = null;
  private readonly breaks: ChainBreak[] = [];
  private more = 0;
  private sawChainCheck = false;
  /**
   * The hash each known head expects at its seq, and what the chain had there. Two heads
   * may name one seq with different hashes (chain.head as found, and the agent's own after
   * it rewrote the end): each is held to the chain on its own.
   */
  private readonly heads = new Map<number, { seq: number; expected: string; found?: string }[]>();

  constructor(private readonly opts: VerifyOptions = {}) {
    const all = [...(isHead(opts.head) ? [opts.head] : []), ...(opts.reached ?? [])];
    for (const h of all) {
      if (h.seq <= 0) continue;
      const at = this.heads.get(h.seq) ?? [];
      at.push({ seq: h.seq, expected: h.hash });
      this.heads.set(h.seq, at);
    }
  }

  private broken(kind: ChainBreakKind, seq: number, params: Record<string, Json>, detail: string) {
    this.firstBreakChecked ??= this.checked;
    if (this.breaks.length < MAX_BREAKS) this.breaks.push({ kind, seq, params, detail });
    else this.more++;
  }

  push(item: ChainItem): void {
    this.read++;
    if (isUnreadable(item)) {
      this.broken('hash', item.seq, { seq: item.seq }, `seq ${item.seq}: ${item.unreadable}`);
      this.firstSeq ??= item.seq;
      // Its hash is unknown: the next link is not held against it (one break, not two).
      if (!this.prev || item.seq > this.prev.seq) this.prev = { seq: item.seq, hash: null };
      return;
    }
    const event = item;
    if (this.prev === undefined) {
      this.firstSeq = event.seq;
      if (event.seq === 1) this.prev = { seq: 0, hash: GENESIS_HASH };
      else {
        this.unconfirmed = { throughSeq: event.seq - 1, hash: event.prevHash };
        this.prev = { seq: event.seq - 1, hash: event.prevHash };
      }
    }
    const prev = this.prev;
    const expectedSeq = prev.seq + 1;
    let ok = true;
    if (event.seq !== expectedSeq) {
      ok = false;
      if (event.seq > expectedSeq) {
        this.broken(
          'gap',
          expectedSeq,
          { seq: expectedSeq, last: event.seq - 1, next: event.seq },
          `seq ${expectedSeq} is missing (next stored is ${event.seq})`,
        );
      } else {
        this.broken(
          'gap',
          expectedSeq,
          { seq: expectedSeq, last: expectedSeq, next: event.seq },
          `seq ${event.seq} follows seq ${prev.seq} (out of order or repeated)`,
        );
        return; // nothing after it is judged against a repeated event
      }
      // The missing events explain the broken link; the event's own content is still checked.
      if (hashOrNull(event) !== event.hash) {
        this.broken(
          'hash',
          event.seq,
          { seq: event.seq },
          `seq ${event.seq}: content does not match its hash`,
        );
      }
    } else if (prev.hash !== null && event.prevHash !== prev.hash) {
      ok = false;
      this.broken(
        'link',
        event.seq,
        { seq: event.seq, prev: prev.seq },
        `seq ${event.seq}: prevHash ${event.prevHash} does not match the hash of seq ${prev.seq} (${prev.hash})`,
      );
    } else if (hashOrNull(event) !== event.hash) {
      ok = false;
      this.broken(
        'hash',
        event.seq,
        { seq: event.seq },
        `seq ${event.seq}: content does not match its hash`,
      );
    }
    if (ok) {
      if (this.firstBreakChecked === null) this.checked++;
      if (this.unconfirmed && event.type === 'store.pruned') {
        const d = event.data;
        if (d.throughSeq === this.unconfirmed.throughSeq && d.hash === this.unconfirmed.hash)
          this.unconfirmed = undefined;
      }
      if (event.type === 'store.chain-checked') this.sawChainCheck = true;
    }
    for (const head of this.heads.get(event.seq) ?? []) head.found = event.hash;
    // Re-synchronise on the stored hash: the next event is judged against what is stored.
    this.prev = { seq: event.seq, hash: event.hash };
  }

  result(): VerifyResult {
    const lastSeq = this.prev && this.firstSeq !== null ? this.prev.seq : null;
    const firstSeq = this.firstSeq;
    const tailBreaks: ChainBreak[] = [];
    if (this.unconfirmed) {
      const through = this.unconfirmed.throughSeq;
      tailBreaks.push({
        kind: 'missing-prefix',
        seq: through + 1,
        params: { seq: through + 1, last: through },
        detail: `events 1…${through} are missing and no store.pruned event records their removal`,
      });
    }
    tailBreaks.push(...this.headBreaks(firstSeq, lastSeq));
    // Met at the end of the walk: recorded after everything met on the way.
    const breaks = [...this.breaks];
    let more = this.more;
    let firstChecked = this.firstBreakChecked;
    for (const b of tailBreaks) {
      firstChecked ??= this.checked;
      if (breaks.length < MAX_BREAKS) breaks.push(b);
      else more++;
    }
    const first = breaks[0];
    if (!first) {
      const ok = { ok: true as const, checked: this.checked, firstSeq, lastSeq };
      if (this.opts.head === undefined) return ok;
      const unchecked = this.opts.head === 'missing' && lastSeq !== null;
      return { ...ok, tail: unchecked ? 'unchecked' : 'checked' };
    }
    return {
      ok: false,
      checked: firstChecked ?? this.checked,
      brokenAt: first.seq,
      kind: first.kind,
      detail: first.detail,
      breaks,
      moreBreaks: more,
      read: this.read,
      firstSeq,
      lastSeq,
    };
  }

  private headBreaks(firstSeq: number | null, lastSeq: number | null): ChainBreak[] {
    return headBreaks({
      claim: this.opts.head,
      heads: [...this.heads.values()].flat(),
      firstSeq,
      lastSeq,
      sawChainCheck: this.sawChainCheck,
    });
  }
}

/** What the head rules need to know of a chain (the walk's findings, or a quick look). */
export interface HeadFacts {
  claim: HeadClaim | undefined;
  /** Each known head: the hash expected at its seq, and the hash stored there (if any). */
  heads: readonly { seq: number; expected: string; found?: string }[];
  firstSeq: number | null;
  lastSeq: number | null;
  /** The chain holds a `store.chain-checked` event: an agent that keeps chain.head wrote it. */
  sawChainCheck: boolean;
}

/**
 * The breaks at the end of a chain: it must reach every known head with the same hash there.
 * Used by the walk, and by the agent at start on a quick look at the database (no walk), so
 * a cut log is said at once.
 */
export function headBreaks(f: HeadFacts): ChainBreak[] {
  const out: ChainBreak[] = [];
  const last = f.lastSeq ?? 0;
  if (f.claim === 'unreadable') {
    out.push({
      kind: 'head-unreadable',
      seq: last + 1,
      params: { last },
      detail: 'chain.head is not a head ({seq, hash}): the end of the log cannot be checked',
    });
  } else if (f.claim === 'missing' && f.lastSeq !== null && f.sawChainCheck) {
    // An agent that keeps chain.head has checked this chain (store.chain-checked), so the
    // file existed: it was deleted. Without such an event the database predates the head
    // (the result says tail 'unchecked'); see the README.
    out.push({
      kind: 'head-missing',
      seq: last + 1,
      params: { last },
      detail: `chain.head is missing beside a chain that an agent keeping one has written (last seq ${last}): it was deleted`,
    });
  }
  let highest: { seq: number } | undefined;
  for (const h of [...f.heads].sort((a, b) => a.seq - b.seq)) {
    if (h.seq <= 0) continue;
    if (h.seq > last) {
      highest = h;
      continue;
    }
    // A head older than a pruned prefix cannot be compared; one inside a gap is the gap's.
    if (f.firstSeq !== null && h.seq < f.firstSeq) continue;
    if (h.found !== undefined && h.found !== h.expected) {
      out.push({
        kind: 'head-mismatch',
        seq: h.seq,
        params: { seq: h.seq },
        detail: `seq ${h.seq} has hash ${h.found}, but the chain was known to have ${h.expected} there: it was rewritten from there on`,
      });
    }
  }
  if (highest) {
    out.push({
      kind: 'truncated',
      seq: last + 1,
      params: { seq: last + 1, last, head: highest.seq },
      detail: `the chain ends at seq ${last}, but it was known to reach seq ${highest.seq}: events ${last + 1}…${highest.seq} were removed from its end`,
    });
  }
  return out;
}

/** Walks `items` (ascending seq, as stored) and reports every place the chain does not hold. */
export function verifyChain(items: Iterable<ChainItem>, opts: VerifyOptions = {}): VerifyResult {
  const walk = new ChainWalk(opts);
  for (const item of items) walk.push(item);
  return walk.result();
}

/**
 * The event's hash, or null when it cannot be computed: a stored row edited to hold what
 * JSON can carry but the chain's canonical form cannot (1e999 parses as Infinity, which JCS
 * refuses). SECURITY: that is a break of kind `hash`, never an exception that ends the walk.
 */
function hashOrNull(event: BaomiEvent): string | null {
  try {
    return eventHash(event);
  } catch {
    return null;
  }
}
