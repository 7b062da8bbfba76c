// The hash of one event and the check of one link, on their own: what the walk in verify.ts
// and the store's writer both stand on. A fixed vector pins the scheme, because changing
// what is hashed would break every stored chain and every console's copy.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, checkLink, eventHash } from '../../../src/core/events/chain.js';
import type { BaomiEvent } from '../../../src/core/events/types.js';
import { GENESIS_HASH } from '../../../src/core/events/types.js';

const unhashed = {
  id: '01890a5d-ac96-7000-8000-000000000001',
  seq: 1,
  ts: 1_764_460_800_000,
  type: 'file.modified',
  severity: 'info',
  level: '机密',
  user: '张三',
  host: 'ws-01',
  data: { path: '/srv/财务/报表.xlsx', size: 12, detectedBy: 'watch' },
  prevHash: GENESIS_HASH,
} as Omit<BaomiEvent, 'hash'>;
const first = { ...unhashed, hash: eventHash(unhashed) } as BaomiEvent;

function next(prev: BaomiEvent, over: Partial<BaomiEvent> = {}): BaomiEvent {
  const e = { ...prev, seq: prev.seq + 1, prevHash: prev.hash, ...over } as Partial<BaomiEvent>;
  delete e.hash;
  return { ...e, hash: eventHash(e as Omit<BaomiEvent, 'hash'>) } as BaomiEvent;
}

describe('eventHash', () => {
  it('is SHA-256 (lowercase hex) of the UTF-8 bytes of the canonical JSON without `hash`', () => {
    const canonical = canonicalJson(unhashed);
    expect(canonical.startsWith('{"data":{"detectedBy":"watch","path":"/srv/财务/报表.xlsx"')).toBe(
      true,
    );
    const expected = createHash('sha256').update(Buffer.from(canonical, 'utf8')).digest('hex');
    expect(eventHash(unhashed)).toBe(expected);
    expect(eventHash(unhashed)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives the same hash for a stored event (its own `hash` left out) as before storing', () => {
    expect(eventHash(first)).toBe(first.hash);
    expect(eventHash({ ...first, hash: 'f'.repeat(64) })).toBe(first.hash);
  });

  it('does not change across releases (fixed vector)', () => {
    // Computed outside this code: the `canonicalize` reference package, then sha256sum.
    expect(canonicalJson(unhashed)).toBe(
      '{"data":{"detectedBy":"watch","path":"/srv/财务/报表.xlsx","size":12},"host":"ws-01",' +
        '"id":"01890a5d-ac96-7000-8000-000000000001","level":"机密","prevHash":"' +
        '0'.repeat(64) +
        '","seq":1,"severity":"info","ts":1764460800000,"type":"file.modified","user":"张三"}',
    );
    expect(first.hash).toBe('5a0c26449c7aa33bcba661aa17c1128f6640307566ebf864969a6cc389bffaa1');
  });
});

describe('checkLink', () => {
  const second = next(first);

  it('holds for the next seq, linked to the previous hash, with its own hash right', () => {
    expect(checkLink({ seq: 0, hash: GENESIS_HASH }, first)).toBeNull();
    expect(checkLink(first, second)).toBeNull();
  });

  it('gap: names the seq found and the one expected, before looking at hashes', () => {
    const third = next(second);
    expect(checkLink(first, third)).toEqual({ kind: 'gap', seq: 3, expectedSeq: 2 });
    expect(checkLink(second, first)).toEqual({ kind: 'gap', seq: 1, expectedSeq: 3 });
    expect(checkLink(first, first)).toEqual({ kind: 'gap', seq: 1, expectedSeq: 2 });
  });

  it('link: names the hash expected and the prevHash found', () => {
    const other = { seq: 1, hash: 'e'.repeat(64) };
    expect(checkLink(other, second)).toEqual({
      kind: 'link',
      seq: 2,
      expectedPrev: 'e'.repeat(64),
      actualPrev: first.hash,
    });
  });

  it('hash: content that does not match its hash, even with the link intact', () => {
    expect(checkLink(first, { ...second, ts: second.ts + 1 })).toEqual({ kind: 'hash', seq: 2 });
    expect(checkLink(first, { ...second, hash: first.hash })).toEqual({ kind: 'hash', seq: 2 });
  });
});
