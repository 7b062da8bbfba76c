// The console's audit trail is chained like an agent's events (DESIGN.md "Event"): each row's
// hash is SHA-256 over the RFC 8785 (JCS) canonical JSON of every field but `hash`, and the
// first row's prevHash is 64 zeros. Pure, so both datastores and `audit verify` share it.
import { createHash } from 'node:crypto';
import { jcs } from '../events/jcs.js';
import { GENESIS_HASH, type Json } from '../events/types.js';

export interface AuditFields {
  seq: number;
  ts: number;
  actor: string;
  action: string;
  ip: string;
  target: string;
  details: { [k: string]: Json };
  prevHash: string;
}

export function auditHash(row: AuditFields): string {
  const { seq, ts, actor, action, ip, target, details, prevHash } = row;
  const body = { seq, ts, actor, action, ip, target, details, prevHash } as unknown as Json;
  return createHash('sha256').update(jcs(body)).digest('hex');
}

export interface AuditBreak {
  seq: number;
  /** `truncated`: the trail ends before the head the store kept (rows removed from its end;
   *  `seq` is the head's, the last row that should be there). */
  kind: 'hash' | 'link' | 'gap' | 'truncated';
}

/**
 * Walks rows in seq order from the genesis; every break is reported. `head` is the chain head
 * the store kept beside the trail (null: nothing appended): a walk alone cannot tell a trail
 * whose last rows were deleted from one that ends there, the head can.
 */
export function verifyAudit(
  rows: readonly (AuditFields & { hash: string })[],
  head?: { seq: number; hash: string } | null,
): {
  ok: boolean;
  checked: number;
  breaks: AuditBreak[];
} {
  const breaks: AuditBreak[] = [];
  let prev = GENESIS_HASH;
  let expect = 1;
  for (const r of rows) {
    if (r.seq !== expect) breaks.push({ seq: expect, kind: 'gap' });
    if (r.prevHash !== prev) breaks.push({ seq: r.seq, kind: 'link' });
    if (auditHash(r) !== r.hash) breaks.push({ seq: r.seq, kind: 'hash' });
    prev = r.hash;
    expect = r.seq + 1;
  }
  if (head !== undefined) {
    const last = rows.at(-1);
    const lastSeq = last?.seq ?? 0;
    const lastHash = last?.hash ?? GENESIS_HASH;
    // A trail longer than its head is a row inserted past it; shorter, rows cut from the end.
    if (head === null ? rows.length > 0 : head.seq !== lastSeq || head.hash !== lastHash)
      breaks.push({ seq: Math.max(head?.seq ?? 0, lastSeq), kind: 'truncated' });
  }
  return { ok: breaks.length === 0, checked: rows.length, breaks };
}
