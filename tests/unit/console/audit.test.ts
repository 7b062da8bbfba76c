// The console's audit trail chain (core/console/audit.ts): every field is covered by the
// hash, the link and the seq order are checked, and every break is reported.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type AuditFields, auditHash, verifyAudit } from '../../../src/core/console/audit.js';
import { jcs } from '../../../src/core/events/jcs.js';
import { GENESIS_HASH } from '../../../src/core/events/types.js';

function chain(n: number, who = 'staff') {
  const rows: (AuditFields & { hash: string })[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const f: AuditFields = {
      seq,
      ts: 1_700_000_000_000 + seq,
      actor: `${who}${seq}`,
      action: 'login',
      ip: '127.0.0.1',
      target: `t${seq}`,
      details: { n: seq },
      prevHash: prev,
    };
    const hash = auditHash(f);
    rows.push({ ...f, hash });
    prev = hash;
  }
  return rows;
}

describe('auditHash', () => {
  it('is SHA-256 over the JCS of exactly the fields but hash', () => {
    const f: AuditFields = {
      seq: 1,
      ts: 5,
      actor: 'a',
      action: 'login',
      ip: '::1',
      target: '',
      details: { z: 1, a: '<b>' },
      prevHash: GENESIS_HASH,
    };
    const want = createHash('sha256').update(jcs(f)).digest('hex');
    expect(auditHash(f)).toBe(want);
    expect(auditHash({ ...f, extra: 'ignored' } as AuditFields)).toBe(want);
  });

  it('changes when any field changes', () => {
    const [r] = chain(1);
    const base = auditHash(r as AuditFields);
    const edits: Partial<AuditFields>[] = [
      { seq: 2 },
      { ts: 1 },
      { actor: 'x' },
      { action: 'logout' },
      { ip: '10.0.0.1' },
      { target: 'other' },
      { details: { n: 2 } },
      { prevHash: 'f'.repeat(64) },
    ];
    for (const e of edits) expect(auditHash({ ...(r as AuditFields), ...e })).not.toBe(base);
  });
});

describe('verifyAudit', () => {
  it('accepts an intact chain and counts its rows', () => {
    expect(verifyAudit(chain(5))).toEqual({ ok: true, checked: 5, breaks: [] });
    expect(verifyAudit([])).toEqual({ ok: true, checked: 0, breaks: [] });
  });

  it('reports an edited row as a hash break and nothing else', () => {
    const rows = chain(4);
    rows[1] = { ...(rows[1] as (typeof rows)[number]), actor: 'mallory' };
    expect(verifyAudit(rows)).toEqual({
      ok: false,
      checked: 4,
      breaks: [{ seq: 2, kind: 'hash' }],
    });
  });

  it('reports a deleted row as a gap and a broken link', () => {
    const rows = chain(4);
    rows.splice(2, 1);
    const r = verifyAudit(rows);
    expect(r.ok).toBe(false);
    expect(r.breaks).toEqual([
      { seq: 3, kind: 'gap' },
      { seq: 4, kind: 'link' },
    ]);
  });

  it('reports a missing first row (the chain must start at seq 1 from the genesis)', () => {
    const r = verifyAudit(chain(3).slice(1));
    expect(r.breaks).toEqual([
      { seq: 1, kind: 'gap' },
      { seq: 2, kind: 'link' },
    ]);
  });

  it('reports a rehashed edit as a link break at the next row', () => {
    const rows = chain(3);
    const edited = { ...(rows[0] as AuditFields), actor: 'mallory' };
    rows[0] = { ...edited, hash: auditHash(edited) };
    expect(verifyAudit(rows).breaks).toEqual([{ seq: 2, kind: 'link' }]);
  });

  it('with the kept head: rows cut from the end are a truncated break, an intact end is not', () => {
    const rows = chain(5);
    const head = { seq: 5, hash: rows[4]!.hash };
    expect(verifyAudit(rows, head)).toEqual({ ok: true, checked: 5, breaks: [] });
    expect(verifyAudit([], null)).toEqual({ ok: true, checked: 0, breaks: [] });
    // The walk alone cannot see it: what is left is a valid chain from the genesis.
    expect(verifyAudit(rows.slice(0, 3)).ok).toBe(true);
    expect(verifyAudit(rows.slice(0, 3), head)).toEqual({
      ok: false,
      checked: 3,
      breaks: [{ seq: 5, kind: 'truncated' }],
    });
    expect(verifyAudit([], head).breaks).toEqual([{ seq: 5, kind: 'truncated' }]);
    // Cut and as many rows appended again: same seq, another hash.
    const other = chain(5, 'mallory');
    expect(verifyAudit(other, head).breaks).toEqual([{ seq: 5, kind: 'truncated' }]);
    // Rows the head never saw.
    expect(verifyAudit(rows, null).breaks).toEqual([{ seq: 5, kind: 'truncated' }]);
  });

  it('reports every break, not only the first', () => {
    const rows = chain(6);
    rows[1] = { ...(rows[1] as (typeof rows)[number]), ip: 'x' };
    rows[4] = { ...(rows[4] as (typeof rows)[number]), ip: 'y' };
    expect(verifyAudit(rows).breaks.map((b) => b.seq)).toEqual([2, 5]);
  });
});
