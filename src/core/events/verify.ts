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
import { checkLink } from './chain.js';
import { type BaomiEvent, GENESIS_HASH } from './types.js';

export type ChainBreakKind = 'hash' | 'link' | 'gap' | 'missing-prefix';

export type VerifyResult =
  | { ok: true; checked: number; firstSeq: number | null; lastSeq: number | null }
  | {
      ok: false;
      /** Events verified before the break. */
      checked: number;
      /** The seq where the chain stops holding (for a gap: the first missing one). */
      brokenAt: number;
      kind: ChainBreakKind;
      /** One line in English for logs and the CLI; `kind` and `brokenAt` are the facts. */
      detail: string;
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

/**
 * Walks `items` in the order given (ascending seq, as stored) and reports the first place the
 * chain does not hold. Stops reading at the first break.
 */
export function verifyChain(items: Iterable<ChainItem>): VerifyResult {
  let prev: { seq: number; hash: string } | undefined;
  let firstSeq: number | null = null;
  // Set when the walk starts after seq 1; cleared by the store.pruned event that vouches for it.
  let unconfirmed: { throughSeq: number; hash: string } | undefined;
  let checked = 0;
  const broken = (brokenAt: number, kind: ChainBreakKind, detail: string): VerifyResult => ({
    ok: false,
    checked,
    brokenAt,
    kind,
    detail,
  });

  for (const item of items) {
    if (isUnreadable(item)) {
      return broken(item.seq, 'hash', `seq ${item.seq}: ${item.unreadable}`);
    }
    const event = item;
    if (prev === undefined) {
      firstSeq = event.seq;
      if (event.seq === 1) prev = { seq: 0, hash: GENESIS_HASH };
      else {
        unconfirmed = { throughSeq: event.seq - 1, hash: event.prevHash };
        prev = { seq: event.seq - 1, hash: event.prevHash };
      }
    }
    const b = checkLink(prev, event);
    if (b) {
      switch (b.kind) {
        case 'gap':
          return broken(
            b.expectedSeq,
            'gap',
            b.seq > b.expectedSeq
              ? `seq ${b.expectedSeq} is missing (next stored is ${b.seq})`
              : `seq ${b.seq} follows seq ${prev.seq} (out of order or repeated)`,
          );
        case 'link':
          return broken(
            b.seq,
            'link',
            `seq ${b.seq}: prevHash ${b.actualPrev} does not match the hash of seq ${b.seq - 1} (${b.expectedPrev})`,
          );
        case 'hash':
          return broken(b.seq, 'hash', `seq ${b.seq}: content does not match its hash`);
      }
    }
    checked++;
    if (unconfirmed && event.type === 'store.pruned') {
      const d = event.data;
      if (d.throughSeq === unconfirmed.throughSeq && d.hash === unconfirmed.hash)
        unconfirmed = undefined;
    }
    prev = { seq: event.seq, hash: event.hash };
  }

  if (unconfirmed) {
    return broken(
      unconfirmed.throughSeq + 1,
      'missing-prefix',
      `events 1…${unconfirmed.throughSeq} are missing and no store.pruned event records their removal`,
    );
  }
  return { ok: true, checked, firstSeq, lastSeq: prev?.seq ?? null };
}
