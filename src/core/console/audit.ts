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
  kind: 'hash' | 'link' | 'gap';
}

/** Walks rows in seq order from the genesis; every break is reported. */
export function verifyAudit(rows: readonly (AuditFields & { hash: string })[]): {
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
  return { ok: breaks.length === 0, checked: rows.length, breaks };
}
